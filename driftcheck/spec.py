"""Spec files: find them, load them with positions, validate (schema and rules), build a Spec.

``load_specs`` returns a :class:`~driftcheck.model.Spec` or raises
:class:`~driftcheck.errors.SpecInvalid` carrying every problem of every file at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from driftcheck import schema, yamlpos
from driftcheck.errors import SpecInvalid
from driftcheck.escape import terminal
from driftcheck.model import (
    ConnectionSpec,
    EntitySpec,
    FieldSpec,
    IgnoreRule,
    Location,
    Policy,
    Problem,
    Spec,
)
from driftcheck.specrules import check_rules

SPEC_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 64 * 1024 * 1024
FIELD_ATTRIBUTES = ("source_name", "type", "display_name", "description", "groups")


def find_spec_files(paths: Sequence[str]) -> tuple[list[Path], list[Problem]]:
    """Spec files named by ``paths``: files as given, directories searched recursively for
    ``*.yaml``/``*.yml`` (hidden folders skipped, symlinked folders not followed), sorted."""
    found: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(_walk(path))
            if not inside:
                problems.append(
                    _file_problem(raw, "directory holds no spec files (*.yaml or *.yml)")
                )
            outside = [p for p in inside if _leaves(path, p)]
            problems.extend(
                _file_problem(
                    str(p),
                    f"symbolic link to a file outside {raw}: refused (a spec "
                    "folder must not make driftcheck read other files)",
                )
                for p in outside
            )
            found.extend(p for p in inside if p not in outside)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            problems.append(_file_problem(raw, "not a regular file or directory"))
        else:
            problems.append(_file_problem(raw, "no such file or directory"))
    unique = list(dict.fromkeys(found))
    return unique, problems


def _walk(root: Path) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(SPEC_SUFFIXES) and not name.startswith("."):
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


def _file_problem(file: str, message: str, mark: yamlpos.Mark = (0, 0)) -> Problem:
    return Problem(Location(str(file), mark[0], mark[1]), message)


def read_document(path: Path) -> tuple[Any, list[Problem]]:
    """Load one file; on failure return no document and the reason, with its position."""
    name = str(path)
    try:
        data = _read_bytes(path)
    except OSError as exc:
        return None, [_file_problem(name, f"cannot read: {exc.strerror or exc}")]
    if isinstance(data, str):
        return None, [_file_problem(name, data)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [
            _file_problem(
                name,
                "not UTF-8 text: byte "
                f"0x{data[exc.start]:02x} cannot be decoded; save the file "
                "as UTF-8",
                _offset_mark(data, exc.start),
            )
        ]
    if "\x00" in text:
        return None, [
            _file_problem(
                name,
                "NUL byte in the file: a spec is text; remove it",
                _text_mark(text, text.index("\x00")),
            )
        ]
    try:
        document = yamlpos.load(text)
    except yamlpos.YamlProblem as exc:
        return None, [_file_problem(name, exc.message, exc.mark)]
    if document is None:
        return None, [_file_problem(name, "file is empty: a spec starts with 'version: 1'", (1, 1))]
    if not isinstance(document, dict):
        kind = "a list" if isinstance(document, list) else "a single value"
        return None, [
            _file_problem(
                name,
                f"the top level must be a mapping starting with 'version: 1', not {kind}",
                (1, 1),
            )
        ]
    return document, []


def _read_bytes(path: Path) -> bytes | str:
    """The bytes of a regular file of at most MAX_FILE_BYTES, or why it is refused.

    A spec symlinked to a device or a pipe (``/dev/zero``, a FIFO) is refused before any
    read: it could block for ever or never end. The read is bounded whatever stat said.
    """
    too_large = f"file is larger than {MAX_FILE_BYTES >> 20} MiB; split the spec over several files"
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "not a regular file (a device, pipe or socket): a spec is a text file"
        if os.fstat(fd).st_size > MAX_FILE_BYTES:
            return too_large
        data = handle.read(MAX_FILE_BYTES + 1)
    return too_large if len(data) > MAX_FILE_BYTES else data


def _offset_mark(data: bytes, offset: int) -> yamlpos.Mark:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return (data.count(b"\n", 0, offset) + 1, offset - line_start + 1)


def _text_mark(text: str, offset: int) -> yamlpos.Mark:
    line_start = text.rfind("\n", 0, offset) + 1
    return (text.count("\n", 0, offset) + 1, offset - line_start + 1)


def schema_problems(name: str, document: Any) -> list[Problem]:
    """Schema errors of one document. An unsupported version hides every other error."""
    version = document.get("version")
    found = [
        Problem(Location(name, *mark), message, where)
        for mark, message, where in schema.problems(document)
    ]
    if version != 1 and "version" in document:
        return [p for p in found if p.path == "version"] or found
    return found


def load_specs(paths: Sequence[str]) -> Spec:
    """Find, load and validate the spec files; the Spec of all of them, or SpecInvalid."""
    files, problems = find_spec_files(paths)
    documents: list[tuple[str, Any]] = []
    for path in files:
        document, found = read_document(path)
        problems.extend(found)
        if document is not None:
            found = schema_problems(str(path), document)
            problems.extend(found)
            if not found:
                documents.append((str(path), document))
    problems.extend(check_rules(documents))
    if documents and not problems and not any(doc.get("entities") for _, doc in documents):
        problems.append(
            _file_problem(
                documents[0][0],
                "no entity is declared in the spec "
                "files, so there is nothing to check: declare 'users' "
                "or 'accounts' under 'entities:'",
                (1, 1),
            )
        )
    if problems:
        raise SpecInvalid(tuple(sorted(set(problems), key=_sort_key)))
    return build_spec(documents)


def _sort_key(problem: Problem) -> tuple[str, int, int, str]:
    loc = problem.location
    return (loc.file, loc.line, loc.column, problem.message)


def build_spec(documents: Sequence[tuple[str, Any]]) -> Spec:
    """The Spec of schema-valid, rule-checked documents (entity policies merged)."""
    entities: dict[str, dict[str, Any]] = {}
    ignores: list[IgnoreRule] = []
    for name, document in documents:
        for entity, body in (document.get("entities") or {}).items():
            merged = entities.setdefault(entity, {"connections": [], "location": None})
            merged["location"] = merged["location"] or _loc(
                name, document["entities"].key_marks[entity]
            )
            for policy in ("unmanaged_connections", "unmanaged_fields"):
                if policy in body:
                    merged[policy] = body[policy]
            merged["connections"].extend((name, c) for c in body.get("connections") or ())
        ignores.extend(_ignore(name, entry) for entry in document.get("ignore") or ())
    built = {}
    for entity, merged in sorted(entities.items()):
        entity_fields: Policy = merged.get("unmanaged_fields", "fail")
        built[entity] = EntitySpec(
            name=entity,
            unmanaged_connections=merged.get("unmanaged_connections", "fail"),
            unmanaged_fields=entity_fields,
            connections=tuple(_connection(n, c, entity_fields) for n, c in merged["connections"]),
            location=merged["location"],
        )
    return Spec(entities=built, ignores=tuple(ignores), files=tuple(n for n, _ in documents))


def _loc(name: str, mark: yamlpos.Mark) -> Location:
    return Location(name, mark[0], mark[1])


def _connection(name: str, body: Any, entity_fields: Policy) -> ConnectionSpec:
    attributes: dict[str, Any] = {"type": body["type"], "join": dict(body["join"])}
    places = {key: _loc(name, body.key_marks[key]) for key in ("type", "join")}
    places.update({f"join.{k}": _loc(name, body["join"].key_marks[k]) for k in body["join"]})
    if "metadata" in body:
        attributes["metadata"] = dict(body["metadata"])
        places["metadata"] = _loc(name, body.key_marks["metadata"])
        places.update(
            {f"metadata.{k}": _loc(name, body["metadata"].key_marks[k]) for k in body["metadata"]}
        )
    return ConnectionSpec(
        id=body["id"],
        attributes=attributes,
        fields=tuple(_field(name, f) for f in body.get("fields") or ()),
        unmanaged_fields=body.get("unmanaged_fields", entity_fields),
        location=_loc(name, body.start),
        attribute_locations=places,
    )


def _field(name: str, body: Any) -> FieldSpec:
    attributes = {
        k: (list(body[k]) if k == "groups" else body[k]) for k in FIELD_ATTRIBUTES if k in body
    }
    return FieldSpec(
        id=body["id"],
        attributes=attributes,
        location=_loc(name, body.start),
        attribute_locations=_Places(name, body.key_marks, attributes),
    )


class _Places(Mapping[str, Location]):
    """Where each attribute of a field was written, made into Locations only when asked:
    a spec has tens of thousands of attributes, a report points at a few."""

    __slots__ = ("_file", "_keys", "_marks")

    def __init__(
        self, file: str, marks: Mapping[str, yamlpos.Mark], keys: Mapping[str, Any]
    ) -> None:
        self._file, self._marks, self._keys = file, marks, keys

    def __getitem__(self, key: str) -> Location:
        if key not in self._keys:
            raise KeyError(key)
        return _loc(self._file, self._marks[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return repr(dict(self))


def _ignore(name: str, entry: Any) -> IgnoreRule:
    expires = entry.get("expires")
    return IgnoreRule(
        entity=entry["entity"],
        connection=entry.get("connection"),
        field=entry.get("field"),
        attribute=entry.get("attribute"),
        reason=entry["reason"],
        expires=dt.date.fromisoformat(expires) if expires else None,
        location=_loc(name, entry.start),
    )


def summarize(spec: Spec) -> str:
    """'2 files valid: 2 entities, 3 connections, 12 fields, 1 ignore entry'."""
    connections = [c for e in spec.entities.values() for c in e.connections]
    fields = sum(len(c.fields) for c in connections)
    return (
        f"{_n(len(spec.files), 'file')} valid: {_n(len(spec.entities), 'entity', 'entities')}, "
        f"{_n(len(connections), 'connection')}, {_n(fields, 'field')}, "
        f"{_n(len(spec.ignores), 'ignore entry', 'ignore entries')}"
    )


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def render_problems(problems: Sequence[Problem], fmt: str) -> str:
    """Problems as text lines (``file:line:col: error: ...``) or as a JSON document."""
    if fmt == "json":
        return (
            json.dumps(
                {
                    "valid": not problems,
                    "problems": [
                        {
                            "file": p.location.file,
                            "line": p.location.line or None,
                            "column": p.location.column or None,
                            "message": p.message,
                            "path": p.path or None,
                        }
                        for p in problems
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    lines = []
    for p in problems:
        where = p.location.file if p.location.line == 0 else str(p.location)
        at = f" (at {p.path})" if p.path else ""
        lines.append(terminal(f"{where}: error: {p.message}{at}"))
    files = len({p.location.file for p in problems})
    lines.append(f"{_n(len(problems), 'problem')} in {_n(files, 'file')}")
    return "\n".join(lines) + "\n"
