"""Live-state snapshots: the live connections saved as JSON, to check or export offline.

A snapshot holds a format marker and version, the site, the time of the read, the
driftcheck version, and per entity its connections exactly as Datadog returned them.
Reading one validates the connections with the same rules as an API response.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from driftcheck import __version__
from driftcheck.atomic import NotRegularFile, read_regular, write_atomic
from driftcheck.errors import LiveReadError
from driftcheck.escape import json_text
from driftcheck.live.payload import PayloadError, parse_json, validate_connections
from driftcheck.model import EntityRead, LiveState

FORMAT = "driftcheck-live-snapshot"
FORMAT_VERSION = 1
MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024  # ~1.3 million fields; read whole, ~5x in memory


def render_snapshot(state: LiveState) -> str:
    """The snapshot text of ``state``, whose entities must all have been read."""
    failed = sorted(read.entity for read in state.entities.values() if not read.ok)
    if failed:
        raise LiveReadError(
            f"no snapshot written: {'entity' if len(failed) == 1 else 'entities'} "
            f"{', '.join(failed)} could not be read, and a snapshot must hold the complete "
            "live state"
        )
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "site": state.site,
        "read_at": state.read_at,
        "driftcheck_version": __version__,
        "entities": {
            name: {"connections": list(read.connections or ())}
            for name, read in state.entities.items()
        },
    }
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False, default=_plain)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (legal in the API's JSON, not encodable as UTF-8): the whole file
        # is written with \u escapes instead, which read back as exactly the same strings.
        text = json.dumps(document, indent=2, ensure_ascii=True, allow_nan=False, default=_plain)
    return json_text(text) + "\n"  # -o /dev/stdout prints it in a job log: no ##[command]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} cannot be written to a snapshot")


def write_snapshot(state: LiveState, path: str) -> None:
    """Write ``state`` to ``path`` atomically: the previous file stays whole on any failure.

    Raises :class:`LiveReadError` if an entity could not be read (nothing is written), and
    :class:`~driftcheck.errors.OutputError` if the file cannot be written.
    """
    write_atomic(path, render_snapshot(state))


def read_snapshot(path: str, entities: Sequence[str]) -> LiveState:
    """The live state of ``entities`` as saved in the snapshot at ``path``.

    An entity the file does not hold is unreadable (an :class:`EntityRead` with an error),
    exactly like an API failure. A missing, unreadable or invalid file raises
    :class:`LiveReadError` naming the file and what is wrong.
    """
    return open_snapshot(path).state(entities)


@dataclass(frozen=True, kw_only=True)
class SavedSnapshot:
    """A snapshot file read and checked whole (see :func:`open_snapshot`)."""

    path: str
    site: str
    read_at: str
    entities: Mapping[str, tuple[Mapping[str, Any], ...]]

    def state(self, entities: Sequence[str]) -> LiveState:
        """The live state of ``entities``, as :func:`read_snapshot` says."""
        reads: dict[str, EntityRead] = {}
        for entity in dict.fromkeys(entities):
            if entity in self.entities:
                reads[entity] = EntityRead(entity=entity, connections=self.entities[entity])
            else:
                held = ", ".join(sorted(self.entities)) or "no entities"
                reads[entity] = EntityRead(
                    entity=entity,
                    connections=None,
                    error=(
                        f"the snapshot {self.path} does not hold entity {entity!r} (it holds: "
                        f"{held}); write a new one with 'driftcheck snapshot --entity {entity} "
                        "-o FILE'"
                    ),
                )
        return LiveState(site=self.site, read_at=self.read_at, entities=reads, snapshot=self.path)

    def refuse_older_than(self, seconds: int, *, now: dt.datetime, option: str) -> None:
        """Raise :class:`LiveReadError` when the snapshot was taken more than ``seconds``
        before ``now``; ``option`` is the limit as the user wrote it (``24h``)."""
        taken = dt.datetime.fromisoformat(self.read_at)
        if taken.tzinfo is None:
            taken = taken.replace(tzinfo=dt.UTC)
        age = int((now - taken).total_seconds())
        if age > seconds:
            raise LiveReadError(
                f"{self.path}: the snapshot was read at {self.read_at}, {_age(age)} ago, "
                f"longer ago than --max-snapshot-age {option}: take a new one with "
                f"'driftcheck snapshot -o {self.path}', or allow an older one"
            )


def _age(seconds: int) -> str:
    """``2d3h``, ``11h19m``, ``5m``, ``40s``: the two largest units."""
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size or (unit == "s" and not parts):
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts[:2])


def open_snapshot(path: str) -> SavedSnapshot:
    """The snapshot at ``path``, its size, format and every connection checked: a command
    reads it before it loads any spec, so a file it cannot use fails at once."""
    document = _load(path)
    return SavedSnapshot(
        path=path, site=document["site"], read_at=document["read_at"], entities=document["entities"]
    )


def _load(path: str) -> dict[str, Any]:
    try:
        data = read_regular(path, MAX_SNAPSHOT_BYTES)
    except FileNotFoundError as exc:
        raise LiveReadError(
            f"{path}: snapshot file not found; write one with 'driftcheck snapshot -o {path}'"
        ) from exc
    except NotRegularFile as exc:
        raise LiveReadError(
            f"{path}: not a regular file (a device, pipe or socket): a snapshot is a JSON file "
            "written by 'driftcheck snapshot -o FILE'"
        ) from exc
    except OSError as exc:
        raise LiveReadError(f"{path}: cannot read the snapshot: {exc.strerror or exc}") from exc
    if data is None:
        raise _invalid(path, f"larger than {MAX_SNAPSHOT_BYTES} bytes")
    try:
        document = parse_json(data, "the file")
    except PayloadError as exc:
        raise _invalid(path, str(exc)) from exc
    return _checked(path, document)


def _checked(path: str, document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _invalid(path, f'it has no "format": "{FORMAT}" marker')
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise _invalid(
            path,
            f"format_version {version!r} is not supported by driftcheck "
            f"{__version__} (it reads version {FORMAT_VERSION}); write the snapshot "
            "again with this version, or upgrade driftcheck",
        )
    for key in ("site", "read_at"):
        if not isinstance(document.get(key), str) or not document[key]:
            raise _invalid(path, f"{key!r} must be a non-empty string")
    try:
        dt.datetime.fromisoformat(document["read_at"])
    except ValueError as exc:
        raise _invalid(
            path, "'read_at' must be an RFC 3339 time, e.g. 2026-11-29T21:40:58Z"
        ) from exc
    saved = document.get("entities")
    if not isinstance(saved, dict):
        raise _invalid(path, "'entities' must be an object of entity name -> connections")
    document["entities"] = {name: _connections(path, name, body) for name, body in saved.items()}
    return document


def _connections(path: str, name: str, body: Any) -> tuple[Mapping[str, Any], ...]:
    where = f"entities.{name}.connections"
    if not isinstance(body, dict) or "connections" not in body:
        raise _invalid(path, f"entities.{name} must be an object with a 'connections' list")
    try:
        return validate_connections(body["connections"], where)
    except PayloadError as exc:
        raise _invalid(path, str(exc)) from exc


def _invalid(path: str, problem: str) -> LiveReadError:
    return LiveReadError(f"{path}: not a valid driftcheck live snapshot: {problem}")
