"""copier update across template releases, with real git and real copier.

A throwaway repository gets three tagged releases of this template: OLD and MIDDLE,
made by rewinding changes of the working tree, and NEWEST, the working tree itself.
Each test renders a service from an older release, commits it, edits it the way a
team would, and updates it. The expected result is never typed in: it is a fresh
render of the target release with the same answers, with the same team edits applied.
An update that matches it file for file kept every edit and every answer, brought
every template change, and touched nothing else.
"""

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from copier.errors import UnsafeTemplateError
from packaging.version import Version

from scripts.release import parse_changelog

from .rendering import TEMPLATE_ROOT
from .repositories import commit_all, git, unmerged_paths
from .test_render import check_rendered_tree

OLD = "0.1.0"
MIDDLE = "0.1.1"
# The release the working tree becomes: the version its changelog is prepared for.
NEWEST = str(parse_changelog((TEMPLATE_ROOT / "CHANGELOG.md").read_text())[0].version)
# The release whose migration moves request_id.py into the middleware package.
MOVE_RELEASE = "0.2.0"

# The tests share throwaway releases and updated projects: keep them on one worker.
pytestmark = pytest.mark.xdist_group("update")

# Answers away from the defaults, so that a lost answer shows as a changed file.
ANSWERS: dict[str, Any] = {
    "project_name": "Order Service",
    "description": 'Takes "orders" and ships them.',
    "author_name": "Payments Team",
    "python_version": "3.13",
    "api_versioning": "path",
    "roles": ["reader", "writer", "admin"],
    "secret_backend": "vault",
    "cloud_target": "aws",
}
PACKAGE = "src/order_service"
OLD_REQUEST_ID = f"{PACKAGE}/request_id.py"
NEW_REQUEST_ID = f"{PACKAGE}/middleware/request_id.py"
HEALTH = f"{PACKAGE}/health.py"
ANSWERS_FILE = ".copier-answers.yml"

# The first line of health.py in OLD. MIDDLE brings the working tree's first line.
OLD_HEALTH_FIRST_LINE = '"""Health probes."""'
# The first line of the tuned values file in OLD and MIDDLE.
OLD_VALUES_FIRST_LINE = "# Values a deployment sets."
TEAM_HEALTH_FIRST_LINE = '"""Probes, and the owner endpoint our runbook links to."""'

TEAM_ROUTE = '''

@router.get("/health/owner")
async def owner() -> dict[str, str]:
    """Name the team that runs the service, for whoever is paged."""
    return {"team": "payments"}
'''
TEAM_PARAGRAPH = (
    "On-call: the payments team. The runbook lives in the team wiki under "
    "order-service.\n\n"
)
TEAM_REQUEST_ID_HELPER = '''

def request_id_of(scope: Scope) -> str | None:
    """Return the id RequestIdMiddleware gave the request, if it ran."""
    request_id = scope.get("state", {}).get("request_id")
    return request_id if isinstance(request_id, str) else None
'''
TEAM_IMPORT_COMMENT = "  # also read by our audit logger"

CONFLICT_START = "<<<<<<< before updating"
CONFLICT_BASE = "||||||| last update"
CONFLICT_MIDDLE = "======="
CONFLICT_END = ">>>>>>> after updating"


@dataclass(frozen=True)
class TunedValues:
    """A deployment setting a team changes: the first line matching `line`."""

    source: str
    rendered: str
    line: str
    replacement: str


# NOTE: the chart's values.yaml is the file this scenario is about. While the template
# has no chart, the CI workflow is used instead: the first entry whose template file
# exists is the one edited.
TUNED_VALUES_FILES = (
    TunedValues(
        "template/chart/values.yaml.jinja",
        "chart/values.yaml",
        r"replicaCount: \d+",
        "replicaCount: 5",
    ),
    TunedValues(
        "template/.github/workflows/ci.yml.jinja",
        ".github/workflows/ci.yml",
        r"    runs-on: ubuntu-latest",
        "    runs-on: ubuntu-24.04",
    ),
)


