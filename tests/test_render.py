"""Rendering: files present and absent, no Jinja left, data files parse, ruff passes."""

import itertools
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .rendering import render

FACTORS = ("api_first", "telemetry", "auth")
VERSIONINGS = ("path", "header", "both")
AUTH_MODES = ("hs256", "oidc")
SECRET_BACKENDS = ("env", "kubernetes", "aws", "gcp", "azure", "vault")
CLOUD_TARGETS = ("kubernetes", "aws", "gcp", "azure")
CLOUD_BACKENDS = {"aws", "gcp", "azure"}

# An expression tag as the template writes them ("{{ name"), a statement or a comment
# tag. A bare "}}" is not searched: nested dicts in Python and JSON end that way.
JINJA_LEFTOVER = re.compile(r"{{-? +[\w(]|{%|%}|{#-? ")
# Helm templates are Go templates, so only Jinja's statement tags are foreign there.
JINJA_STATEMENT = re.compile(r"{%|%}")
# GitHub Actions expressions use ${{ }}, which is not Jinja.
ACTIONS_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def valid_pair(secret_backend: str, cloud_target: str) -> bool:
    return secret_backend not in CLOUD_BACKENDS or cloud_target in (
        secret_backend,
        "kubernetes",
    )


def all_answer_sets() -> Iterator[dict[str, Any]]:
    """Yield every answer set that renders, with the default Python version."""
    for size in range(len(FACTORS) + 1):
        for factors in itertools.combinations(FACTORS, size):
            versionings = VERSIONINGS if "api_first" in factors else (None,)
            auth = AUTH_MODES if "auth" in factors else (None,)
            backends = SECRET_BACKENDS if "auth" in factors else (None,)
            for versioning, auth_mode, backend, target, example in itertools.product(
                versionings, auth, backends, CLOUD_TARGETS, (True, False)
            ):
                if backend is not None and not valid_pair(backend, target):
                    continue
                answers: dict[str, Any] = {
                    "factors": list(factors),
                    "cloud_target": target,
                    "example_api": example,
                }
                if versioning:
                    answers["api_versioning"] = versioning
                if auth_mode:
                    answers["auth_mode"] = auth_mode
                    answers["secret_backend"] = backend
                yield answers


def answer_id(answers: dict[str, Any]) -> str:
    parts = ["+".join(answers["factors"]) or "no-factors"]
    for key in ("api_versioning", "auth_mode", "secret_backend"):
        if key in answers:
            parts.append(answers[key])
    parts.append(f"on-{answers['cloud_target']}")
    parts.append("example" if answers["example_api"] else "no-example")
    return "-".join(parts)


ANSWER_SETS = list(all_answer_sets())


def text_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".git" not in path.parts:
            yield path


def check_rendered_tree(root: Path) -> None:
    """Assert what every render must satisfy, whatever the answers."""
    for path in text_files(root):
        text = path.read_text()
        helm_template = "templates" in path.parts or path.suffix == ".tpl"
        pattern = JINJA_STATEMENT if helm_template else JINJA_LEFTOVER
        leftover = pattern.search(ACTIONS_EXPRESSION.sub("", text))
        assert leftover is None, f"Jinja syntax {leftover.group()!r} left in {path}"
        assert "\n\n\n\n" not in text, f"a run of blank lines is left in {path}"
        assert text.endswith("\n") or not text, f"{path} does not end with a newline"
        if path.suffix in (".yaml", ".yml") and not helm_template:
            list(yaml.safe_load_all(text))
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix == ".json":
            json.loads(text)

    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, str(root)],
            capture_output=True,
            text=True,
            check=False,
            cwd=root,
        )
        assert result.returncode == 0, f"ruff {command[0]} failed:\n{result.stdout}"


@pytest.fixture(scope="module")
def default_project(
    template_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return render(template_copy, tmp_path_factory.mktemp("default") / "my-service", {})


@pytest.mark.parametrize(
    "relative_path",
    [
        ".copier-answers.yml",
        ".dockerignore",
        ".github/workflows/ci.yml",
        ".gitignore",
        ".python-version",
        "Dockerfile",
        "README.md",
        "pyproject.toml",
        "src/my_service/__init__.py",
        "src/my_service/__main__.py",
        "src/my_service/api/v1/orders.py",
        "src/my_service/app.py",
        "src/my_service/errors.py",
        "src/my_service/health.py",
        "src/my_service/logs.py",
        "src/my_service/middleware/__init__.py",
        "src/my_service/middleware/request_id.py",
        "src/my_service/orders/repository.py",
        "src/my_service/settings.py",
        "tests/conftest.py",
        "tests/test_health.py",
        "tests/test_orders.py",
    ],
)
def test_default_render_has_file(default_project: Path, relative_path: str) -> None:
    assert (default_project / relative_path).is_file()


def test_default_render_is_clean(default_project: Path) -> None:
    check_rendered_tree(default_project)


def test_default_render_depends_on_core_libraries(default_project: Path) -> None:
    project = tomllib.loads((default_project / "pyproject.toml").read_text())
    names = {
        re.split(r"[\[<>=~ ]", spec)[0] for spec in project["project"]["dependencies"]
    }
    assert {"fastapi", "pydantic-settings", "python-json-logger", "uvicorn"} <= names


def test_render_without_example_has_no_orders(
    template_copy: Path, tmp_path: Path
) -> None:
    root = render(template_copy, tmp_path / "service", {"example_api": False})
    assert not (root / "src/my_service/orders").exists()
    assert not (root / "src/my_service/api/v1/orders.py").exists()
    assert not (root / "tests/test_orders.py").exists()
    assert "orders" not in (root / "src/my_service/app.py").read_text()


def test_python_version_reaches_every_file(template_copy: Path, tmp_path: Path) -> None:
    root = render(template_copy, tmp_path / "service", {"python_version": "3.13"})
    assert (root / ".python-version").read_text() == "3.13\n"
    assert 'requires-python = ">=3.13"' in (root / "pyproject.toml").read_text()
    assert "ARG PYTHON_VERSION=3.13" in (root / "Dockerfile").read_text()
    assert 'target-version = "py313"' in (root / "pyproject.toml").read_text()


def test_quotes_in_answers_stay_valid(template_copy: Path, tmp_path: Path) -> None:
    answers = {
        "project_name": 'The "Quoted" Service',
        "description": 'Says "hi" and \\ backslashes; it\'s fine.',
        "author_name": "O'Brien",
    }
    root = render(template_copy, tmp_path / "service", answers)
    check_rendered_tree(root)


@pytest.mark.parametrize("secret_backend", SECRET_BACKENDS)
def test_longest_names_render_clean(
    template_copy: Path, tmp_path: Path, secret_backend: str
) -> None:
    # 53 characters is the longest slug a Helm release name allows.
    answers = {
        "project_slug": "a-service-with-the-longest-name-that-helm-accepts-xyz",
        "package_name": "a_package_name_of_thirty_chars",
        "secret_backend": secret_backend,
    }
    assert len(answers["project_slug"]) == 53
    check_rendered_tree(render(template_copy, tmp_path / "service", answers))


@pytest.mark.parametrize(
    "answers", ANSWER_SETS, ids=[answer_id(a) for a in ANSWER_SETS]
)
def test_every_combination_renders_clean(
    template_copy: Path, tmp_path: Path, answers: dict[str, Any]
) -> None:
    check_rendered_tree(render(template_copy, tmp_path / "service", answers))
