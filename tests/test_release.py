"""Releases: tags are PEP 440 versions and CHANGELOG.md has a section for each.

The checks of CHANGELOG.md on its own run everywhere. The checks against tags read
the tags of this checkout, and a clone without tags (`git clone --no-tags`, a shallow
CI checkout, a source archive) cannot show whether the changelog names the newest
release. There those tests skip with a message naming the fix, rather than pass on
nothing or fail on a release the clone never fetched. Where tags exist they are
compared with HEAD's history, because a commit's changelog must cover the releases
it contains and cannot know later ones. The release being prepared is the
changelog's first section, headed Unreleased. It must be newer than every tag, and it
gets its date when it is tagged.
"""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import InvalidVersion, Version

from scripts.release import ReleaseError, Section, parse_changelog

from .rendering import TEMPLATE_ROOT
from .repositories import GIT_ENVIRONMENT, commit_all, git

RELEASE_SCRIPT = TEMPLATE_ROOT / "scripts" / "release.py"
NO_TAGS = (
    "this checkout has no tags, so they cannot be checked against CHANGELOG.md: "
    "fetch them with `git fetch --tags`"
)


def git_tags(*options: str) -> list[str]:
    """Return tags of this checkout, skipping the test when it has none."""
    result = subprocess.run(
        ["git", "tag", "--list", *options],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    tags = result.stdout.split() if result.returncode == 0 else []
    if not tags:
        pytest.skip(NO_TAGS)
    return tags


@pytest.fixture(scope="module")
def sections() -> list[Section]:
    return parse_changelog((TEMPLATE_ROOT / "CHANGELOG.md").read_text())


@pytest.fixture(scope="module")
def released_versions() -> list[Version]:
    """Return the versions tagged in HEAD's history, newest first."""
    # A tag that is no version fails test_every_tag_is_pep440_version instead.
    tags = [tag for tag in git_tags("--merged", "HEAD") if parses_as_version(tag)]
    return sorted(map(Version, tags), reverse=True)


def test_changelog_has_sections(sections: list[Section]) -> None:
    assert sections


def test_changelog_sections_list_changes(sections: list[Section]) -> None:
    empty = [str(section.version) for section in sections if not section.body]
    assert empty == []


def parses_as_version(tag: str) -> bool:
    try:
        Version(tag)
    except InvalidVersion:
        return False
    return True


def test_every_tag_is_pep440_version() -> None:
    # Copier orders releases by PEP 440 and ignores a tag it cannot parse.
    invalid = [tag for tag in git_tags() if not parses_as_version(tag)]
    assert invalid == []


def test_every_tag_is_canonical() -> None:
    # "v0.2.0" parses as 0.2.0, but a changelog heading must match the tag's text.
    non_canonical = [
        tag for tag in git_tags() if parses_as_version(tag) and str(Version(tag)) != tag
    ]
    assert non_canonical == []


def test_changelog_names_newest_tag(
    sections: list[Section], released_versions: list[Version]
) -> None:
    dated = [section.version for section in sections if section.date is not None]
    assert dated[0] == released_versions[0]


def test_every_tag_has_dated_section(
    sections: list[Section], released_versions: list[Version]
) -> None:
    dated = {section.version for section in sections if section.date is not None}
    missing = [str(version) for version in released_versions if version not in dated]
    assert missing == []


def test_unreleased_section_is_above_newest_tag(
    sections: list[Section], released_versions: list[Version]
) -> None:
    if sections[0].date is not None:
        pytest.skip("CHANGELOG.md has no unreleased section")
    assert sections[0].version > released_versions[0]


RELEASED = "## 0.1.0 - 2026-06-01\n\n- First release.\n"

INVALID_CHANGELOGS = [
    pytest.param("# Changelog\n\nNo release yet.\n", "no release section", id="empty"),
    pytest.param(
        "## Unreleased\n\n- Change.\n", "not a release heading", id="no-version"
    ),
    pytest.param(
        "## v0.2.0 - Unreleased\n\n- Change.\n" + RELEASED,
        "write it as 0.2.0",
        id="v-prefix",
    ),
    pytest.param(
        "## 0.2 - Unreleased\n\n- Change.\n## 0.2.0 - 2026-07-01\n",
        "above 0.2.0",
        id="same-version",
    ),
    pytest.param(
        "## two - Unreleased\n\n- Change.\n", "not a PEP 440 version", id="not-pep440"
    ),
    pytest.param(
        "## 0.2.0 - 01/07/2026\n\n- Change.\n" + RELEASED,
        "ISO date",
        id="date-format",
    ),
    pytest.param(
        RELEASED + "## 0.2.0 - 2026-07-01\n\n- Change.\n",
        "0.1.0 above 0.2.0",
        id="order",
    ),
    pytest.param(
        "## 0.3.0 - Unreleased\n\n- Change.\n## 0.2.0 - Unreleased\n\n- Change.\n",
        "only the newest section",
        id="two-unreleased",
    ),
]


@pytest.mark.parametrize(("text", "message"), INVALID_CHANGELOGS)
def test_invalid_changelog_is_rejected(text: str, message: str) -> None:
    with pytest.raises(ReleaseError, match=message):
        parse_changelog(text)


def test_unreleased_section_parses_without_date() -> None:
    sections = parse_changelog("## 0.2.0 - Unreleased\n\n- Change.\n" + RELEASED)
    assert sections[0].date is None
    assert sections[1].date == datetime.date(2026, 6, 1)


# scripts/release in a repository of its own, with real git.


def release(repository: Path, version: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RELEASE_SCRIPT), version],
        cwd=repository,
        env=GIT_ENVIRONMENT,
        capture_output=True,
        text=True,
        check=False,
    )


