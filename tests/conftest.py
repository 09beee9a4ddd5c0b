"""Fixtures shared by the template's tests."""

import shutil
from pathlib import Path

import pytest

from .rendering import TEMPLATE_ROOT


@pytest.fixture(scope="session")
def template_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the working tree of the template without .git, rendered without a clone.

    Rendering from a plain folder skips copier's git clone, which makes the render
    matrix several times faster; tests of releases use the git repository instead.
    """
    destination = tmp_path_factory.mktemp("template") / "fifteen-factor"
    shutil.copytree(
        TEMPLATE_ROOT,
        destination,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", ".tools", "__pycache__", ".pytest_cache", ".ruff_cache"
        ),
    )
    return destination
