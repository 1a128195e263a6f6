"""Finding and reading spec files: which files a path names, and one file as a marked YAML
document, refusing anything that is not a small regular UTF-8 text file inside the folder
it was found in. Every refusal is a Problem at a precise place, never an exception."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from driftcheck.atomic import NotRegularFile, read_regular
from driftcheck.model import Problem
from driftcheck.spec import marked_yaml
from driftcheck.spec.repository import leaves_repository

SPEC_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 64 * 1024 * 1024


#: Folders never searched when specs are recognised by content (besides hidden ones).
NOT_SPEC_FOLDERS = frozenset({"node_modules"})
_TOP_LEVEL_KEY = re.compile(rb"""^["']?(version|entities)["']?[ \t]*:""", re.MULTILINE)


def looks_like_spec(path: Path) -> bool:
    """Whether a YAML file is a driftcheck spec by its content: it has both a top-level
    ``version`` and a top-level ``entities`` key (a workflow, a compose file or mkdocs.yml
    has not). Read as bytes, so a file that is not valid YAML is still recognised."""
    try:
        data = _read_bytes(path)
    except OSError:
        return False
    if isinstance(data, str):
        return False
    keys = {m.group(1) for m in _TOP_LEVEL_KEY.finditer(data.removeprefix(b"\xef\xbb\xbf"))}
    return keys == {b"version", b"entities"}


def find_spec_files(
    paths: Sequence[str],
    root: Path | None = None,
    *,
    by_content: bool = False,
    hidden: list[Path] | None = None,
) -> tuple[list[Path], list[Problem]]:
    """Spec files named by ``paths``: files as given, directories searched recursively for
    ``*.yaml``/``*.yml`` in any letter case (hidden folders and files skipped, symlinked
    folders not followed), sorted. ``hidden`` collects what was skipped for being hidden.

    With ``root`` (the repository, :func:`~driftcheck.spec.repository.repository_root`), a
    path that is or lies under a symbolic link leading out of it is refused unread.
    ``by_content``: in directories, only the files that :func:`looks_like_spec` (a symbolic
    link leaving the directory is skipped unread; node_modules is not searched)."""
    found: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if root is not None and leaves_repository(raw, root):
            problems.append(
                file_problem(
                    raw,
                    f"a symbolic link leads out of the repository {root}: refused unread "
                    "(a pull request could point a spec path at any file of the runner); "
                    "name the specs inside the repository",
                )
            )
        elif path.is_dir():
            inside, refused = _in_directory(raw, by_content, [] if hidden is None else hidden)
            found.extend(inside)
            problems.extend(refused)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            problems.append(file_problem(raw, "not a regular file or directory"))
        else:
            problems.append(file_problem(raw, "no such file or directory"))
    unique = list(dict.fromkeys(found))
    return unique, problems


def _in_directory(
    raw: str, by_content: bool, hidden: list[Path]
) -> tuple[list[Path], list[Problem]]:
    """The spec files of directory ``raw``, and the problems of finding them; what was
    skipped for being hidden goes to ``hidden``."""
    path = Path(raw)
    if by_content:
        specs = [
            p
            for p in sorted(_walk(path, hidden, NOT_SPEC_FOLDERS))
            if not _leaves(path, p) and looks_like_spec(p)
        ]
        if specs:
            return specs, []
        message = (
            "directory holds no driftcheck spec (a *.yaml or *.yml file with top-level "
            "'version' and 'entities' keys)"
        )
        return [], [file_problem(raw, message)]
    inside = sorted(_walk(path, hidden))
    problems = (
        [] if inside else [file_problem(raw, "directory holds no spec files (*.yaml or *.yml)")]
    )
    outside = [p for p in inside if _leaves(path, p)]
    problems.extend(
        file_problem(
            str(p),
            f"symbolic link to a file outside {raw}: refused (a spec "
            "folder must not make driftcheck read other files)",
        )
        for p in outside
    )
    return [p for p in inside if p not in outside], problems


def _walk(root: Path, hidden: list[Path], skip: frozenset[str] = frozenset()) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        hidden.extend(Path(folder) / d for d in dirs if d.startswith("."))
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in skip]
        for name in files:
            if name.lower().endswith(SPEC_SUFFIXES):
                if name.startswith("."):
                    hidden.append(Path(folder) / name)
                else:
                    yield Path(folder) / name


def _leaves(root: Path, path: Path) -> bool:
    """Whether a symbolic link found in ``root`` points outside it (a pull request can add
    one to /etc/... or a runner's credentials; never read those)."""
    if not path.is_symlink():
        return False
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a loop: reading it reports the problem at its place
        return False


def file_problem(file: str, message: str, mark: marked_yaml.Mark = (0, 0)) -> Problem:
    return Problem(location=marked_yaml.location(str(file), mark), message=message)


def read_document(path: Path) -> tuple[Any, list[Problem]]:
    """Load one file; on failure return no document and the reason, with its position."""
    name = str(path)
    try:
        data = _read_bytes(path)
    except OSError as exc:
        return None, [file_problem(name, f"cannot read: {exc.strerror or exc}")]
    if isinstance(data, str):
        return None, [file_problem(name, data)]
    return parse_document(name, data)


def parse_document(name: str, data: bytes) -> tuple[Any, list[Problem]]:
    """One spec file's bytes as a marked YAML document, or no document and the reason, with
    its position (``read_document`` for a file; the base stage for a blob read from git)."""
    # A byte-order mark is invisible and takes no column: positions are counted after it.
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            file_problem(
                name,
                "not UTF-8 text: byte "
                f"0x{data[exc.start]:02x} cannot be decoded; save the file "
                "as UTF-8",
                _offset_mark(data, exc.start),
            )
        ]
    if "\x00" in text:
        return None, [
            file_problem(
                name,
                "NUL byte in the file: a spec is text; remove it",
                _text_mark(text, text.index("\x00")),
            )
        ]
    duplicates: list[marked_yaml.YamlProblem] = []
    try:
        document = marked_yaml.load(text, duplicates=duplicates)
    except marked_yaml.YamlProblem as exc:
        return None, [file_problem(name, exc.message, exc.mark)]
    found = [file_problem(name, dup.message, dup.mark) for dup in duplicates]
    if document is None:
        return None, [file_problem(name, "file is empty: a spec starts with 'version: 1'", (1, 1))]
    if not isinstance(document, dict):
        kind = "a list" if isinstance(document, list) else "a single value"
        return None, [
            file_problem(
                name,
                f"the top level must be a mapping starting with 'version: 1', not {kind}",
                (1, 1),
            )
        ]
    return document, found


def _read_bytes(path: Path) -> bytes | str:
    """The bytes of a regular file of at most MAX_FILE_BYTES, or why it is refused.

    A spec symlinked to a device or a pipe (``/dev/zero``, a FIFO) is refused before any
    read: it could block for ever or never end. The read is bounded whatever stat said.
    """
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except NotRegularFile:
        return "not a regular file (a device, pipe or socket): a spec is a text file"
    if data is None:
        return f"file is larger than {MAX_FILE_BYTES >> 20} MiB; split the spec over several files"
    return data


def _offset_mark(data: bytes, offset: int) -> marked_yaml.Mark:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return (data.count(b"\n", 0, offset) + 1, offset - line_start + 1)


def _text_mark(text: str, offset: int) -> marked_yaml.Mark:
    line_start = text.rfind("\n", 0, offset) + 1
    return (text.count("\n", 0, offset) + 1, offset - line_start + 1)
