"""The telemetry factor: its modules, tests and dependencies appear only when chosen."""

import re
import tomllib
from pathlib import Path

import pytest

from .rendering import render

TELEMETRY_FILES = (
    "src/my_service/metrics.py",
    "src/my_service/tracing.py",
    "tests/test_metrics.py",
    "tests/test_tracing.py",
)
TELEMETRY_PACKAGE = re.compile(r"^(prometheus|opentelemetry)")


def dependency_names(root: Path) -> set[str]:
    project = tomllib.loads((root / "pyproject.toml").read_text())
    return {
        re.split(r"[\[<>=~ ;]", spec)[0] for spec in project["project"]["dependencies"]
    }


@pytest.fixture(scope="module")
def with_telemetry(
    template_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    destination = tmp_path_factory.mktemp("with") / "service"
    return render(template_copy, destination, {"factors": ["telemetry"]})


@pytest.fixture(scope="module")
def without_telemetry(
    template_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    destination = tmp_path_factory.mktemp("without") / "service"
    return render(template_copy, destination, {"factors": ["api_first", "auth"]})


@pytest.mark.parametrize("relative_path", TELEMETRY_FILES)
def test_telemetry_render_has_file(with_telemetry: Path, relative_path: str) -> None:
    assert (with_telemetry / relative_path).is_file()


@pytest.mark.parametrize("relative_path", TELEMETRY_FILES)
def test_render_without_telemetry_lacks_file(
    without_telemetry: Path, relative_path: str
) -> None:
    assert not (without_telemetry / relative_path).exists()


def test_telemetry_render_depends_on_its_libraries(with_telemetry: Path) -> None:
    assert {
        "opentelemetry-exporter-otlp-proto-http",
        "opentelemetry-instrumentation-fastapi",
        "opentelemetry-sdk",
        "prometheus-client",
    } <= dependency_names(with_telemetry)


def test_no_telemetry_dependency_without_factor(
    without_telemetry: Path,
) -> None:
    names = dependency_names(without_telemetry)
    assert not {name for name in names if TELEMETRY_PACKAGE.match(name)}


def test_app_without_telemetry_is_plain(without_telemetry: Path) -> None:
    app_source = (without_telemetry / "src/my_service/app.py").read_text()
    assert "metrics" not in app_source
    assert "tracing" not in app_source
    assert "configure_logging(settings.log_level)\n" in app_source


def test_telemetry_app_wires_metrics_and_tracing(with_telemetry: Path) -> None:
    app_source = (with_telemetry / "src/my_service/app.py").read_text()
    assert "app.add_middleware(MetricsMiddleware" in app_source
    assert "setup_tracing(app, settings)" in app_source
    assert "filters=(TraceContextFilter(),)" in app_source
