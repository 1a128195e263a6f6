"""Frozen values that cross module boundaries: specs, live state, drift items, reports."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Policy = Literal["fail", "warn", "ignore", "delete"]
Kind = Literal["missing", "unexpected", "changed"]
Severity = Literal["error", "warning", "ignored"]
Status = Literal["in_sync", "drift", "error"]
#: A report's verdict: an entity's status, or ``invalid`` when the spec files are invalid.
ReportStatus = Literal["in_sync", "drift", "error", "invalid"]
#: Where a drift item of a three-way check (``check --base REV``) comes from: see base/.
Origin = Literal["introduced", "existing", "conflict", "resolved"]
#: Which items fail a check: every failing item, or (with a base) only what the change brings.
FailOn = Literal["introduced", "all"]
#: The origins that fail a check under ``--fail-on introduced``.
NEW_ORIGINS: tuple[Origin, ...] = ("introduced", "conflict")

#: Attributes that Datadog sets; never written in a spec, never compared, shown as attribution.
SERVER_MANAGED = ("created_at", "created_by", "updated_at", "updated_by")
#: What Datadog reports as the author of changes made by no known user.
NIL_UUID = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True, order=True)
class Location:
    """A position in a spec file; line and column are 1-based."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True, kw_only=True)
class Problem:
    """One problem in the spec files, at a precise place."""

    location: Location
    message: str
    path: str = ""  # e.g. "entities.users.connections[0].fields[2]"; "" for the document


@dataclass(frozen=True, kw_only=True)
class FieldSpec:
    """A declared field. ``attributes`` holds the managed attributes only, as written."""

    id: str
    attributes: Mapping[str, Any]
    location: Location
    attribute_locations: Mapping[str, Location]
    #: the id before a rename (plan/apply rename the live field instead of replacing it)
    previous_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ConnectionSpec:
    """A declared connection: managed attributes (``type``, ``join``, maybe ``metadata``)."""

    id: str
    attributes: Mapping[str, Any]
    fields: tuple[FieldSpec, ...]
    unmanaged_fields: Policy
    location: Location
    #: dotted attribute path ("type", "join.type", "metadata", "metadata.owner") -> where written
    attribute_locations: Mapping[str, Location]


@dataclass(frozen=True, kw_only=True)
class EntitySpec:
    """Everything declared for one entity, merged over all spec files."""

    name: str
    unmanaged_connections: Policy
    unmanaged_fields: Policy
    connections: tuple[ConnectionSpec, ...]
    location: Location


@dataclass(frozen=True, kw_only=True)
class IgnoreRule:
    """Accepted drift. Selectors are ``*``/``?`` globs (``ignores.glob``); ``None`` selects
    anything."""

    entity: str
    connection: str | None
    field: str | None
    attribute: str | None
    reason: str
    expires: dt.date | None
    location: Location


@dataclass(frozen=True, kw_only=True)
class Spec:
    """The desired state, loaded and validated from one or more files."""

    entities: Mapping[str, EntitySpec]
    ignores: tuple[IgnoreRule, ...]
    files: tuple[str, ...]
    #: hidden folders and hidden spec files that the search of a folder skipped
    hidden_skipped: int = 0


@dataclass(frozen=True, kw_only=True)
class EntityRead:
    """The live connections of one entity, or why they could not be read."""

    entity: str
    connections: tuple[Mapping[str, Any], ...] | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.connections is not None and self.error is None


@dataclass(frozen=True, kw_only=True)
class LiveState:
    """The live side of a check: what Datadog returned for each entity that was asked for."""

    site: str
    read_at: str  # RFC 3339, UTC
    entities: Mapping[str, EntityRead]
    snapshot: str | None = None  # the snapshot file it was read from; None: the API


@dataclass(frozen=True, kw_only=True)
class LiveSource:
    """Where a report's live state came from: the API, or a snapshot file, and when it was
    read (for a snapshot: when the snapshot was taken, never the time of the check)."""

    read_at: str  # RFC 3339, UTC
    snapshot: str | None = None

    @property
    def kind(self) -> Literal["api", "snapshot"]:
        return "api" if self.snapshot is None else "snapshot"

    def describe(self) -> str:
        """'live state from the snapshot live.json, read at 2026-11-29T21:40:58Z' (raw text:
        each renderer escapes it), or 'live state read at ...' from the API."""
        if self.snapshot is None:
            return f"live state read at {self.read_at}"
        return f"live state from the snapshot {self.snapshot}, read at {self.read_at}"


