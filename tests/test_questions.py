"""The questions of copier.yml: defaults, validators, and copying without --trust."""

import keyword
import sys
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

from .rendering import TEMPLATE_ROOT, render

# Each invalid answer, the rule its message must name, and the fix it must suggest.
INVALID_ANSWERS = [
    pytest.param(
        {"project_name": "   "},
        "project_name is empty",
        "enter a name",
        id="empty-name",
    ),
    pytest.param(
        {"project_slug": "My_Service"},
        "not a DNS-1123 label",
        "lowercase letters",
        id="slug-case",
    ),
    pytest.param(
        {"project_slug": "-service"},
        "not a DNS-1123 label",
        "starting and ending",
        id="slug-dash",
    ),
    pytest.param(
        {"project_slug": "a" * 54},
        "has 54 characters",
        "at most 53",
        id="slug-too-long",
    ),
    pytest.param(
        {"package_name": "2fast"},
        "not a lowercase Python identifier",
        "such as",
        id="pkg-digit",
    ),
    pytest.param(
        {"package_name": "my-service"},
        "not a lowercase Python identifier",
        "underscores",
        id="pkg-hyphen",
    ),
    pytest.param(
        {"package_name": "p" * 31},
        "has 31 characters",
        "at most 30",
        id="pkg-too-long",
    ),
    pytest.param(
        {"project_name": "日本語サービス"},
        "project_slug is empty",
        "--data project_slug=",
        id="slug-from-non-ascii-name",
    ),
    pytest.param(
        {"package_name": "test"},
        "shadows the standard library",
        "test_service",
        id="pkg-test-package",
    ),
    pytest.param(
        {"package_name": "class"},
        "is a Python keyword",
        "class_service",
        id="pkg-keyword",
    ),
    pytest.param(
        {"package_name": "json"},
        "shadows the standard library",
        "json_service",
        id="pkg-stdlib",
    ),
    pytest.param(
        {"package_name": "fastapi"},
        "shadows the import name",
        "fastapi_service",
        id="pkg-dep",
    ),
    pytest.param(
        {"author_email": "team.example.com"},
        "not an email address",
        "team@example.com",
        id="email",
    ),
    pytest.param(
        {"roles": []}, "roles is empty", "at least one role", id="roles-empty"
    ),
    pytest.param(
        {"roles": ["user", "admin", "user"]},
        "contains duplicates",
        "each role once",
        id="roles-duplicate",
    ),
    pytest.param(
        {"roles": ["user", "Admin"]},
        'role "Admin" is not a lowercase identifier',
        "lowercase",
        id="roles-case",
    ),
    pytest.param(
        {"roles": ["user", "read-only"]},
        'role "read-only"',
        "underscores",
        id="roles-hyphen",
    ),
    pytest.param(
        {"roles": ["user", "import"]}, 'role "import"', "keyword", id="roles-keyword"
    ),
    pytest.param(
        {"roles": "admin"}, "must be a YAML list", "[user, admin]", id="roles-string"
    ),
    pytest.param(
        {"secret_backend": "aws", "cloud_target": "gcp"},
        'secret_backend "aws" cannot be used',
        "pair aws with aws",
        id="aws-on-gke",
    ),
    pytest.param(
        {"secret_backend": "gcp", "cloud_target": "azure"},
        'secret_backend "gcp" cannot be used',
        "gcp with gcp",
        id="gcp-on-aks",
    ),
    pytest.param(
        {"secret_backend": "azure", "cloud_target": "aws"},
        'secret_backend "azure" cannot be used',
        "azure with azure",
        id="azure-on-eks",
    ),
]


@pytest.mark.parametrize(("answers", "rule", "fix"), INVALID_ANSWERS)
def test_invalid_answer_is_rejected(
    template_copy: Path, tmp_path: Path, answers: dict[str, Any], rule: str, fix: str
) -> None:
    destination = tmp_path / "service"
    with pytest.raises(ValueError, match="Validation error") as error:
        render(template_copy, destination, answers)

    assert rule in str(error.value)
    assert fix in str(error.value)
    assert not destination.exists()


