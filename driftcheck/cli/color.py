"""Whether the text output gets colour: ``--color``, then the environment's conventions, then
whether stdout is a terminal."""

from __future__ import annotations

import shutil
from collections.abc import Mapping


def wants_color(choice: str, env: Mapping[str, str], *, isatty: bool, to_file: bool) -> bool:
    """``--color always``/``never`` beat everything. Under ``auto``: a file (``--output``) gets
    none; a non-empty ``NO_COLOR`` turns it off (no-color.org: an empty one does not); a
    non-empty ``FORCE_COLOR`` (force-color.org) or a ``CLICOLOR_FORCE`` other than ``0``
    forces it, also into a pipe or a CI log; ``TERM=dumb`` turns it off; else a terminal
    gets colour."""
    if choice in ("always", "never"):
        return choice == "always"
    if to_file or env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR") or env.get("CLICOLOR_FORCE", "0") not in ("", "0"):
        return True
    if env.get("TERM") == "dumb":
        return False
    return isatty


def terminal_width(env: Mapping[str, str]) -> int:
    """The terminal's width in columns: ``COLUMNS`` when set, else the terminal's, at least 40."""
    columns = env.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() else shutil.get_terminal_size().columns
    return max(width, 40)
