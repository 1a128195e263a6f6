"""The values of a plan: operations on connections, their changes, and the fingerprint of the
live value each one was planned against."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from driftcheck.live.writes import WriteRequest
from driftcheck.model import Location

Action = Literal["create", "update", "delete", "replace"]
ChangeKind = Literal[
    "create_connection",
    "delete_connection",
    "replace_connection",
    "add_field",
    "update_field",
    "delete_field",
    "replace_field",
    "rename_field",
]
ALLOW_DELETE = "--allow-delete"
ALLOW_REPLACE = "--allow-replace"
_FLAG: dict[str, str] = {
    "delete_connection": ALLOW_DELETE,
    "delete_field": ALLOW_DELETE,
    "replace_connection": ALLOW_REPLACE,
    "replace_field": ALLOW_REPLACE,
}


@dataclass(frozen=True, kw_only=True)
class Change:
    """One change a person reviews: what happens to the connection or one field, and why.

    ``attributes`` lists (attribute, Datadog's value, the spec's value) that differ;
    ``source`` is the spec line the change comes from (None: no line, e.g. a live item).
    """

    kind: ChangeKind
    field: str | None = None
    attributes: tuple[tuple[str, Any, Any], ...] = ()
    reason: str = ""
    source: Location | None = None

    @property
    def flag(self) -> str | None:
        """The apply flag this change needs (destructive changes only)."""
        return _FLAG.get(self.kind)


@dataclass(frozen=True, kw_only=True)
class Fingerprint:
    """The live value of a connection when the plan was made (``exists`` False: absent)."""

    exists: bool
    sha256: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class Expected:
    """What the connection must look like after the operation (for the verification):
    absent, or these managed attributes and fields, and none of ``absent_fields``."""

    exists: bool
    attributes: Mapping[str, Any]
    fields: Mapping[str, Mapping[str, Any]]
    absent_fields: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Operation:
    """Everything apply does to one connection, as requests sent in order."""

    action: Action
    entity: str
    connection: str
    changes: tuple[Change, ...]
    requests: tuple[WriteRequest, ...]
    fingerprint: Fingerprint
    expected: Expected

    @property
    def flags(self) -> tuple[str, ...]:
        """The apply flags this operation needs, in a stable order."""
        found = {c.flag for c in self.changes if c.flag}
        return tuple(f for f in (ALLOW_DELETE, ALLOW_REPLACE) if f in found)

    @property
    def key(self) -> str:
        return f"{self.entity}/{self.connection}"


@dataclass(frozen=True, kw_only=True)
class Plan:
    """The operations that make Datadog equal to the spec, pinned to the live state read."""

    site: str
    api_url: str
    created_at: str
    driftcheck_version: str
    spec_digest: str
    spec_files: tuple[str, ...]
    base: str | None
    entities: tuple[str, ...]
    operations: tuple[Operation, ...]
    #: drift that no operation fixes, with the reason (policy, --base, ...)
    unplanned: tuple[str, ...] = ()
    #: how many failing drift items no operation covers: ``check`` (with the same --base)
    #: still fails on them after the apply
    failing_unplanned: int = 0

    @property
    def flags(self) -> tuple[str, ...]:
        found = {f for op in self.operations for f in op.flags}
        return tuple(f for f in (ALLOW_DELETE, ALLOW_REPLACE) if f in found)

    def count(self, action: Action) -> int:
        return sum(1 for op in self.operations if op.action == action)


def fingerprint(live: Mapping[str, Any] | None) -> Fingerprint:
    """The fingerprint of a live connection: a digest of its whole value, and who changed it."""
    if live is None:
        return Fingerprint(exists=False)
    text = json.dumps(live, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    updated_at, updated_by = live.get("updated_at"), live.get("updated_by")
    return Fingerprint(
        exists=True,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        updated_at=updated_at if isinstance(updated_at, str) else None,
        updated_by=updated_by if isinstance(updated_by, str) else None,
    )
