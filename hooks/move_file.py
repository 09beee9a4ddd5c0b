"""Move a generated file during `copier update`, keeping the team's edits to it.

Run it as an "after" migration, from the root of the project being updated:

    move_file.py --template SRC --from-ref REF --template-file PATH OLD NEW

By the "after" stage copier has rendered the new release over the project, merged the
team's changes into every file that kept its path, and deleted OLD because the new
release no longer renders it. The team's version of OLD is still in HEAD, because
`copier update` starts from a clean tree and commits nothing. This script merges that
version three ways into NEW: the base is OLD as the team's previous release rendered
it (PATH read from the template repository at REF), the other side is NEW as the
update left it. Edits the release did not touch merge cleanly. An edit to lines the
release also changed is left between inline conflict markers and recorded as unmerged
in the index, the way copier records its own conflicts.

A "before" migration cannot do this. Copier diffs the old release's render against
the project after the "before" stage, so a file moved there looks added on both sides
with an empty base, and every team edit turns into a conflict.

Needs only the standard library and git, so the Python that runs copier runs it.
Exit status: 0 when the file was moved or there was nothing to move, 1 when the move
was rejected or failed (the message gives the reason and the fix), 2 for invalid
arguments.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath

# Conflict labels copier itself writes, so every conflict of an update reads alike.
LABEL_TEAM = "before updating"
LABEL_BASE = "last update"
LABEL_RELEASE = "after updating"
# `git merge-file` exits with the number of conflicts, capped at 127; above is an error.
MERGE_FILE_MAX_CONFLICTS = 127
EMPTY_OBJECT_ID = "0" * 40


class MoveError(Exception):
    """A move that cannot go ahead; the message names the file and the fix."""


def git(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> bytes:
    """Run git, returning its output; raise MoveError with git's message on failure."""
    result = subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise MoveError(f"git {' '.join(args)} failed: {message}")
    return result.stdout


def head_entry(path: PurePosixPath) -> tuple[str, str] | None:
    """Return the file mode and object id of path in HEAD, or None when it has none."""
    listing = git("ls-tree", "HEAD", "--", str(path)).decode()
    if not listing:
        return None
    mode, kind, object_id = listing.split("\t", 1)[0].split()
    return (mode, object_id) if kind == "blob" else None


def read_base(template: Path, ref: str, template_file: str) -> bytes | None:
    """Return the template file at ref, or None when the repository lacks either."""
    if ref.startswith("-"):
        raise MoveError(f"--from-ref {ref!r} is not a git revision")
    try:
        return git("show", f"{ref}:{template_file}", cwd=template)
    except MoveError as error:
        print(f"move_file: {error}", file=sys.stderr)
        return None


def merge(team: bytes, base: bytes, release: bytes) -> tuple[bytes, int]:
    """Merge three versions with `git merge-file`; return text and conflict count."""
    with tempfile.TemporaryDirectory(prefix="move-file.") as scratch:
        paths = []
        for name, content in (("team", team), ("base", base), ("release", release)):
            path = Path(scratch, name)
            path.write_bytes(content)
            paths.append(str(path))
        result = subprocess.run(
            [
                "git",
                "merge-file",
                "-p",
                "-L",
                LABEL_TEAM,
                "-L",
                LABEL_BASE,
                "-L",
                LABEL_RELEASE,
                *paths,
            ],
            capture_output=True,
            check=False,
        )
    if not 0 <= result.returncode <= MERGE_FILE_MAX_CONFLICTS:
        message = result.stderr.decode(errors="replace").strip()
        raise MoveError(f"git merge-file failed: {message}")
    return result.stdout, result.returncode


def record_conflict(
    path: PurePosixPath, mode: str, team: bytes, base: bytes, release: bytes
) -> None:
    """Record path as unmerged so `git status` lists it until the team resolves it."""
    # The index names paths from the top of the repository, which is above the
    # project when the project is a folder of a larger repository.
    prefix = git("rev-parse", "--show-prefix").decode().strip()
    indexed = f"{prefix}{path}"
    entries = [f"0 {EMPTY_OBJECT_ID}\t{indexed}"]
    for stage, content in ((1, base), (2, team), (3, release)):
        object_id = git("hash-object", "-w", "--stdin", stdin=content).decode().strip()
        entries.append(f"{mode} {object_id} {stage}\t{indexed}")
    git("update-index", "--index-info", stdin="\n".join(entries).encode() + b"\n")


