"""Check CHANGELOG.md for a release and create its annotated tag.

Usage, from a clean checkout of the commit to release: scripts/release VERSION

The newest section of CHANGELOG.md must be `## VERSION - YYYY-MM-DD`. While a release
is prepared, its heading is `## VERSION - Unreleased`, and the date replaces that word
in the commit that gets tagged. The script tags nothing unless the version is a
canonical PEP 440 version newer than every tag, the tree is clean and the changelog is
in order.
tests/test_release.py imports the parser to check the changelog against the tags.
"""

import argparse
import datetime
import itertools
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

CHANGELOG = "CHANGELOG.md"
UNRELEASED = "Unreleased"
SECTION_HEADING = re.compile(r"## (?P<version>\S+) - (?P<date>\S+)")


class ReleaseError(Exception):
    """A check that failed; the message names the value and the fix."""


@dataclass(frozen=True)
class Section:
    """One release's entry in CHANGELOG.md."""

    version: Version
    # None while the heading is Unreleased.
    date: datetime.date | None
    body: str


def parse_version(text: str) -> Version:
    """Parse a PEP 440 version written in its canonical form, as tags must be."""
    try:
        version = Version(text)
    except InvalidVersion:
        raise ReleaseError(
            f"{text!r} is not a PEP 440 version: use one such as 0.2.0 or 0.2.0rc1"
        ) from None
    if str(version) != text:
        raise ReleaseError(
            f"{text!r} is not in canonical PEP 440 form: write it as {version}"
        )
    return version


def parse_changelog(text: str) -> list[Section]:
    """Parse the release sections, newest first, checking headings and their order."""
    lines = text.splitlines()
    starts = [number for number, line in enumerate(lines) if line.startswith("## ")]
    sections: list[Section] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        heading = SECTION_HEADING.fullmatch(lines[start])
        if heading is None:
            raise ReleaseError(
                f"{CHANGELOG} heading {lines[start]!r} is not a release heading: "
                f"write '## VERSION - YYYY-MM-DD' or '## VERSION - {UNRELEASED}'"
            )
        body = "\n".join(lines[start + 1 : end]).strip()
        sections.append(parse_section(heading, body))

    if not sections:
        raise ReleaseError(f"{CHANGELOG} has no release section")
    for newer, older in itertools.pairwise(sections):
        if newer.version <= older.version:
            raise ReleaseError(
                f"{CHANGELOG} lists {newer.version} above {older.version}: order the "
                "sections newest first, each version once"
            )
    for section in sections[1:]:
        if section.date is None:
            raise ReleaseError(
                f"{CHANGELOG} section {section.version} is {UNRELEASED} below "
                "another release: only the newest section may be unreleased"
            )
    return sections


def parse_section(heading: re.Match[str], body: str) -> Section:
    version = parse_version(heading["version"])
    if heading["date"] == UNRELEASED:
        return Section(version, None, body)
    try:
        date = datetime.date.fromisoformat(heading["date"])
    except ValueError:
        raise ReleaseError(
            f"{CHANGELOG} section {version} has the date {heading['date']!r}: write "
            f"an ISO date such as 2026-06-01, or {UNRELEASED}"
        ) from None
    return Section(version, date, body)


def git(*args: str) -> str:
    result = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def check_release(version: Version, sections: list[Section], tags: list[str]) -> None:
    """Raise ReleaseError unless version can be tagged with this changelog and tags."""
    if str(version) in tags:
        raise ReleaseError(f"tag {version} already exists: choose the next version")
    released = [parse_version(tag) for tag in tags]
    if released and version <= max(released):
        raise ReleaseError(
            f"{version} is not newer than the newest tag {max(released)}: choose a "
            "higher version"
        )
    newest = sections[0]
    if newest.version != version:
        raise ReleaseError(
            f"the newest section of {CHANGELOG} is {newest.version}, not {version}: "
            f"add a section '## {version} - {UNRELEASED}' above it listing the changes"
        )
    if newest.date is None:
        raise ReleaseError(
            f"the {CHANGELOG} section {version} is still {UNRELEASED}: replace that "
            f"with the release date ('## {version} - {datetime.date.today()}'), "
            "commit, and run this again"
        )
    if not newest.body:
        raise ReleaseError(f"the {CHANGELOG} section {version} lists no change")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Check CHANGELOG.md and create the annotated tag of a release."
    )
    parser.add_argument("version", help="PEP 440 version to release, such as 0.2.0")
    arguments = parser.parse_args(argv)

    try:
        root = Path(git("rev-parse", "--show-toplevel").strip())
        version = parse_version(arguments.version)
        if git("status", "--porcelain").strip():
            raise ReleaseError(
                "the working tree has uncommitted changes: commit or stash them, "
                "so the tag names exactly what was checked"
            )
        sections = parse_changelog((root / CHANGELOG).read_text())
        check_release(version, sections, git("tag", "--list").split())
        git(
            "tag",
            "--annotate",
            str(version),
            "--cleanup=verbatim",
            "--message",
            f"fifteen-factor {version}\n\n{sections[0].body}\n",
        )
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    commit = git("rev-parse", "--short", "HEAD").strip()
    print(f"Tagged {version} at {commit}. Publish it with: git push origin {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
