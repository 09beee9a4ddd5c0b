"""Secret backends: each render contains only the chosen backend's code and tests."""

import re
import tomllib
from pathlib import Path

import pytest

from .rendering import render
from .test_render import SECRET_BACKENDS, check_rendered_tree

PACKAGE = Path("src/my_service")
# Distribution names each backend adds to the project's dependencies.
BACKEND_DEPENDENCIES = {
    "env": set(),
    "kubernetes": set(),
    "aws": {"boto3"},
    "gcp": {"google-cloud-secret-manager"},
    "azure": {"azure-identity", "azure-keyvault-secrets"},
    "vault": {"hvac"},
}
ALL_BACKEND_DEPENDENCIES = set().union(*BACKEND_DEPENDENCIES.values())
# Settings fields only one backend has.
BACKEND_SETTINGS = {
    "env": set(),
    "kubernetes": {"secrets_dir"},
    "aws": {"aws_region", "aws_secret_prefix", "aws_endpoint_url"},
    "gcp": {"gcp_project"},
    "azure": {"azure_vault_url"},
    "vault": {
        "vault_url",
        "vault_role",
        "vault_auth_mount",
        "vault_kv_mount",
        "vault_kv_path",
    },
}


def distribution_names(specifiers: list[str]) -> set[str]:
    return {re.split(r"[\[<>=~ ]", specifier)[0] for specifier in specifiers}


def settings_fields(root: Path) -> set[str]:
    text = (root / PACKAGE / "settings.py").read_text()
    return set(re.findall(r"^    (\w+): ", text, flags=re.MULTILINE))


@pytest.fixture(scope="module", params=SECRET_BACKENDS)
def backend_project(
    request: pytest.FixtureRequest,
    template_copy: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[str, Path]:
    backend: str = request.param
    answers = {
        "factors": ["auth"],
        "secret_backend": backend,
        "cloud_target": "kubernetes",
    }
    root = render(template_copy, tmp_path_factory.mktemp(backend) / "service", answers)
    return backend, root


@pytest.fixture(scope="module")
def project_without_auth(
    template_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    answers = {"factors": ["api_first", "telemetry"]}
    destination = tmp_path_factory.mktemp("no-auth") / "service"
    return render(template_copy, destination, answers)


def test_render_has_only_chosen_backend_module(
    backend_project: tuple[str, Path],
) -> None:
    backend, root = backend_project
    modules = {path.stem for path in (root / PACKAGE / "secrets").glob("*.py")}
    assert modules == {"__init__", "base", "store", backend}


def test_render_has_only_chosen_backend_tests(
    backend_project: tuple[str, Path],
) -> None:
    backend, root = backend_project
    tests = {path.name for path in (root / "tests").glob("test_secret*.py")}
    assert tests == {"test_secret_store.py", f"test_secrets_{backend}.py"}


def test_render_depends_on_chosen_backend_only(
    backend_project: tuple[str, Path],
) -> None:
    backend, root = backend_project
    project = tomllib.loads((root / "pyproject.toml").read_text())
    names = distribution_names(project["project"]["dependencies"])
    assert names & ALL_BACKEND_DEPENDENCIES == BACKEND_DEPENDENCIES[backend]


def test_moto_is_a_dev_dependency_for_aws_only(
    backend_project: tuple[str, Path],
) -> None:
    backend, root = backend_project
    project = tomllib.loads((root / "pyproject.toml").read_text())
    dev = distribution_names(project["dependency-groups"]["dev"])
    assert ("moto" in dev) == (backend == "aws")


def test_render_has_only_chosen_backend_settings(
    backend_project: tuple[str, Path],
) -> None:
    backend, root = backend_project
    fields = settings_fields(root)
    other_fields = set().union(
        *(f for name, f in BACKEND_SETTINGS.items() if name != backend)
    )
    assert BACKEND_SETTINGS[backend] <= fields
    assert "secret_refresh_seconds" in fields
    assert not fields & other_fields


def test_render_imports_only_chosen_backend(
    backend_project: tuple[str, Path],
) -> None:
    backend, root = backend_project
    text = (root / PACKAGE / "secrets/__init__.py").read_text()
    imported = set(re.findall(r"^from \.(\w+) import", text, flags=re.MULTILINE))
    assert imported == {"base", "store", backend}


def test_backend_render_is_clean(backend_project: tuple[str, Path]) -> None:
    _, root = backend_project
    check_rendered_tree(root)


def test_readme_explains_chosen_backend(backend_project: tuple[str, Path]) -> None:
    backend, root = backend_project
    readme = (root / "README.md").read_text()
    commands = {
        "env": "MY_SERVICE_SECRET_JWT_SIGNING_KEY",
        "kubernetes": "kubectl create secret generic",
        "aws": "aws secretsmanager create-secret",
        "gcp": "gcloud secrets create",
        "azure": "az keyvault secret set",
        "vault": "vault kv put",
    }
    assert commands[backend] in readme
    for other, command in commands.items():
        if other != backend:
            assert command not in readme, other


def test_render_without_auth_has_no_secrets_package(
    project_without_auth: Path,
) -> None:
    assert not (project_without_auth / PACKAGE / "secrets").exists()


def test_render_without_auth_has_no_secret_tests(project_without_auth: Path) -> None:
    assert list((project_without_auth / "tests").glob("test_secret*.py")) == []


def test_render_without_auth_has_no_backend_dependency(
    project_without_auth: Path,
) -> None:
    project = tomllib.loads((project_without_auth / "pyproject.toml").read_text())
    names = distribution_names(
        project["project"]["dependencies"] + project["dependency-groups"]["dev"]
    )
    assert not names & (ALL_BACKEND_DEPENDENCIES | {"moto"})


def test_render_without_auth_has_no_secret_setting(project_without_auth: Path) -> None:
    assert "secret" not in (project_without_auth / PACKAGE / "settings.py").read_text()


def test_app_without_auth_has_no_secret_store(project_without_auth: Path) -> None:
    assert "secret" not in (project_without_auth / PACKAGE / "app.py").read_text()