@pytest.mark.parametrize(
    "answers",
    [
        {"project_slug": "a" * 53},
        {"package_name": "match"},
        {"factors": []},
        {"secret_backend": "aws", "cloud_target": "kubernetes"},
        {"secret_backend": "gcp", "cloud_target": "gcp"},
        {"secret_backend": "vault", "cloud_target": "azure"},
        {"factors": ["api_first"], "secret_backend": "aws", "cloud_target": "gcp"},
    ],
    ids=[
        "slug-53",
        "soft-keyword",
        "no-factors",
        "aws-on-any-cluster",
        "gcp-on-gke",
        "vault-on-aks",
        "backend-ignored-without-auth",
    ],
)
def test_valid_answer_is_accepted(
    template_copy: Path, tmp_path: Path, answers: dict[str, Any]
) -> None:
    destination = render(template_copy, tmp_path / "service", answers)
    assert (destination / "pyproject.toml").is_file()


@pytest.mark.parametrize(
    ("project_name", "slug", "package"),
    [
        ("My Service", "my-service", "my_service"),
        ("  Order  API v2! ", "order-api-v2", "order_api_v2"),
        ("Élan Billing", "lan-billing", "lan_billing"),
        ("x" * 60, "x" * 53, "x" * 30),
        ("a-b" * 20, ("a-b" * 20)[:52], "a_ba_ba_ba_ba_ba_ba_ba_ba_ba_b"),
        ("123 Go", "123-go", "service_123_go"),
    ],
    ids=[
        "plain",
        "punctuation",
        "non-ascii",
        "long",
        "cut-at-separator",
        "digit-first",
    ],
)
def test_names_derive_from_project_name(
    template_copy: Path, tmp_path: Path, project_name: str, slug: str, package: str
) -> None:
    destination = render(
        template_copy, tmp_path / "service", {"project_name": project_name}
    )
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["project_slug"] == slug
    assert answers["package_name"] == package


def test_stdlib_list_covers_this_interpreter() -> None:
    config = yaml.safe_load(
        (TEMPLATE_ROOT / "includes" / "python-stdlib.yml").read_text()
    )
    listed = set(config["python_stdlib_modules"]["default"])
    public = {name for name in sys.stdlib_module_names if not name.startswith("_")}
    assert public <= listed


def test_keyword_list_matches_python() -> None:
    documents = (TEMPLATE_ROOT / "copier.yml").read_text().split("\n---\n")
    questions = yaml.safe_load(documents[-1])
    assert set(questions["python_keywords"]["default"]) == set(keyword.kwlist)


def test_copy_needs_no_trust(tmp_path: Path) -> None:
    # pytest-copie always passes unsafe=True; this is plain `copier copy --defaults`.
    worker = copier.run_copy(
        str(TEMPLATE_ROOT),
        str(tmp_path / "service"),
        defaults=True,
        unsafe=False,
        vcs_ref="HEAD",
        quiet=True,
    )
    assert (Path(worker.dst_path) / "pyproject.toml").is_file()


def test_answers_file_records_every_question(
    template_copy: Path, tmp_path: Path
) -> None:
    destination = render(template_copy, tmp_path / "service", {})
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    documents = (TEMPLATE_ROOT / "copier.yml").read_text().split("\n---\n")
    questions = yaml.safe_load(documents[-1])
    asked = {name for name, spec in questions.items() if spec.get("when") is not False}
    assert asked <= set(answers)


def test_answers_without_factor_drop_its_questions(
    template_copy: Path, tmp_path: Path
) -> None:
    destination = render(
        template_copy, tmp_path / "service", {"factors": ["telemetry"]}
    )
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    for dependent in ("api_versioning", "auth_mode", "roles", "secret_backend"):
        assert dependent not in answers
