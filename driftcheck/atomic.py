"""Files, safely: output written to a temporary file beside the target, then an atomic
rename; input read only from a regular file, within a size bound (``read_regular``).

On Linux the temporary file is unnamed (``O_TMPFILE``) until it is complete and synced, so a
process killed while writing leaves nothing behind; elsewhere it is a hidden
``.NAME.XXXX.tmp`` file that every failure, ^C and SIGTERM included (``main`` turns SIGTERM
into an exception), removes.

What is never replaced: a FIFO or a character device (``/dev/stdout``, ``/dev/null``) is
written through, as a shell redirection would; a symbolic link is refused, unless it leads
to such a device (``/dev/stdout`` is a link): a link checked out from a pull request could
point at any file the job may write (``$GITHUB_ENV``, a script).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from driftcheck.errors import OutputError

_PROC_FD = "/proc/self/fd"


def write_atomic(path: str | os.PathLike[str], text: str, *, overwrite: bool = True) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one.

    A failure at any point leaves the previous file untouched and no temporary file behind.
    With ``overwrite=False`` an existing file is refused (and never replaced by a race).
    """
    target = Path(path)
    if not overwrite and (target.exists() or target.is_symlink()):
        raise OutputError(f"{target}: file exists; use --force to overwrite it")
    directory = target.parent if str(target.parent) else Path(".")
    data = text.encode("utf-8")
    try:
        if _is_stream(target):
            _write_through(target, data)
            return
        if not _write_unnamed(directory, target, data, overwrite):
            _write_named(directory, target, data, overwrite)
    except FileExistsError as exc:
        raise OutputError(f"{target}: file exists; use --force to overwrite it") from exc
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc


def _is_stream(target: Path) -> bool:
    """True for a FIFO or a character device (also behind a link); raises for a link to
    anything else, and for a block device, a socket or a directory."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(mode):
        try:
            mode = os.stat(target).st_mode
        except OSError:
            mode = 0
        if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise OutputError(
                f"{target}: is a symbolic link; driftcheck does not write through links "
                "(one checked out from a pull request could point at any file): give the "
                "path of the file itself, or remove the link"
            )
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return True
    if not stat.S_ISREG(mode):
        raise OutputError(f"{target}: is not a regular file, a FIFO or a character device")
    return False


def _write_through(target: Path, data: bytes) -> None:
    """Write to a FIFO or a device in place: it is a stream, not a file to replace."""
    fd = os.open(target, os.O_WRONLY | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _write_unnamed(directory: Path, target: Path, data: bytes, overwrite: bool) -> bool:
    """Write through an unnamed file; False (nothing written) where the system cannot."""
    fd = _open_unnamed(directory)
    if fd is None:
        return False
    try:
        _fill(fd, data)
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            return _publish(fd, dir_fd, target.name, overwrite)
        finally:
            os.close(dir_fd)
    finally:
        os.close(fd)


def _open_unnamed(directory: Path) -> int | None:
    """A file in ``directory`` with no name yet, or None where the system has none."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir(_PROC_FD):
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY | os.O_CLOEXEC, 0o666)
    except OSError:  # not supported by this file system: the named way reports real errors
        return None


def _fill(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def _publish(fd: int, dir_fd: int, name: str, overwrite: bool) -> bool:
    """Give the complete unnamed file its name: ``name`` itself, or a temporary name that
    then replaces ``name`` in one rename. False if the file system cannot link it."""
    source = f"{_PROC_FD}/{fd}"
    linked = name if not overwrite else f".{name}.{secrets.token_hex(4)}.tmp"
    try:
        # With a dir_fd this is linkat(AT_SYMLINK_FOLLOW): it links the file, not /proc's link.
        os.link(source, linked, dst_dir_fd=dir_fd, follow_symlinks=True)
    except FileExistsError:
        raise  # the target appeared: never clobber without --force
    except OSError:
        return False
    if overwrite:
        try:
            os.replace(linked, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(linked, dir_fd=dir_fd)
            raise
    return True


def _write_named(directory: Path, target: Path, data: bytes, overwrite: bool) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        try:
            _fill(fd, data)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp_name, target)
        else:
            # link() fails if the target appeared meanwhile: never clobber without --force.
            os.link(tmp_name, target)
            os.unlink(tmp_name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


class NotRegularFile(OSError):
    """A device, pipe or socket where a file was expected: it could block or never end."""


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes | None:
    """The bytes of the regular file at ``path``, or None if it holds more than ``limit``.

    A device or a pipe (``/dev/zero``, a FIFO) raises :class:`NotRegularFile` before any
    read (it is opened without blocking); the read is bounded whatever ``stat`` said.
    Other failures raise ``OSError`` as usual (``FileNotFoundError``...).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{os.fspath(path)}: not a regular file")
        if info.st_size > limit:
            return None
        data = handle.read(limit + 1)
    return None if len(data) > limit else data


def replace_all(files: Mapping[str, tuple[str, str]]) -> None:
    """Replace several existing files at once: all of them or none.

    ``files`` maps each path to (the text it must still hold, its new text). Every new file
    is written and synced beside its target first (with the target's permissions); a file
    that changed meanwhile refuses the whole write. Then each is renamed over its target;
    should a rename fail, the files already replaced get their old text back. A symbolic
    link is refused, like anything but a regular file (it could lead to any file the job
    may write).
    """
    for path in files:
        if os.path.islink(path) or not os.path.isfile(path):
            raise OutputError(f"{path}: not a regular file; nothing was written")
    staged: list[tuple[str, Path, str]] = []
    try:
        for path, (old, new) in files.items():
            target = Path(path)
            staged.append((_stage(target, new), target, old))
        for _, target, old in staged:
            if target.read_bytes() != old.encode("utf-8"):
                raise OutputError(
                    f"{target}: changed while driftcheck was editing it; nothing was written: "
                    "run the command again"
                )
    except BaseException as exc:
        for tmp, _, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write: {exc.strerror or exc}; nothing was written") from exc
        raise
    _rename_all(staged)


def _stage(target: Path, text: str) -> str:
    mode = stat.S_IMODE(os.stat(target).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        try:
            os.fchmod(fd, mode)
            _fill(fd, text.encode("utf-8"))
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _rename_all(staged: list[tuple[str, Path, str]]) -> None:
    done: list[tuple[Path, str]] = []
    for number, (tmp, target, old) in enumerate(staged):
        try:
            os.replace(tmp, target)
        except OSError as exc:
            for later, _, _ in staged[number:]:
                with contextlib.suppress(OSError):
                    os.unlink(later)
            for written, text in done:
                write_atomic(written, text)
            raise OutputError(
                f"{target}: cannot write: {exc.strerror or exc}; the files already written "
                "were restored, nothing was changed"
            ) from exc
        done.append((target, old))
