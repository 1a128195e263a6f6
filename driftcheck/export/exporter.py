"""``driftcheck export``: spec files (format v1) written from the live state.

``render_spec`` turns the connections of one entity into the text of a spec file;
``export_specs`` writes one file per entity, ``DIR/<entity>.yaml``, and the spec schema
beside them (``DIR/driftcheck-spec.schema.json``), which their first line points at.

The YAML comes from a small emitter of our own (``yamlemit``), not ``yaml.dump``, which
follows the house style of ``examples/specs`` and quotes a string exactly when YAML would read
it as something else. Before a file is written its text is loaded back, compared
with what was meant and validated like any spec, so an emitter bug cannot write a wrong spec.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from driftcheck import __version__
from driftcheck.atomic import write_atomic
from driftcheck.errors import LiveReadError, OutputError
from driftcheck.export.yaml_emitter import Entry, emit_lines, note, plain_data
from driftcheck.model import SERVER_MANAGED, LiveState
from driftcheck.spec import marked_yaml
from driftcheck.spec.load import schema_problems
from driftcheck.spec.rules import check_rules
from driftcheck.spec.shipped import SPEC_SCHEMA, schema_text
from driftcheck.wording import clip

REQUIRED_FIELD = ("id", "source_name", "type")
OPTIONAL_FIELD = ("display_name", "description")
CONNECTION_KEYS = ("id", "type", "join", "metadata", "fields", *SERVER_MANAGED)
JOIN_KEYS = ("attribute", "type")


class UnexportableState(LiveReadError):
    """The live state of an entity holds something spec format v1 cannot express."""


@dataclass(frozen=True)
class ExportResult:
    """What ``export_specs`` did: the spec files written, the entities it wrote nothing for,
    and the schema file it wrote beside them (None: already there, or no spec written)."""

    written: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (entity, message): could not be read, no file
    schema: str | None = None
    #: (entity, message): what spec v1 cannot hold and was left out (a connection, named in
    #: a comment of the entity's file, or a whole entity): the export is partial
    skipped: tuple[tuple[str, str], ...] = ()


# ---------------------------------------------------------------- scalars


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
    return clip(repr(value), 60)


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


def _unique(entries: list[Entry], what: str, where: str) -> None:
    seen: set[str] = set()
    for entry in entries:
        ident = entry.attributes["id"]
        if ident in seen:
            raise _fail(where, f"{what} {ident!r} appears more than once; a spec declares it once")
        seen.add(ident)


def _field(raw: Any, where: str) -> Entry:
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
    return Entry(attributes, tuple(str(k) for k in raw if k not in known))


def _connection(raw: Any, where: str) -> Entry:
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
    return Entry(attributes, tuple(left_out))


# ---------------------------------------------------------------- documents


#: Written beside the exported specs, which point at it: editors find it offline, with no
#: setting and no host (a modeline naming a URL would need one that really serves it).
SCHEMA_FILE = "driftcheck-spec.schema.json"
MODELINE = f"# yaml-language-server: $schema=./{SCHEMA_FILE}"


@functools.cache
def _entity_names() -> tuple[str, ...]:
    """The entity names the schema allows."""
    schema = json.loads(schema_text(SPEC_SCHEMA))
    return tuple(schema["properties"]["entities"]["propertyNames"]["enum"])


def exportable_entities() -> tuple[str, ...]:
    """The entity names spec format v1 allows (its schema's)."""
    return _entity_names()


def _render(
    entity: str,
    connections: Sequence[Mapping[str, Any]],
    *,
    site: str,
    read_at: str,
    version: str,
    skipped: list[str] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The spec text and the data it must load as. A connection spec v1 cannot hold raises
    :class:`UnexportableState`, or, with a ``skipped`` list, is left out, named there and in
    a comment of the file."""
    allowed = _entity_names()
    if entity not in allowed:
        raise _fail(f"entity {entity!r}", "spec format v1 has entities " + ", ".join(allowed))
    entries = []
    for n, raw in enumerate(connections, 1):
        try:
            entries.append(_connection(raw, f"connection {n}"))
        except UnexportableState as exc:
            if skipped is None:
                raise
            skipped.append(str(exc))
    _unique(entries, "connection id", f"entity {entity!r}")
    body: dict[str, Any] = {
        "unmanaged_connections": "fail",
        "unmanaged_fields": "fail",
        "connections": entries,
    }
    lines = [
        MODELINE,
        "#",
        f"# Exported by driftcheck {note(version)} from the live state of Datadog site "
        f"{note(site)},",
        f"# read at {note(read_at)}. Every attribute Datadog holds is written out: all of it "
        "is managed.",
        "# Next: review and commit this file, then run 'driftcheck check' on it in CI to catch "
        "drift.",
        *_skipped_note(skipped or []),
        "version: 1",
        "entities:",
        f"  {entity}:",
        *(line for k, v in body.items() for line in emit_lines(k, v, 4)),
    ]
    document = {"version": 1, "entities": {entity: plain_data(body)}}
    return "\n".join(lines) + "\n", document


def _skipped_note(skipped: list[str]) -> list[str]:
    if not skipped:
        return []
    return [
        "#",
        "# Spec format v1 cannot hold these live connections: they are not written, and a",
        "# check reports them as unexpected until they are fixed in Datadog.",
        *(f"# Not written: {note(message)}" for message in skipped),
    ]


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
    loaded = marked_yaml.load(text)
    problems = [*schema_problems(path, loaded), *check_rules([(path, loaded)])]
    if problems or loaded != document:
        raise RuntimeError(
            f"{path}: the exported YAML does not load back as the live state "
            f"({problems[0].message if problems else 'values differ'})"
        )


def export_specs(state: LiveState, out_dir: str, *, force: bool) -> ExportResult:
    """Write ``out_dir/<entity>.yaml`` for every entity of ``state`` that could be read.

    Entities that could not be read are returned in ``failed`` and get no file; what spec
    format v1 cannot express (one connection, or a whole entity) is in ``skipped``. Without
    ``force`` no file is written when any target exists.
    """
    texts: dict[str, str] = {}
    failed: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    for entity, read in state.entities.items():
        if read.connections is None or not read.ok:
            failed.append((entity, f"{read.error or 'could not be read'}; no spec written"))
            continue
        left_out: list[str] = []
        try:
            text, document = _render(
                entity,
                read.connections,
                site=state.site,
                read_at=state.read_at,
                version=__version__,
                skipped=left_out,
            )
        except UnexportableState as exc:
            skipped.append((entity, f"{exc}; no spec written"))
            continue
        skipped += [(entity, f"{message}; not written (named in the file)") for message in left_out]
        path = os.path.join(out_dir, f"{entity}.yaml")
        _verify(path, text, document)
        texts[path] = text
    schema = os.path.join(out_dir, SCHEMA_FILE)
    files = dict(texts)
    if texts and not _holds(schema, schema_text(SPEC_SCHEMA)):
        files[schema] = schema_text(SPEC_SCHEMA)
    if files:
        _prepare(out_dir, list(files), force=force)
    for path, text in files.items():
        write_atomic(path, text, overwrite=force)
    return ExportResult(
        written=tuple(texts),
        failed=tuple(failed),
        schema=schema if schema in files else None,
        skipped=tuple(skipped),
    )


def _holds(path: str, text: str) -> bool:
    """Whether ``path`` is a regular file that holds exactly ``text`` (then it is kept)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return os.path.isfile(path) and handle.read(len(text) + 1) == text
    except (OSError, UnicodeDecodeError):
        return False


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


def field_entry(raw: Any, where: str) -> Entry:
    """A field as the API lists it, checked and ready to write (``adopt`` inserts these);
    raises :class:`UnexportableState` when spec format v1 cannot hold it."""
    return _field(raw, where)


def connection_entry(raw: Any, where: str) -> Entry:
    """A connection as the API lists it, checked and ready to write, its fields included."""
    return _connection(raw, where)