def tuned_values() -> TunedValues:
    """Return the values file of this template that the team-edit scenario uses."""
    for candidate in TUNED_VALUES_FILES:
        if (TEMPLATE_ROOT / candidate.source).is_file():
            return candidate
    raise AssertionError(
        "none of the values files in TUNED_VALUES_FILES exists in the template: "
        "point TUNED_VALUES_FILES at the file a team tunes per deployment"
    )


# Rewinding the working tree to an older release.


def edit_file(root: Path, relative: str, change: Callable[[str], str]) -> None:
    path = root / relative
    before = path.read_text()
    after = change(before)
    assert after != before, f"the edit of {relative} changed nothing"
    path.write_text(after)


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected {old!r} exactly once"
    return text.replace(old, new)


def replace_first_line(text: str, line: str) -> str:
    return line + text[text.index("\n") :]


def drop_last_paragraph(text: str) -> str:
    paragraphs = text.rstrip("\n").split("\n\n")
    return "\n\n".join(paragraphs[:-1]) + "\n"


def move_request_id_back(root: Path) -> None:
    """Put request_id.py where releases before the move had it, without a migration."""
    package = root / "template/src/{{package_name}}"
    (package / "middleware/request_id.py").rename(package / "request_id.py")
    edit_file(
        root,
        "template/src/{{package_name}}/request_id.py",
        lambda text: replace_once(text, "from ..logs import", "from .logs import"),
    )
    middleware = package / "middleware"
    if [path.name for path in middleware.iterdir()] == ["__init__.py"]:
        shutil.rmtree(middleware)

    def old_import(text: str) -> str:
        text = replace_once(
            text, "from .middleware.request_id import RequestIdMiddleware\n", ""
        )
        return replace_once(
            text,
            "from .settings import",
            "from .request_id import RequestIdMiddleware\nfrom .settings import",
        )

    edit_file(root, "template/src/{{package_name}}/app.py.jinja", old_import)

    def drop_migrations(text: str) -> str:
        lines = text.splitlines(keepends=True)
        assert "_migrations:\n" in lines, "copier.yml has no _migrations to drop"
        start = lines.index("_migrations:\n")
        end = start + 1
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
        return "".join(lines[:start] + lines[end:])

    edit_file(root, "copier.yml", drop_migrations)


def rewind_to_middle(root: Path) -> None:
    move_request_id_back(root)
    edit_file(root, "template/README.md.jinja", drop_last_paragraph)
    edit_file(
        root,
        tuned_values().source,
        lambda text: replace_first_line(text, OLD_VALUES_FIRST_LINE),
    )


def rewind_to_old(root: Path) -> None:
    rewind_to_middle(root)
    edit_file(
        root,
        "template/src/{{package_name}}/health.py",
        lambda text: replace_first_line(text, OLD_HEALTH_FIRST_LINE),
    )


def sync_working_tree(source: Path, repository: Path) -> None:
    for path in repository.iterdir():
        if path.name == ".git":
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    shutil.copytree(source, repository, dirs_exist_ok=True)


def tag_release(repository: Path, version: str) -> None:
    commit_all(repository, f"Release {version}")
    git(repository, "tag", "--annotate", version, "--message", f"Release {version}")


