"""hooks/move_file.py on its own, against real git repositories.

Each test sets up the state copier leaves before its "after" migrations: the team's
file committed at the old path, deleted from the working tree, and the new release's
render at the new path. tests/test_update.py runs the same script through copier.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from .rendering import TEMPLATE_ROOT
from .repositories import GIT_ENVIRONMENT, commit_all, git, unmerged_paths

MOVE_FILE = TEMPLATE_ROOT / "hooks" / "move_file.py"
TEMPLATE_FILE = "template/pkg/clock.py"
OLD = "pkg/clock.py"
NEW = "pkg/time/clock.py"
RELEASE_TAG = "1.0.0"

BASE = "".join(f"line {number}\n" for number in range(1, 21))
# The new release changes line 2; the team changed line 15 and added a function.
RELEASE = BASE.replace("line 2\n", "line 2, as the new release words it\n")
TEAM_LINE_15 = "line 15, as the team needs it\n"
TEAM_FUNCTION = "def team(): ...\n"
TEAM = BASE.replace("line 15\n", TEAM_LINE_15) + TEAM_FUNCTION
MERGED = RELEASE.replace("line 15\n", TEAM_LINE_15) + TEAM_FUNCTION


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """Return a template repository whose release RELEASE_TAG renders BASE at OLD."""
    repository = tmp_path / "template-repository"
    repository.mkdir()
    git(repository, "init", "--quiet")
    write(repository, TEMPLATE_FILE, BASE)
    commit_all(repository, "Release 1.0.0")
    git(repository, "tag", RELEASE_TAG)
    return repository


def committed_project(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if not (root / ".git").exists():
        git(root, "init", "--quiet")
    for relative, text in files.items():
        write(root, relative, text)
    commit_all(root, "Service with the team's edits")
    return root


def as_copier_leaves_it(project: Path, new_text: str | None) -> None:
    """Delete OLD as copier does, and write the new release's NEW."""
    (project / OLD).unlink()
    if new_text is not None:
        write(project, NEW, new_text)


def move_file(
    project: Path, template: Path, *arguments: str, from_ref: str = RELEASE_TAG
) -> subprocess.CompletedProcess[str]:
    # -I -S: no site-packages, so the script must make do with the standard library.
    return subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            str(MOVE_FILE),
            "--template",
            str(template),
            "--from-ref",
            from_ref,
            "--template-file",
            TEMPLATE_FILE,
            *(arguments or (OLD, NEW)),
        ],
        cwd=project,
        env=GIT_ENVIRONMENT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_move_merges_team_edits(template: Path, tmp_path: Path) -> None:
    project = committed_project(tmp_path / "service", {OLD: TEAM})
    as_copier_leaves_it(project, RELEASE)

    result = move_file(project, template)

    assert result.returncode == 0, result.stderr
    assert (project / NEW).read_text() == MERGED
    assert not (project / OLD).exists()
    assert unmerged_paths(project) == []


def test_move_deletes_old_path_left_in_tree(template: Path, tmp_path: Path) -> None:
    # Copier deletes the old path itself; the move must not depend on that.
    project = committed_project(tmp_path / "service", {OLD: TEAM})
    write(project, NEW, RELEASE)

    result = move_file(project, template)

    assert result.returncode == 0, result.stderr
    assert not (project / OLD).exists()
    assert (project / NEW).read_text() == MERGED


def test_move_keeps_release_when_team_made_no_edit(
    template: Path, tmp_path: Path
) -> None:
    project = committed_project(tmp_path / "service", {OLD: BASE})
    as_copier_leaves_it(project, RELEASE)

    result = move_file(project, template)

    assert result.returncode == 0, result.stderr
    assert (project / NEW).read_text() == RELEASE


def test_move_marks_conflict_inline(template: Path, tmp_path: Path) -> None:
    team = BASE.replace("line 2\n", "line 2, as the team words it\n")
    project = committed_project(tmp_path / "service", {OLD: team})
    as_copier_leaves_it(project, RELEASE)

    result = move_file(project, template)

    moved = (project / NEW).read_text()
    assert result.returncode == 0, result.stderr
    assert "<<<<<<< before updating\nline 2, as the team words it\n" in moved
    assert "line 2, as the new release words it\n>>>>>>> after updating\n" in moved
    assert unmerged_paths(project) == [NEW]