def project_path(value: str) -> PurePosixPath:
    """Parse a path relative to the project root, rejecting one that leaves it."""
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a path inside the project: give it relative to the "
            "project root, such as src/my_service/module.py"
        )
    return path


def move(
    old: PurePosixPath,
    new: PurePosixPath,
    template: Path,
    from_ref: str,
    template_file: str,
) -> str:
    """Move old to new with the team's edits merged in; return what was done."""
    team_entry = head_entry(old)
    if team_entry is None:
        return f"nothing to move: {old} is not in HEAD (already moved or removed)"
    mode, team_object = team_entry
    team = git("cat-file", "blob", team_object)

    old_file = Path(old)
    new_file = Path(new)
    if head_entry(new) is not None:
        if not old_file.exists():
            old_file.parent.mkdir(parents=True, exist_ok=True)
            old_file.write_bytes(team)
        raise MoveError(
            f"cannot move {old} to {new}: HEAD already has {new}, which the move "
            f"would overwrite. {old} is restored as it was in HEAD: merge it into "
            f"{new} by hand, delete {old}, and commit."
        )

    if not new_file.exists():
        # The new release does not render the file, so there is nothing to merge with.
        new_file.parent.mkdir(parents=True, exist_ok=True)
        new_file.write_bytes(team)
        outcome = f"moved {old} to {new}"
    else:
        release = new_file.read_bytes()
        base = read_base(template, from_ref, template_file)
        if base is None:
            # With no base every difference becomes a conflict: more to resolve by
            # hand, but no line of either side is dropped.
            print(
                f"move_file: no merge base for {old}, so every difference from the "
                "new release is marked as a conflict",
                file=sys.stderr,
            )
            base = b""
        merged, conflicts = merge(team, base, release)
        new_file.write_bytes(merged)
        if conflicts:
            record_conflict(new, mode, team, base, release)
            outcome = (
                f"moved {old} to {new} with {conflicts} conflict(s): resolve the "
                f"inline markers in {new}, then `git add {new}`"
            )
        else:
            outcome = f"moved {old} to {new} with the team's edits merged"

    old_file.unlink(missing_ok=True)
    # `copier update --conflict rej` leaves the rejected diff of the old path behind.
    # The edits it contains are merged into the new path now.
    rejected = PurePosixPath(f"{old}.rej")
    if Path(rejected).exists() and head_entry(rejected) is None:
        Path(rejected).unlink()
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Move a generated file during `copier update`, keeping the "
        "team's edits. Run from the project root after copier has rendered the "
        "new release."
    )
    parser.add_argument(
        "--template",
        type=Path,
        required=True,
        help="checkout of the template repository (copier's _copier_conf.src_path)",
    )
    parser.add_argument(
        "--from-ref",
        required=True,
        help="template release the project is updated from (copier's _version_from)",
    )
    parser.add_argument(
        "--template-file",
        required=True,
        help="path of the old file inside the template repository at --from-ref; "
        "it must be copied verbatim (no .jinja suffix), so it is what the project got",
    )
    parser.add_argument("old", type=project_path, help="path the file moves from")
    parser.add_argument("new", type=project_path, help="path the file moves to")
    arguments = parser.parse_args(argv)
    if arguments.old == arguments.new:
        parser.error(f"old and new are the same path ({arguments.old})")

    try:
        git("rev-parse", "--verify", "--quiet", "HEAD")
    except MoveError:
        print(
            "move_file: the current directory is not a git repository with a "
            "commit: run it from the root of the project that copier updates",
            file=sys.stderr,
        )
        return 1
    try:
        outcome = move(
            arguments.old,
            arguments.new,
            arguments.template,
            arguments.from_ref,
            arguments.template_file,
        )
    except (MoveError, OSError) as error:
        print(f"move_file: {error}", file=sys.stderr)
        return 1
    print(f"move_file: {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