def repository_with_changelog(root: Path, newest_heading: str) -> Path:
    """Return a repository tagged 0.1.0 whose next commit has newest_heading on top."""
    repository = root / "template"
    repository.mkdir()
    git(repository, "init", "--quiet")
    (repository / "CHANGELOG.md").write_text("# Changelog\n\n" + RELEASED)
    commit_all(repository, "Release 0.1.0")
    git(repository, "tag", "--annotate", "0.1.0", "--message", "Release 0.1.0")
    changelog = f"# Changelog\n\n{newest_heading}\n\n- Move a module.\n\n{RELEASED}"
    (repository / "CHANGELOG.md").write_text(changelog)
    git(repository, "commit", "--quiet", "--all", "--message", "Prepare 0.2.0")
    return repository


def test_release_creates_annotated_tag(tmp_path: Path) -> None:
    repository = repository_with_changelog(tmp_path, "## 0.2.0 - 2026-07-01")

    result = release(repository, "0.2.0")

    assert result.returncode == 0, result.stderr
    assert git(repository, "cat-file", "-t", "0.2.0").strip() == "tag"
    assert "- Move a module." in git(repository, "tag", "--list", "-n9", "0.2.0")


@pytest.mark.parametrize(
    ("heading", "version", "message"),
    [
        ("## 0.2.0 - Unreleased", "0.2.0", "## 0.2.0 - 20"),
        ("## 0.2.0 - 2026-07-01", "v0.2.0", "write it as 0.2.0"),
        ("## 0.2.0 - 2026-07-01", "0.3.0", "newest section of CHANGELOG.md is 0.2.0"),
        ("## 0.2.0 - 2026-07-01", "0.1.0", "tag 0.1.0 already exists"),
        ("## 0.2.0 - 2026-07-01", "0.0.9", "not newer than the newest tag 0.1.0"),
    ],
    ids=["unreleased", "v-prefix", "other-version", "existing-tag", "older"],
)
def test_release_rejects(
    tmp_path: Path, heading: str, version: str, message: str
) -> None:
    repository = repository_with_changelog(tmp_path, heading)

    result = release(repository, version)

    assert result.returncode == 1
    assert message in result.stderr
    assert git(repository, "tag", "--list").split() == ["0.1.0"]


def test_release_rejects_uncommitted_changes(tmp_path: Path) -> None:
    repository = repository_with_changelog(tmp_path, "## 0.2.0 - 2026-07-01")
    (repository / "notes.txt").write_text("not committed\n")

    result = release(repository, "0.2.0")

    assert result.returncode == 1
    assert "uncommitted changes" in result.stderr
