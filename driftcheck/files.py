"""Writing output files safely: a temporary file beside the target, then an atomic rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from driftcheck.errors import OutputError


def write_atomic(path: str | os.PathLike[str], text: str, *, overwrite: bool = True) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one.

    A failure at any point leaves the previous file untouched and no temporary file behind.
    With ``overwrite=False`` an existing file is refused (and never replaced by a race).
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise OutputError(f"{target}: file exists; use --force to overwrite it")
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp_name, target)
        else:
            # link() fails if the target appeared meanwhile: never clobber without --force.
            os.link(tmp_name, target)
            os.unlink(tmp_name)
    except FileExistsError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise OutputError(f"{target}: file exists; use --force to overwrite it") from exc
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
        raise