@pytest.fixture(scope="session")
def releases(template_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a template repository with the tags OLD, MIDDLE and NEWEST."""
    assert Version(OLD) < Version(MIDDLE) < Version(MOVE_RELEASE) <= Version(NEWEST)
    repository = tmp_path_factory.mktemp("releases") / "fifteen-factor"
    shutil.copytree(template_copy, repository)
    git(repository, "init", "--quiet")
    rewind_to_old(repository)
    tag_release(repository, OLD)

    sync_working_tree(template_copy, repository)
    rewind_to_middle(repository)
    tag_release(repository, MIDDLE)

    sync_working_tree(template_copy, repository)
    tag_release(repository, NEWEST)
    return repository


# Rendering, committing and comparing projects.


def render_release(
    releases: Path, release: str, destination: Path, answers: dict[str, Any]
) -> Path:
    copier.run_copy(
        str(releases),
        str(destination),
        data=answers,
        vcs_ref=release,
        defaults=True,
        unsafe=False,
        quiet=True,
    )
    return destination


def update(
    project: Path, release: str, trust: bool, data: dict[str, Any] | None = None
) -> None:
    """Run `copier update --defaults --conflict inline`, with --trust when asked."""
    copier.run_update(
        str(project),
        vcs_ref=release,
        data=data or {},
        defaults=True,
        overwrite=True,
        unsafe=trust,
        conflict="inline",
        quiet=True,
    )


def tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def assert_same_tree(actual: dict[str, str], expected: dict[str, str]) -> None:
    assert sorted(actual) == sorted(expected)
    for path, text in expected.items():
        assert actual[path] == text, f"{path} differs from the expected file"


def resolve(text: str, side: str) -> str:
    """Resolve every inline conflict in text to one side: "team" or "release"."""
    kept: list[str] = []
    section = None
    for line in text.splitlines(keepends=True):
        marker = line.rstrip("\n")
        if marker == CONFLICT_START:
            section = "team"
        elif marker == CONFLICT_BASE:
            section = "base"
        elif marker == CONFLICT_MIDDLE and section is not None:
            section = "release"
        elif marker == CONFLICT_END:
            section = None
        elif section is None or section == side:
            kept.append(line)
    return "".join(kept)


@pytest.fixture(scope="session")
def old_project(releases: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a service rendered from OLD with ANSWERS and committed, never edited."""
    project = render_release(
        releases, OLD, tmp_path_factory.mktemp("old") / "order-service", ANSWERS
    )
    git(project, "init", "--quiet")
    commit_all(project, "Render order-service from fifteen-factor")
    return project


@pytest.fixture(scope="session")
def newest_render(
    releases: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Return the files of a fresh render of NEWEST with ANSWERS."""
    destination = tmp_path_factory.mktemp("newest") / "order-service"
    return tree(render_release(releases, NEWEST, destination, ANSWERS))


@pytest.fixture(scope="session")
def middle_render(
    releases: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Return the files of a fresh render of MIDDLE with ANSWERS."""
    destination = tmp_path_factory.mktemp("middle") / "order-service"
    return tree(render_release(releases, MIDDLE, destination, ANSWERS))


@pytest.fixture
def project(old_project: Path, tmp_path: Path) -> Path:
    """Return a private copy of the committed OLD service for one test to edit."""
    return Path(shutil.copytree(old_project, tmp_path / "order-service"))


# Team edits: each applies to a release's text of the file, old or new.


def add_route(text: str) -> str:
    return text + TEAM_ROUTE


def add_paragraph(text: str) -> str:
    description = ANSWERS["description"] + "\n\n"
    return replace_once(text, description, description + TEAM_PARAGRAPH)


def tune_values(text: str) -> str:
    values = tuned_values()
    line = re.search(f"^{values.line}$", text, flags=re.MULTILINE)
    assert line is not None, f"no line matches {values.line!r} in {values.rendered}"
    return text[: line.start()] + values.replacement + text[line.end() :]


def edit_request_id(text: str) -> str:
    text = replace_once(text, "{1,128}", "{1,64}")
    return text + TEAM_REQUEST_ID_HELPER


def comment_request_id_import(text: str) -> str:
    return replace_once(
        text,
        "from .logs import request_id_var\n",
        f"from .logs import request_id_var{TEAM_IMPORT_COMMENT}\n",
    )


def with_edits(
    files: dict[str, str], edits: dict[str, Callable[[str], str]]
) -> dict[str, str]:
    return {
        path: edits[path](text) if path in edits else text
        for path, text in files.items()
    }


def read(project: Path, relative: str) -> str:
    return (project / relative).read_text()


def team_edits() -> dict[str, Callable[[str], str]]:
    """Return the edits of the main scenario: a route, a paragraph, a tuned value."""
    return {
        HEALTH: add_route,
        "README.md": add_paragraph,
        tuned_values().rendered: tune_values,
    }


@pytest.fixture(scope="module")
def team_update(old_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the OLD service with team edits, committed, then updated to NEWEST."""
    project = Path(
        shutil.copytree(old_project, tmp_path_factory.mktemp("team") / "service")
    )
    for relative, change in team_edits().items():
        edit_file(project, relative, change)
    commit_all(project, "Add the owner route, the on-call note and tune values")

    update(project, NEWEST, trust=True)
    return project


@pytest.fixture(scope="module")
def conflict_update(
    old_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Return the OLD service with a team edit to a line MIDDLE changes, updated."""
    project = Path(
        shutil.copytree(old_project, tmp_path_factory.mktemp("conflict") / "service")
    )
    edit_file(
        project, HEALTH, lambda text: replace_first_line(text, TEAM_HEALTH_FIRST_LINE)
    )
    commit_all(project, "Describe the owner endpoint")

    update(project, MIDDLE, trust=False)
    return project


# Scenarios.


def test_team_edits_survive_update(
    team_update: Path, newest_render: dict[str, str]
) -> None:
    assert_same_tree(tree(team_update), with_edits(newest_render, team_edits()))


def test_team_edits_each_survive(team_update: Path) -> None:
    values = tuned_values()
    assert read(team_update, HEALTH).count('@router.get("/health/owner")') == 1
    assert read(team_update, "README.md").count(TEAM_PARAGRAPH) == 1
    assert values.replacement in read(team_update, values.rendered).splitlines()


def test_template_changes_each_arrive(
    team_update: Path, newest_render: dict[str, str]
) -> None:
    values = tuned_values()
    last_paragraph = newest_render["README.md"].rstrip("\n").split("\n\n")[-1]
    assert read(team_update, HEALTH).splitlines()[0] != OLD_HEALTH_FIRST_LINE
    assert read(team_update, "README.md").endswith(last_paragraph + "\n")
    first_values_line = read(team_update, values.rendered).splitlines()[0]
    assert first_values_line != OLD_VALUES_FIRST_LINE
    assert (team_update / NEW_REQUEST_ID).is_file()
    assert not (team_update / OLD_REQUEST_ID).exists()


def test_updated_project_is_clean(team_update: Path) -> None:
    assert unmerged_paths(team_update) == []
    check_rendered_tree(team_update)


def test_update_keeps_every_answer(old_project: Path, team_update: Path) -> None:
    before = yaml.safe_load(read(old_project, ANSWERS_FILE))
    after = yaml.safe_load(read(team_update, ANSWERS_FILE))
    assert after["_commit"] == NEWEST
    assert {**after, "_commit": OLD} == before


def test_update_records_no_hidden_value(team_update: Path) -> None:
    # Hidden questions (when: false) are computed on every render, never stored.
    documents = (TEMPLATE_ROOT / "copier.yml").read_text().split("\n---\n")
    questions = yaml.safe_load(documents[-1])
    hidden = {name for name, spec in questions.items() if spec.get("when") is False}
    answers = yaml.safe_load(read(team_update, ANSWERS_FILE))
    assert hidden
    assert hidden & set(answers) == set()


def test_update_to_same_release_changes_nothing(releases: Path, tmp_path: Path) -> None:
    # Hidden computed answers (when: false) are not stored but computed again on each
    # render, so this catches any that would render differently the second time.
    project = render_release(releases, NEWEST, tmp_path / "order-service", ANSWERS)
    git(project, "init", "--quiet")
    commit_all(project, "Render order-service from fifteen-factor")

    update(project, NEWEST, trust=False)

    assert git(project, "status", "--porcelain") == ""


def test_no_question_is_secret() -> None:
    # Copier does not record the answer to a secret question, so `copier update
    # --defaults` would replace it with the default and render files differently.
    documents = (TEMPLATE_ROOT / "copier.yml").read_text().split("\n---\n")
    questions = yaml.safe_load(documents[-1])
    secret = [name for name, spec in questions.items() if spec.get("secret")]
    assert secret == []


def test_same_lines_conflict_inline(
    conflict_update: Path, middle_render: dict[str, str]
) -> None:
    merged = read(conflict_update, HEALTH)
    assert merged.splitlines()[0] == CONFLICT_START
    assert resolve(merged, "release") == middle_render[HEALTH]
    assert resolve(merged, "team") == replace_first_line(
        middle_render[HEALTH], TEAM_HEALTH_FIRST_LINE
    )


def test_conflict_is_recorded_unmerged(conflict_update: Path) -> None:
    assert unmerged_paths(conflict_update) == [HEALTH]


def test_conflict_touches_nothing_else(
    conflict_update: Path, middle_render: dict[str, str]
) -> None:
    updated = tree(conflict_update)
    expected = dict(middle_render)
    del updated[HEALTH], expected[HEALTH]
    assert_same_tree(updated, expected)


def test_update_without_migration_needs_no_trust(
    project: Path, middle_render: dict[str, str]
) -> None:
    update(project, MIDDLE, trust=False)

    assert_same_tree(tree(project), middle_render)


def test_update_across_migration_needs_trust(project: Path) -> None:
    with pytest.raises(UnsafeTemplateError, match="migrations"):
        update(project, NEWEST, trust=False)

    assert git(project, "status", "--porcelain") == ""


def test_answer_change_removes_dependent_files_and_answers(
    project: Path, releases: Path, newest_render: dict[str, str], tmp_path: Path
) -> None:
    # Without auth, the questions about auth no longer apply.
    changed = {"factors": ["api_first", "telemetry"], "example_api": False}
    expected = tree(
        render_release(releases, NEWEST, tmp_path / "expected", ANSWERS | changed)
    )
    dependent_files = sorted(set(newest_render) - set(expected))
    assert dependent_files, "the changed answers should leave some files out"

    update(project, NEWEST, trust=True, data=changed)

    answers = yaml.safe_load(read(project, ANSWERS_FILE))
    for dependent in ("auth_mode", "roles", "secret_backend"):
        assert dependent not in answers
    for path in dependent_files:
        assert not (project / path).exists()
    assert_same_tree(tree(project), expected)


def test_moved_file_keeps_team_edits(
    project: Path, newest_render: dict[str, str]
) -> None:
    edit_file(project, OLD_REQUEST_ID, edit_request_id)
    commit_all(project, "Shorten request ids and add a helper")

    update(project, NEWEST, trust=True)

    moved = read(project, NEW_REQUEST_ID)
    assert not (project / OLD_REQUEST_ID).exists()
    assert moved.count("def request_id_of(") == 1
    assert "{1,64}" in moved
    assert "from ..logs import request_id_var" in moved
    assert unmerged_paths(project) == []
    expected = with_edits(newest_render, {NEW_REQUEST_ID: edit_request_id})
    assert_same_tree(tree(project), expected)


def test_moved_file_conflict_is_marked(
    project: Path, newest_render: dict[str, str]
) -> None:
    # The move changes the import of request_id_var; the team changed that line too.
    edit_file(project, OLD_REQUEST_ID, comment_request_id_import)
    commit_all(project, "Note who else reads request_id_var")
    team = read(project, OLD_REQUEST_ID)

    update(project, NEWEST, trust=True)

    moved = read(project, NEW_REQUEST_ID)
    assert unmerged_paths(project) == [NEW_REQUEST_ID]
    assert resolve(moved, "release") == newest_render[NEW_REQUEST_ID]
    assert resolve(moved, "team") == team
