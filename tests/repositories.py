"""Git helpers for tests that build throwaway repositories."""

import os
import subprocess
from pathlib import Path

# Commits in throwaway repositories need an identity, whatever the machine's git config.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "template-tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "template-tests@example.com",
}
GIT_ENVIRONMENT = {**os.environ, **GIT_IDENTITY}


def git(cwd: Path, *args: str) -> str:
    """Run git in cwd and return its output, failing the test when git fails."""
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
        cwd=cwd,
        env=GIT_ENVIRONMENT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"git {' '.join(args)} failed: {result.stderr}"
    return result.stdout


def commit_all(repository: Path, message: str) -> None:
    git(repository, "add", "--all")
    git(repository, "commit", "--quiet", "--message", message)


def unmerged_paths(repository: Path) -> list[str]:
    """Return the paths git lists as unmerged, relative to the repository root."""
    return git(repository, "diff", "--name-only", "--diff-filter=U").split()
