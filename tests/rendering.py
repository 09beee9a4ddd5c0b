"""Helpers: render the template, find interpreters, run a rendered project's tools."""

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import copier
import pytest

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
# Characters of a failed command's output kept in the failure message.
OUTPUT_TAIL = 20_000
PYENV_ROOT = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))


def find_interpreter(version: str) -> str:
    """Return a path to a CPython of the given minor version, from PATH or pyenv."""
    on_path = shutil.which(f"python{version}")
    if on_path:
        return on_path
    for candidate in sorted(
        PYENV_ROOT.glob(f"versions/{version}.*/bin/python{version}")
    ):
        return str(candidate)
    raise RuntimeError(
        f"Python {version} not found on PATH or under {PYENV_ROOT}/versions: install "
        f"it (pyenv install {version}) so the rendered project can be tested with it"
    )


def render(template: Path, destination: Path, answers: Mapping[str, Any]) -> Path:
    """Render the template as `copier copy --defaults` does, with these answers."""
    copier.run_copy(
        str(template),
        str(destination),
        data=dict(answers),
        defaults=True,
        unsafe=False,
        quiet=True,
    )
    return destination


def run(
    command: list[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: int = 900,
) -> subprocess.CompletedProcess[str]:
    """Run a command and fail the test with its output when it exits non-zero."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited with {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout[-OUTPUT_TAIL:]}\n"
            f"--- stderr ---\n{result.stderr[-OUTPUT_TAIL:]}"
        )
    return result
