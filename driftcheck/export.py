"""``driftcheck export``: spec files (format v1) written from the live state.

``render_spec`` turns the connections of one entity into the text of a spec file;
``export_specs`` writes one file per entity, ``DIR/<entity>.yaml``.

The YAML comes from a small emitter of our own rather than ``yaml.dump``: it follows the house
style of ``examples/specs`` (flow ``join``/``metadata``/``groups``, literal blocks for multi-line
text) and quotes a string exactly when YAML would read it as something else (``yes``, ``1.0``,
``2026-01-01``, a leading ``@``...). Before a file is written its text is loaded back, compared
with what was meant and validated like any spec, so an emitter bug cannot write a wrong spec.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from driftcheck import __version__, yamlpos
from driftcheck.errors import LiveReadError, OutputError
from driftcheck.files import write_atomic
from driftcheck.model import SERVER_MANAGED, LiveState
from driftcheck.schema import SPEC_SCHEMA, schema_text
from driftcheck.spec import schema_problems
from driftcheck.specrules import check_rules

WIDTH = 100  # a flow collection that would make its line longer is written in block style
REQUIRED_FIELD = ("id", "source_name", "type")
OPTIONAL_FIELD = ("display_name", "description")
CONNECTION_KEYS = ("id", "type", "join", "metadata", "fields", *SERVER_MANAGED)
JOIN_KEYS = ("attribute", "type")


class UnexportableState(LiveReadError):
    """The live state of an entity holds something spec format v1 cannot express."""


@dataclass(frozen=True)
class ExportResult:
    """What ``export_specs`` did: the files written, and the entities it wrote nothing for."""

    written: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (entity, message)


# ---------------------------------------------------------------- scalars

_PRINTABLE = "\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
# Printable for YAML, but line breaks (YAML 1.1) or invisible: escaped, so a reviewer sees them.
_HIDDEN = "\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_NOT_PLAIN = re.compile(f"[^{_PRINTABLE}]|[{_HIDDEN}]")
_NOT_LITERAL = re.compile(f"[^\t\n{_PRINTABLE}]|[{_HIDDEN}]")
_TO_ESCAPE = re.compile(f'[^{_PRINTABLE}]|[{_HIDDEN}"\\\\]')
_NAMED = {
    "\0": "0",
    "\a": "a",
    "\b": "b",
    "\t": "t",
    "\n": "n",
    "\v": "v",
    "\f": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\u2028": "L",
    "\u2029": "P",
}
_FIRST_NOT_PLAIN = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_NOT_IN_FLOW = frozenset(",[]{}:?")
_RESOLVER = yaml.resolver.Resolver()
# Not strings for YAML 1.2 or 1.1 readers other than PyYAML (editors, Go): quoted as well.
_OTHER_READERS = re.compile(
    r"[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?"
    r"|\.[0-9][0-9_]*([eE][-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?"
    r"|\.(inf|Inf|INF)|\.(nan|NaN|NAN))|[yYnN]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return "\\" + _NAMED[char]
    code = ord(char)
    return (
        f"\\x{code:02X}"
        if code <= 0xFF
        else (f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
    )


def _is_plain(text: str, *, flow: bool) -> bool:
    if not text or text[0] in _FIRST_NOT_PLAIN or text[-1] in " :":
        return False
    if ": " in text or " #" in text or _NOT_PLAIN.search(text):
        return False
    if (flow and not _NOT_IN_FLOW.isdisjoint(text)) or _OTHER_READERS.fullmatch(text):
        return False
    resolve: Any = _RESOLVER.resolve
    return bool(resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str")


def scalar(text: str, *, flow: bool = False) -> str:
    """``text`` as a one-line YAML scalar: plain when YAML reads that back as the same string,
    otherwise double-quoted, with line breaks, controls and invisible characters escaped.
    ``flow=True`` for a place inside ``[...]`` or ``{...}``. Never holds a line break, so the
    result is also safe inside a comment."""
    return text if _is_plain(text, flow=flow) else _quoted(text)


def _quoted(text: str) -> str:
    return '"' + _TO_ESCAPE.sub(_escape, text) + '"'


def _literal(text: str, indent: int) -> str | None:
    """A ``|`` block of multi-line ``text`` for a value whose key is at ``indent``."""
    if "\n" not in text or not text.strip() or _NOT_LITERAL.search(text):
        return None
    chomp = "+" if text.endswith("\n\n") else ("" if text.endswith("\n") else "-")
    hint = "2" if text[0] in " \t\n" else ""  # content indentation that YAML cannot guess
    pad = " " * (indent + 2)
    lines = (pad + line if line else "" for line in text.removesuffix("\n").split("\n"))
    return f"|{hint}{chomp}\n" + "\n".join(lines)


def _note(text: Any) -> str:
    """Untrusted text for a comment: as is when harmless, else quoted (one line, nothing hidden,
    always encodable)."""
    text = str(text).encode("utf-8", "backslashreplace").decode("utf-8")
    harmless = text and text == text.strip() and not _NOT_PLAIN.search(text)
    return text if harmless else _quoted(text)


# ---------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Entry:
    """A connection or a field to write: its attributes in order, and what was left out."""

    attributes: dict[str, Any]
    left_out: tuple[str, ...] = ()


def _lines(key: str, value: Any, indent: int) -> list[str]:
    if isinstance(value, str):
        lead = " " * indent + key + ": "
        return [lead + (_literal(value, indent) or scalar(value))]
    if isinstance(value, dict):
        return _map_lines(key, value, indent)
    if value and isinstance(value[0], _Entry):
        return _entry_lines(key, value, indent, spaced=key == "connections")
    return _seq_lines(key, value, indent)


def _map_lines(key: str, value: dict[str, str], indent: int) -> list[str]:
    lead = " " * indent + key + ":"
    flow = ", ".join(f"{scalar(k, flow=True)}: {scalar(v, flow=True)}" for k, v in value.items())
    if len(lead) + len(flow) + 3 <= WIDTH:
        return [f"{lead} {{{flow}}}"]
    pad = " " * (indent + 2)
    lines = [lead]
    for k, v in value.items():
        name = scalar(k)
        if len(name) > 1000:  # YAML limits implicit keys to 1024 characters
            lines += [f"{pad}? {name}", f"{pad}: {scalar(v)}"]
        else:
            lines += _lines(name, v, indent + 2)
    return lines


def _seq_lines(key: str, value: list[str], indent: int) -> list[str]:
    lead = " " * indent + key + ":"
    flow = ", ".join(scalar(item, flow=True) for item in value)
    if len(lead) + len(flow) + 3 <= WIDTH:
        return [f"{lead} [{flow}]"]
    return [lead, *(" " * (indent + 2) + "- " + scalar(item) for item in value)]


def _entry_lines(key: str, entries: list[_Entry], indent: int, *, spaced: bool) -> list[str]:
    lines = [" " * indent + key + ":"]
    for number, entry in enumerate(entries):
        if spaced and number:
            lines.append("")
        if entry.left_out:
            names = ", ".join(map(_note, entry.left_out))
            them = "it" if len(entry.left_out) == 1 else "them"
            lines.append(
                f"{' ' * (indent + 2)}# Datadog also returned {names}: not written, "
                f"spec format v1 has no key for {them}"
            )
        body = [line for k, v in entry.attributes.items() for line in _lines(k, v, indent + 4)]
        body[0] = " " * (indent + 2) + "- " + body[0][indent + 4 :]
        lines += body
    return lines


def _data(value: Any) -> Any:
    """The plain data that the YAML of ``value`` must load as."""
    if isinstance(value, _Entry):
        return _data(value.attributes)
    if isinstance(value, dict):
        return {k: _data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_data(item) for item in value]
    return value


# ---------------------------------------------------------------- live state -> entries


def _fail(where: str, message: str) -> UnexportableState:
    return UnexportableState(f"{where}: {message}")


def _text(raw: Mapping[str, Any], key: str, where: str, *, required: bool) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            raise _fail(where, f"{key!r} is missing; spec format v1 requires it")
        return None
    return _checked(value, where, key, required=required)


def _checked(value: Any, where: str, key: str, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"{key!r} is {type(value).__name__} {_clip(value)}, not a string")
    if required and not value:
        raise _fail(where, f"{key!r} is empty; spec format v1 requires a non-empty string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _fail(where, f"{key!r} is not valid Unicode text (a lone surrogate)") from None
    return value


def _clip(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:59] + "…"


def _mapping(value: Any, where: str, key: str) -> Mapping[str, Any]:
    if value is None:
        raise _fail(where, f"{key!r} is missing; spec format v1 requires it")
    if not isinstance(value, Mapping):
        raise _fail(where, f"{key!r} is {type(value).__name__}, not a mapping")
    return value


def _items(value: Any, where: str, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise _fail(where, f"{key!r} is {type(value).__name__}, not a list")
    return list(value)


def _named(where: str, raw: Mapping[str, Any]) -> str:
    ident = raw.get("id")
    return f"{where} ({ident!r})" if isinstance(ident, str) and ident else where


def _unique(entries: list[_Entry], what: str, where: str) -> None:
    seen: set[str] = set()
    for entry in entries:
        ident = entry.attributes["id"]
        if ident in seen:
            raise _fail(where, f"{what} {ident!r} appears more than once; a spec declares it once")
        seen.add(ident)


def _field(raw: Any, where: str) -> _Entry:
    raw = _mapping(raw, where, "field")
    where = _named(where, raw)
    attributes: dict[str, Any] = {k: _text(raw, k, where, required=True) for k in REQUIRED_FIELD}
    for key in OPTIONAL_FIELD:
        value = _text(raw, key, where, required=False)
        if value is not None:
            attributes[key] = value
    if raw.get("groups") is not None:  # a set: a group Datadog lists twice is written once
        groups = [_checked(g, where, "groups") for g in _items(raw["groups"], where, "groups")]
        attributes["groups"] = list(dict.fromkeys(groups))
    known = (*REQUIRED_FIELD, *OPTIONAL_FIELD, "groups", *SERVER_MANAGED)
    return _Entry(attributes, tuple(str(k) for k in raw if k not in known))


def _connection(raw: Any, where: str) -> _Entry:
    raw = _mapping(raw, where, "connection")
    where = _named(where, raw)
    join = _mapping(raw.get("join"), where, "join")
    attributes: dict[str, Any] = {
        "id": _text(raw, "id", where, required=True),
        "type": _text(raw, "type", where, required=True),
        "join": {k: _text(join, k, f"{where}, join", required=True) for k in JOIN_KEYS},
    }
    if raw.get("metadata") is not None:
        metadata = _mapping(raw["metadata"], where, "metadata")
        attributes["metadata"] = {
            _checked(k, where, "metadata key"): _checked(v, where, f"metadata.{k}")
            for k, v in metadata.items()
        }
    fields = [
        _field(f, f"{where}, field {n}")
        for n, f in enumerate(_items(raw.get("fields"), where, "fields"), 1)
    ]
    _unique(fields, "field id", where)
    attributes["fields"] = fields
    left_out = [str(k) for k in raw if k not in CONNECTION_KEYS]
    left_out += [f"join.{k}" for k in join if k not in JOIN_KEYS]
    return _Entry(attributes, tuple(left_out))


# ---------------------------------------------------------------- documents


@functools.cache
def _schema() -> tuple[str, tuple[str, ...]]:
    """The schema's ``$id`` and the entity names it allows."""
    schema = json.loads(schema_text(SPEC_SCHEMA))
    return schema["$id"], tuple(schema["properties"]["entities"]["propertyNames"]["enum"])


