"""The repository a run works in: the root that spec paths must not leave through a link."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def repository_root(env: Mapping[str, str], cwd: Path) -> Path:
    """``$GITHUB_WORKSPACE`` when set, else the top level of the git work tree holding
    ``cwd`` (the nearest folder with a ``.git`` entry, a worktree's file included), else
    ``cwd``; absolute, with links resolved."""
    workspace = env.get("GITHUB_WORKSPACE", "").strip()
    if workspace:
        return (cwd / workspace).resolve()
    here = cwd.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def leaves_repository(raw: str, root: Path) -> bool:
    """Whether the path ``raw``, inside ``root`` as written, resolves outside it: it is, or is
    under, a symbolic link that leads out of the repository."""
    written = Path(raw).absolute()
    lexical_roots = (root, Path(root).absolute())
    if not any(_inside(written, r) for r in lexical_roots):
        return False  # named outside the repository on purpose: no link involved to judge
    try:
        return not _inside(written.resolve(), root.resolve())
    except (OSError, RuntimeError):  # a loop: reading it reports the problem at its place
        return False


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def relative_uri(path: str, root: str | None, cwd: str) -> str:
    """``path`` (as given, relative to ``cwd``) relative to ``root`` with ``/`` (for SARIF
    URIs); absolute when it lies outside the root; as given when no root is known."""
    if root is None:
        return path.replace(os.sep, "/").removeprefix("./")
    absolute = os.path.normpath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, root)
    if relative.startswith(".."):
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")
