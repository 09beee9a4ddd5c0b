"""API first: the rendered OpenAPI document, and what is left out without the factor."""

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from .rendering import render
from .test_render import VERSIONINGS

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}

# Every versioning strategy, with and without auth and the example API.
SPEC_VARIANTS = [
    {
        "factors": ["api_first", "auth"] if auth else ["api_first"],
        "api_versioning": versioning,
        "example_api": example_api,
    }
    for versioning, auth, example_api in itertools.product(
        VERSIONINGS, (False, True), (True, False)
    )
]


def variant_id(answers: dict[str, Any]) -> str:
    auth = "auth" if "auth" in answers["factors"] else "no-auth"
    example = "example" if answers["example_api"] else "no-example"
    return f"{answers['api_versioning']}-{auth}-{example}"


def operations(spec: dict[str, Any]) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def render_spec(template: Path, destination: Path, answers: dict[str, Any]) -> Any:
    root = render(template, destination, answers)
    return yaml.safe_load((root / "openapi.yaml").read_text())


@pytest.fixture(scope="module")
def rendered_specs(
    template_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Render each variant's openapi.yaml once per module."""
    specs = {}
    for answers in SPEC_VARIANTS:
        destination = tmp_path_factory.mktemp(variant_id(answers)) / "service"
        specs[variant_id(answers)] = render_spec(template_copy, destination, answers)
    return specs


@pytest.mark.parametrize("answers", SPEC_VARIANTS, ids=variant_id)
def test_spec_is_valid_openapi(
    rendered_specs: dict[str, Any], answers: dict[str, Any]
) -> None:
    spec = rendered_specs[variant_id(answers)]
    validate(spec)
    assert spec["openapi"] == "3.1.0"


EXPECTED_ORDER_OPERATIONS = {
    "path": {
        "GET /v1/orders",
        "POST /v1/orders",
        "GET /v1/orders/{orderId}",
        "DELETE /v1/orders/{orderId}",
        "GET /v2/orders",
        "POST /v2/orders",
        "GET /v2/orders/{orderId}",
        "DELETE /v2/orders/{orderId}",
    },
    "header": {
        "GET /orders",
        "POST /orders",
        "GET /orders/{orderId}",
        "DELETE /orders/{orderId}",
    },
}
EXPECTED_ORDER_OPERATIONS["both"] = (
    EXPECTED_ORDER_OPERATIONS["path"] | EXPECTED_ORDER_OPERATIONS["header"]
)
PROBES = {"GET /health", "GET /health/live", "GET /health/ready"}


@pytest.mark.parametrize("answers", SPEC_VARIANTS, ids=variant_id)
def test_spec_has_operations_of_versioning(
    rendered_specs: dict[str, Any], answers: dict[str, Any]
) -> None:
    spec = rendered_specs[variant_id(answers)]
    expected = set(PROBES)
    if answers["example_api"]:
        expected |= EXPECTED_ORDER_OPERATIONS[answers["api_versioning"]]
    assert operations(spec) == expected


@pytest.mark.parametrize("answers", SPEC_VARIANTS, ids=variant_id)
def test_spec_secures_writes_only_with_auth(
    rendered_specs: dict[str, Any], answers: dict[str, Any]
) -> None:
    spec = rendered_specs[variant_id(answers)]
    secured = {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS and operation.get("security")
    }
    writes = {
        operation
        for operation in operations(spec)
        if operation.startswith(("POST", "DELETE"))
    }
    assert secured == (writes if "auth" in answers["factors"] else set())
    assert ("securitySchemes" in spec["components"]) == ("auth" in answers["factors"])


@pytest.mark.parametrize("answers", SPEC_VARIANTS, ids=variant_id)
def test_v1_operations_are_deprecated(
    rendered_specs: dict[str, Any], answers: dict[str, Any]
) -> None:
    spec = rendered_specs[variant_id(answers)]
    deprecated = {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS and operation.get("deprecated")
    }
    assert deprecated == {op for op in operations(spec) if " /v1/" in op}


def test_delete_names_last_role(template_copy: Path, tmp_path: Path) -> None:
    answers = {"factors": ["api_first", "auth"], "roles": ["reader", "owner"]}
    spec = render_spec(template_copy, tmp_path / "service", answers)
    delete = spec["paths"]["/v2/orders/{orderId}"]["delete"]
    assert delete["description"] == "Requires the owner role."
    assert set(delete["responses"]) >= {"401", "403"}


@pytest.mark.parametrize("telemetry", [True, False], ids=["telemetry", "no-telemetry"])
def test_spec_has_metrics_only_with_telemetry(
    template_copy: Path, tmp_path: Path, telemetry: bool
) -> None:
    factors = ["api_first", "telemetry"] if telemetry else ["api_first"]
    spec = render_spec(template_copy, tmp_path / "service", {"factors": factors})
    assert ("/metrics" in spec["paths"]) == telemetry


API_FIRST_ONLY = [
    "openapi.yaml",
    "src/my_service/api/versions.py",
    "src/my_service/api/v2",
    "src/my_service/api/header_versioned.py",
    "tests/contract.py",
    "tests/test_contract.py",
    "tests/test_schemathesis.py",
    "tests/test_versioning.py",
]


@pytest.fixture(scope="module")
def project_without_api_first(
    template_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    destination = tmp_path_factory.mktemp("no-api-first") / "service"
    return render(template_copy, destination, {"factors": ["telemetry", "auth"]})


@pytest.mark.parametrize("relative_path", API_FIRST_ONLY)
def test_no_api_first_file_without_factor(
    project_without_api_first: Path, relative_path: str
) -> None:
    assert not (project_without_api_first / relative_path).exists()


def test_no_contract_dependencies_without_factor(
    project_without_api_first: Path,
) -> None:
    pyproject = (project_without_api_first / "pyproject.toml").read_text()
    for name in ("schemathesis", "openapi-core", "openapi-spec-validator"):
        assert name not in pyproject, name


def test_only_v1_served_without_factor(project_without_api_first: Path) -> None:
    api = (project_without_api_first / "src/my_service/api/__init__.py").read_text()
    assert "v1_router" in api
    assert "v2" not in api


def test_body_limit_rendered_without_factor(project_without_api_first: Path) -> None:
    root = project_without_api_first
    assert (root / "src/my_service/middleware/body_limit.py").is_file()
    assert (root / "tests/test_body_limit.py").is_file()


def test_middleware_package_docstring(project_without_api_first: Path) -> None:
    init = project_without_api_first / "src/my_service/middleware/__init__.py"
    assert init.read_text() == '"""Pure ASGI middleware of the service."""\n'
