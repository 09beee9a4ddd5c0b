"""Render chosen answer sets and run each project's own lint, type check and tests."""

import itertools
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from .rendering import find_interpreter, render, run
from .test_render import (
    AUTH_MODES,
    CLOUD_TARGETS,
    FACTORS,
    SECRET_BACKENDS,
    VERSIONINGS,
)

ALL = list(FACTORS)

# Chosen so that every value of every question appears at least once, every factor
# meets every secret backend and every cloud target, every auth mode meets every
# secret backend, and each factor is also tested without each of the others.
# test_project_sets_cover_every_pair enforces this.
PROJECT_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "bare-py311": {
        "factors": [],
        "example_api": False,
        "cloud_target": "aws",
        "python_version": "3.11",
    },
    "api-first-path-py313": {
        "factors": ["api_first"],
        "api_versioning": "path",
        "cloud_target": "gcp",
        "python_version": "3.13",
    },
    "telemetry-aks": {
        "factors": ["telemetry"],
        "cloud_target": "azure",
        "example_api": False,
    },
    "auth-oidc-env": {
        "factors": ["auth"],
        "auth_mode": "oidc",
        "secret_backend": "env",
    },
    "all-header-aws": {
        "factors": ALL,
        "api_versioning": "header",
        "secret_backend": "aws",
        "cloud_target": "aws",
    },
    "all-oidc-gcp": {
        "factors": ALL,
        "api_versioning": "path",
        "auth_mode": "oidc",
        "secret_backend": "gcp",
        "cloud_target": "gcp",
        "example_api": False,
    },
    "all-oidc-azure-py311": {
        "factors": ALL,
        "auth_mode": "oidc",
        "secret_backend": "azure",
        "cloud_target": "azure",
        "python_version": "3.11",
    },
    "all-vault-eks-py313": {
        "factors": ALL,
        "api_versioning": "header",
        "secret_backend": "vault",
        "cloud_target": "aws",
        "python_version": "3.13",
    },
    "all-env-gke": {
        "factors": ALL,
        "api_versioning": "path",
        "secret_backend": "env",
        "cloud_target": "gcp",
    },
    "api-first-auth": {"factors": ["api_first", "auth"]},
    "api-first-telemetry": {
        "factors": ["api_first", "telemetry"],
        "example_api": False,
    },
    "auth-oidc-kubernetes": {
        "factors": ["api_first", "auth"],
        "auth_mode": "oidc",
        "example_api": False,
    },
    "auth-oidc-aws": {
        "factors": ["auth"],
        "auth_mode": "oidc",
        "secret_backend": "aws",
        "cloud_target": "aws",
    },
    "auth-oidc-vault": {
        "factors": ["telemetry", "auth"],
        "auth_mode": "oidc",
        "secret_backend": "vault",
        "roles": ["reader", "admin"],
    },
    "auth-gcp-one-role": {
        "factors": ["auth"],
        "secret_backend": "gcp",
        "cloud_target": "gcp",
        "roles": ["admin"],
    },
    "auth-azure": {
        "factors": ["auth"],
        "secret_backend": "azure",
        "cloud_target": "azure",
        "example_api": False,
    },
}

DEFAULTS = {
    "factors": ALL,
    "api_versioning": "both",
    "auth_mode": "hs256",
    "secret_backend": "kubernetes",
    "cloud_target": "kubernetes",
    "example_api": True,
    "python_version": "3.12",
}


def effective(answers: dict[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **answers}


def test_project_sets_cover_every_pair() -> None:
    sets = [effective(answers) for answers in PROJECT_SETS.values()]
    expected_values = {
        "api_versioning": set(VERSIONINGS),
        "auth_mode": {"hs256", "oidc"},
        "secret_backend": set(SECRET_BACKENDS),
        "cloud_target": set(CLOUD_TARGETS),
        "example_api": {True, False},
        "python_version": {"3.11", "3.12", "3.13"},
    }
    for question, values in expected_values.items():
        assert {answers[question] for answers in sets} == values, question

    for auth_mode, backend in itertools.product(AUTH_MODES, SECRET_BACKENDS):
        assert any(
            "auth" in a["factors"]
            and a["auth_mode"] == auth_mode
            and a["secret_backend"] == backend
            for a in sets
        ), (auth_mode, backend)
    for factor, backend in itertools.product(FACTORS, SECRET_BACKENDS):
        assert any(
            factor in a["factors"]
            and "auth" in a["factors"]
            and a["secret_backend"] == backend
            for a in sets
        ), (factor, backend)
    for factor, target in itertools.product(FACTORS, CLOUD_TARGETS):
        assert any(
            factor in a["factors"] and a["cloud_target"] == target for a in sets
        ), (
            factor,
            target,
        )
    for factor, other in itertools.permutations(FACTORS, 2):
        assert any(
            factor in a["factors"] and other not in a["factors"] for a in sets
        ), (
            factor,
            other,
        )


def uv_environment(python_version: str) -> dict[str, str]:
    """Return uv settings for a rendered project: a local Python, no downloads."""
    environment = {
        "UV_PYTHON": find_interpreter(python_version),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
    }
    os.environ.pop("VIRTUAL_ENV", None)
    return environment


def uv() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which(
        "uv"
    )
    assert found, "uv is not installed: run the template's tests through scripts/test"
    return found


@pytest.mark.parametrize("answers", PROJECT_SETS.values(), ids=PROJECT_SETS.keys())
def test_generated_project_passes_own_checks(
    template_copy: Path, tmp_path: Path, answers: dict[str, Any]
) -> None:
    root = render(template_copy, tmp_path / "service", answers)
    env = uv_environment(effective(answers)["python_version"])

    run([uv(), "sync"], root, env)
    run([uv(), "run", "--no-sync", "ruff", "check", "."], root, env)
    run([uv(), "run", "--no-sync", "ruff", "format", "--check", "."], root, env)
    run([uv(), "run", "--no-sync", "mypy", "src", "tests"], root, env)
    run([uv(), "run", "--no-sync", "pytest", "-q", "-p", "no:cacheprovider"], root, env)
