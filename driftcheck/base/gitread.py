"""Reading spec files at a git revision without a checkout: ``git ls-tree`` lists them and
one ``git cat-file --batch`` reads every blob. The only module of driftcheck that runs git.

Paths are taken literally (no pathspec magic), are relative to ``cwd`` like the command
line's, and a revision can never be read as an option. Every git call has a timeout.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from driftcheck.errors import UsageError
from driftcheck.spec.files import MAX_FILE_BYTES, SPEC_SUFFIXES

GIT_TIMEOUT = 60.0  # seconds, for each git command
_SYMLINK = "120000"


@dataclass(frozen=True, kw_only=True)
class Blob:
    """One file of the tree at the revision: its name relative to ``cwd``, and its bytes,
    or why it cannot be read (a symbolic link, too large)."""

    name: str
    data: bytes | None
    refused: str | None = None


@dataclass(frozen=True, kw_only=True)
class TreeFiles:
    """The spec files found at a revision under the given paths."""

    commit: str
    blobs: tuple[Blob, ...]


def read_tree_files(rev: str, paths: Sequence[str], cwd: str) -> TreeFiles:
    """The spec files that ``paths`` name at ``rev``, read like ``find_spec_files`` finds
    them in the work tree: a file as named, a folder searched for ``*.yaml``/``*.yml``
    (hidden names skipped). A path that does not exist at ``rev`` names nothing (the change
    may add it). Raises UsageError outside a git work tree or for an unknown revision."""
    if not rev or rev.startswith("-") or "\n" in rev or "\x00" in rev:
        raise UsageError(f"--base {rev!r} is not a git revision (e.g. main, origin/main, a SHA)")
    _top_level(cwd)
    commit = _commit(rev, cwd)
    specs = [_relative(path, cwd) for path in paths]
    listed = _ls_tree(commit, specs, cwd)
    wanted = [(name, mode, obj, size) for name, mode, obj, size in listed if _chosen(name, specs)]
    readable = [(name, obj) for name, mode, obj, size in wanted if _refusal(mode, size) is None]
    contents = _cat_blobs([obj for _, obj in readable], cwd)
    blobs = []
    for name, mode, obj, size in wanted:
        refused = _refusal(mode, size)
        blobs.append(Blob(name=name, data=None if refused else contents[obj], refused=refused))
    return TreeFiles(commit=commit, blobs=tuple(blobs))


def _git(
    args: Sequence[str], cwd: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("--base needs git, and git is not installed (not on PATH)") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"--base: git {args[0]} took longer than {GIT_TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise UsageError(f"--base: cannot run git: {exc.strerror or exc}") from None


def _top_level(cwd: str) -> str:
    done = _git(["rev-parse", "--show-toplevel"], cwd)
    if done.returncode != 0:
        raise UsageError(
            f"--base needs the spec files in a git work tree, and {cwd} is not in one "
            "(run driftcheck inside the repository checkout, or drop --base)"
        )
    return done.stdout.decode("utf-8", "replace").strip()


def _commit(rev: str, cwd: str) -> str:
    done = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd)
    if done.returncode != 0:
        raise UsageError(
            f"--base {rev!r}: no such commit in this repository; a shallow checkout has only "
            f"the head: fetch the base first (git fetch --depth=1 origin {rev}), or use "
            "actions/checkout with fetch-depth: 0"
        )
    return done.stdout.decode("ascii", "replace").strip()


def _relative(path: str, cwd: str) -> str:
    """``path`` as git names it from ``cwd`` (relative, normalised, ``/``-separated)."""
    absolute = os.path.normpath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, cwd).replace(os.sep, "/")
    return relative


def _ls_tree(commit: str, specs: Sequence[str], cwd: str) -> list[tuple[str, str, str, int]]:
    done = _git(["ls-tree", "-r", "-z", "-l", commit, "--", *specs], cwd)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            "--base: cannot list the spec paths at the base commit: "
            + (message[0] if message else f"git ls-tree exited {done.returncode}")
            + " (are the paths inside the repository?)"
        )
    found = []
    for record in done.stdout.split(b"\x00"):
        if not record:
            continue
        meta, _, raw_name = record.partition(b"\t")
        mode, kind, obj, size = meta.decode("ascii").split()
        if kind != "blob":
            continue  # a submodule: not a spec file
        name = raw_name.decode("utf-8", "surrogateescape")
        found.append((name, mode, obj, int(size) if size.isdigit() else 0))
    return found


def _chosen(name: str, specs: Sequence[str]) -> bool:
    """Whether ``name`` is a spec file for the paths: named as a file, or found in a folder."""
    for spec in specs:
        if name == spec:
            return True
        inside = spec == "." or name.startswith(spec.rstrip("/") + "/")
        if not inside:
            continue
        below = PurePosixPath(name).relative_to(spec) if spec != "." else PurePosixPath(name)
        hidden = any(part.startswith(".") for part in below.parts)
        if not hidden and name.endswith(SPEC_SUFFIXES):
            return True
    return False


def _refusal(mode: str, size: int) -> str | None:
    if mode == _SYMLINK:
        return "a symbolic link at the base commit: not followed (a spec is a regular file)"
    if size > MAX_FILE_BYTES:
        return f"file is larger than {MAX_FILE_BYTES >> 20} MiB at the base commit"
    return None


def _cat_blobs(objects: Sequence[str], cwd: str) -> dict[str, bytes]:
    """Every blob's bytes, read by one ``git cat-file --batch``."""
    if not objects:
        return {}
    unique = list(dict.fromkeys(objects))
    done = _git(["cat-file", "--batch"], cwd, stdin="".join(f"{o}\n" for o in unique).encode())
    if done.returncode != 0:
        raise UsageError("--base: git cat-file could not read the spec files at the base commit")
    out, pos, blobs = done.stdout, 0, {}
    for obj in unique:
        end = out.index(b"\n", pos)
        header = out[pos:end].decode("ascii").split()
        if len(header) != 3 or header[1] != "blob":
            raise UsageError(f"--base: git cat-file gave no blob for {obj}")
        size = int(header[2])
        blobs[obj] = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1  # the blob, then a newline
    return blobs