@dataclass(frozen=True, kw_only=True)
class Attribution:
    """Who touched a live connection last, as the API reported it."""

    created_at: str | None = None
    created_by: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None

    def describe(self, *, of_field: bool = False) -> str:
        """Human wording, e.g. 'last updated 2026-11-20T10:02:11Z by jane@example.com'.

        The API reports who last changed a connection, never a field: ``of_field`` says
        'connection last updated ...'. The nil UUID is no person: it is shown as unknown.
        """
        if self.updated_at or self.updated_by:
            when, who = self.updated_at, self.updated_by
            verb = "last updated"
        elif self.created_at or self.created_by:
            when, who = self.created_at, self.created_by
            verb = "created"
        else:
            return ""
        text = f"connection {verb}" if of_field else verb
        if when:
            text += f" {when}"
        if who:
            text += " by an unknown user" if who == NIL_UUID else f" by {who}"
        return text


@dataclass(frozen=True, kw_only=True)
class DriftItem:
    """One difference between the spec and the live state."""

    kind: Kind
    severity: Severity
    entity: str
    connection: str
    source: Location | None
    field: str | None = None  # None for an item about the connection itself
    #: path below the connection, e.g. "type", "metadata.owner", "fields[tier].display_name";
    #: None for missing and unexpected items
    attribute: str | None = None
    expected: Any = None  # None: not in the spec
    actual: Any = None  # None: not in Datadog
    attribution: Attribution | None = None
    reason: str | None = None  # set when severity == "ignored"
    #: with a base: introduced, existing or conflict (resolved items: "resolved"); else None
    origin: Origin | None = None
    #: for a conflict: what the base spec declared (``expected`` is the change's value)
    base_expected: Any = None

    def fails(self, fail_on: FailOn) -> bool:
        """Whether this item fails the check: an error, and under ``introduced`` one that
        the change brings (items without an origin always count)."""
        if self.severity != "error" or self.origin == "resolved":
            return False
        return fail_on == "all" or self.origin is None or self.origin in NEW_ORIGINS


def has_failing_drift(items: Iterable[DriftItem], fail_on: FailOn = "all") -> bool:
    """The one rule for "is this drift a failure": any item of severity ``error`` (warnings
    and ignored items never fail a check), and under ``--fail-on introduced`` only those
    that the change brings (:meth:`DriftItem.fails`)."""
    return any(item.fails(fail_on) for item in items)


@dataclass(frozen=True, kw_only=True)
class Notice:
    """A report-level warning that is not drift: a stale or an expired ignore entry."""

    kind: Literal["stale_ignore", "expired_ignore"]
    message: str
    source: Location


@dataclass(frozen=True, kw_only=True)
class EntityError:
    """An entity whose live state could not be read: the check is incomplete."""

    entity: str
    message: str


@dataclass(frozen=True, kw_only=True)
class EntityStatus:
    """Per-entity outcome."""

    name: str
    status: Status
    connections_checked: int


@dataclass(frozen=True, kw_only=True)
class BaseInfo:
    """The base of a three-way check: the git revision given, its commit, the files read."""

    rev: str
    commit: str
    files: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Report:
    """The result of a check: everything a reporter or the exit code needs."""

    items: tuple[DriftItem, ...]
    notices: tuple[Notice, ...]
    errors: tuple[EntityError, ...]
    entities: tuple[EntityStatus, ...]
    site: str
    generated_at: str
    driftcheck_version: str
    #: with a base: drift of the base spec that the change's spec no longer has
    resolved: tuple[DriftItem, ...] = ()
    base: BaseInfo | None = None
    fail_on: FailOn = "all"

    @functools.cached_property
    def failing(self) -> tuple[DriftItem, ...]:
        """The items that fail the check (see :meth:`DriftItem.fails`). Worked out once: a
        report never changes (every renderer asks, some many times, on thousands of items)."""
        return tuple(item for item in self.items if item.fails(self.fail_on))

    #: the spec files' problems when they are invalid (status ``invalid``; nothing was read)
    problems: tuple[Problem, ...] = ()
    #: where the live state came from; None when nothing was read
    live: LiveSource | None = None

    @functools.cached_property
    def status(self) -> ReportStatus:
        if self.problems:
            return "invalid"
        if self.errors:
            return "error"
        if self.failing:
            return "drift"
        return "in_sync"