def _render(
    entity: str, connections: Sequence[Mapping[str, Any]], *, site: str, read_at: str, version: str
) -> tuple[str, dict[str, Any]]:
    schema_id, allowed = _schema()
    if entity not in allowed:
        raise _fail(f"entity {entity!r}", "spec format v1 has entities " + ", ".join(allowed))
    entries = [_connection(c, f"connection {n}") for n, c in enumerate(connections, 1)]
    _unique(entries, "connection id", f"entity {entity!r}")
    body: dict[str, Any] = {
        "unmanaged_connections": "fail",
        "unmanaged_fields": "fail",
        "connections": entries,
    }
    lines = [
        f"# yaml-language-server: $schema={schema_id}",
        "#",
        f"# Exported by driftcheck {_note(version)} from the live state of Datadog site "
        f"{_note(site)},",
        f"# read at {_note(read_at)}. Every attribute Datadog holds is written out: all of it "
        "is managed.",
        "# Next: review and commit this file, then run 'driftcheck check' on it in CI to catch "
        "drift.",
        "version: 1",
        "entities:",
        f"  {entity}:",
        *(line for k, v in body.items() for line in _lines(k, v, 4)),
    ]
    document = {"version": 1, "entities": {entity: _data(body)}}
    return "\n".join(lines) + "\n", document