def test_move_records_conflict_below_repository_root(
    template: Path, tmp_path: Path
) -> None:
    # The service is a folder of a larger repository; the index names it in full.
    team = BASE.replace("line 2\n", "line 2, as the team words it\n")
    repository = tmp_path / "monorepo"
    committed_project(repository, {"services/orders/" + OLD: team})
    project = repository / "services" / "orders"
    as_copier_leaves_it(project, RELEASE)

    result = move_file(project, template)

    assert result.returncode == 0, result.stderr
    assert unmerged_paths(repository) == ["services/orders/" + NEW]


def test_move_without_base_loses_no_line(template: Path, tmp_path: Path) -> None:
    project = committed_project(tmp_path / "service", {OLD: TEAM})
    as_copier_leaves_it(project, RELEASE)

    result = move_file(project, template, from_ref="9.9.9")

    moved = (project / NEW).read_text()
    assert result.returncode == 0, result.stderr
    assert "no merge base" in result.stderr
    assert TEAM_LINE_15 in moved
    assert "line 2, as the new release words it\n" in moved
    assert unmerged_paths(project) == [NEW]


def test_move_is_noop_when_already_moved(template: Path, tmp_path: Path) -> None:
    project = committed_project(tmp_path / "service", {NEW: TEAM})
    write(project, NEW, MERGED)

    result = move_file(project, template)

    assert result.returncode == 0, result.stderr
    assert "nothing to move" in result.stdout
    assert (project / NEW).read_text() == MERGED


def test_move_is_noop_when_file_absent(template: Path, tmp_path: Path) -> None:
    project = committed_project(tmp_path / "service", {"README.md": "Service\n"})
    write(project, NEW, RELEASE)

    result = move_file(project, template)

    assert result.returncode == 0, result.stderr
    assert (project / NEW).read_text() == RELEASE
    assert not (project / OLD).exists()


def test_move_rejects_overwriting_new_path(template: Path, tmp_path: Path) -> None:
    own = "a module the team wrote at the new path\n"
    project = committed_project(tmp_path / "service", {OLD: TEAM, NEW: own})
    as_copier_leaves_it(project, None)

    result = move_file(project, template)

    assert result.returncode == 1
    assert f"cannot move {OLD} to {NEW}" in result.stderr
    assert (project / NEW).read_text() == own
    assert (project / OLD).read_text() == TEAM


def test_move_without_release_file_moves_team_file(
    template: Path, tmp_path: Path
) -> None:
    project = committed_project(tmp_path / "service", {OLD: TEAM})
    as_copier_leaves_it(project, None)

    result = move_file(project, template)

    assert result.returncode == 0, result.stderr
    assert (project / NEW).read_text() == TEAM


def test_move_removes_rejected_diff_of_old_path(template: Path, tmp_path: Path) -> None:
    project = committed_project(tmp_path / "service", {OLD: TEAM})
    as_copier_leaves_it(project, RELEASE)
    write(project, OLD + ".rej", "@@ -15 +15 @@\n")

    result = move_file(project, template)

    assert result.returncode == 0, result.stderr
    assert not (project / (OLD + ".rej")).exists()


@pytest.mark.parametrize(
    "paths",
    [("../elsewhere.py", NEW), (OLD, "/tmp/clock.py"), (OLD, OLD)],
    ids=["parent", "absolute", "same"],
)
def test_move_rejects_invalid_paths(
    template: Path, tmp_path: Path, paths: tuple[str, str]
) -> None:
    project = committed_project(tmp_path / "service", {OLD: TEAM})

    result = move_file(project, template, *paths)

    assert result.returncode == 2
    assert (project / OLD).read_text() == TEAM


def test_move_outside_git_repository_fails(template: Path, tmp_path: Path) -> None:
    folder = tmp_path / "not-a-repository"
    folder.mkdir()

    result = move_file(folder, template)

    assert result.returncode == 1
    assert "not a git repository" in result.stderr