def render_spec(
    entity: str, connections: Sequence[Mapping[str, Any]], *, site: str, read_at: str, version: str
) -> str:
    """The text of a spec file declaring ``connections`` (as the API lists them) of ``entity``.

    Raises :class:`UnexportableState` when spec format v1 cannot express them (a required
    attribute missing or empty, a value that is not a string, a repeated id).
    """
    return _render(entity, connections, site=site, read_at=read_at, version=version)[0]


def _verify(path: str, text: str, document: dict[str, Any]) -> None:
    """Load ``text`` back like ``validate`` does; it must be valid and say ``document``."""
    loaded = yamlpos.load(text)
    problems = [*schema_problems(path, loaded), *check_rules([(path, loaded)])]
    if problems or loaded != document:
        raise RuntimeError(
            f"{path}: the exported YAML does not load back as the live state "
            f"({problems[0].message if problems else 'values differ'})"
        )


def export_specs(state: LiveState, out_dir: str, *, force: bool) -> ExportResult:
    """Write ``out_dir/<entity>.yaml`` for every entity of ``state`` that could be read.

    Entities that could not be read, or that spec format v1 cannot express, are returned in
    ``failed`` and get no file. Without ``force`` no file is written when any target exists.
    """
    texts: dict[str, str] = {}
    failed: list[tuple[str, str]] = []
    for entity, read in state.entities.items():
        if read.connections is None or not read.ok:
            failed.append((entity, f"{read.error or 'could not be read'}; no spec written"))
            continue
        try:
            text, document = _render(
                entity,
                read.connections,
                site=state.site,
                read_at=state.read_at,
                version=__version__,
            )
        except UnexportableState as exc:
            failed.append((entity, f"{exc}; no spec written"))
            continue
        path = os.path.join(out_dir, f"{entity}.yaml")
        _verify(path, text, document)
        texts[path] = text
    if texts:
        _prepare(out_dir, list(texts), force=force)
    for path, text in texts.items():
        write_atomic(path, text, overwrite=force)
    return ExportResult(written=tuple(texts), failed=tuple(failed))


def _prepare(out_dir: str, paths: list[str], *, force: bool) -> None:
    """Refuse before writing anything if a target exists; create ``out_dir`` if missing."""
    existing = [path for path in paths if os.path.lexists(path)]
    if existing and not force:
        files = "file exists" if len(existing) == 1 else "files exist"
        raise OutputError(
            f"{', '.join(existing)}: {files}; nothing was written; use --force to overwrite"
        )
    try:
        os.makedirs(out_dir or ".", exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the directory: {exc.strerror or exc}") from exc
