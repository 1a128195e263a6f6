"""Drift items -> operations: what to send to Datadog so that it equals the spec.

Only failing drift is planned (``error`` severity): ignored and warned items stay as they are.
The API cannot change a connection's ``type``, ``join`` or ``metadata`` nor a field's
``source_name`` or ``type``, so those become replacements (destructive). A live item that the
spec does not declare is deleted only under the ``delete`` policy. Drift that no operation fixes
is returned as a note saying why, so that a plan never hides what it leaves undone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from driftcheck.live.writes import WriteRequest
from driftcheck.model import ConnectionSpec, DriftItem, EntitySpec, LiveState, Location, Spec
from driftcheck.plan import bodies, keep, recreate
from driftcheck.plan.operation import Change, Expected, Operation, fingerprint
from driftcheck.plan.recreate import field_additions


def plan_operations(
    spec: Spec, live: LiveState, items: Iterable[DriftItem], left: Iterable[DriftItem] = ()
) -> tuple[tuple[Operation, ...], tuple[str, ...], int]:
    """The operations for the failing ``items`` (one per connection, sorted), notes on the
    drift they leave alone, and how many failing items no operation covers. ``left``:
    failing drift that ``--base`` leaves alone (a recreate keeps it as Datadog has it)."""
    items = list(items)
    grouped: dict[tuple[str, str], list[DriftItem]] = defaultdict(list)
    accepted: dict[tuple[str, str], list[DriftItem]] = defaultdict(list)
    for item in items:
        if item.severity in ("error", "ignored"):
            (grouped if item.severity == "error" else accepted)[
                (item.entity, item.connection)
            ].append(item)
    existing: dict[tuple[str, str], list[DriftItem]] = defaultdict(list)
    for item in left:
        existing[(item.entity, item.connection)].append(item)
    operations: list[Operation] = []
    notes: list[str] = []
    for (entity_name, conn_id), found in sorted(grouped.items()):
        entity = spec.entities[entity_name]
        conn = next((c for c in entity.connections if c.id == conn_id), None)
        read = live.entities[entity_name]
        current = next((c for c in read.connections or () if c.get("id") == conn_id), None)
        kept = keep.keeps(
            accepted.get((entity_name, conn_id), ()), existing.get((entity_name, conn_id), ())
        )
        operation = _operation(entity, conn, current, found, notes, kept=kept)
        if operation is not None:
            operations.append(operation)
    notes += [  # warned live items that the spec does not declare are left alone too
        not_planned(i) for i in items if i.severity == "warning" and i.kind == "unexpected"
    ]
    return tuple(operations), tuple(notes), _uncovered(items, operations)


def _uncovered(items: Iterable[DriftItem], operations: Iterable[Operation]) -> int:
    """The failing items that no operation fixes: live items the spec does not declare and
    that no delete removes (every other failing item becomes a create, update or replace)."""
    gone: set[tuple[str, str, str | None]] = {
        (op.entity, op.connection, None) for op in operations if not op.expected.exists
    }
    gone |= {(op.entity, op.connection, f) for op in operations for f in op.expected.absent_fields}
    return sum(
        1
        for i in items
        if i.severity == "error"
        and i.kind == "unexpected"
        and (i.entity, i.connection, i.field) not in gone
        and (i.entity, i.connection, None) not in gone
    )


def not_planned(item: DriftItem) -> str:
    """The note on a live item that the spec does not declare, left alone on apply."""
    where = f"{item.entity}/{item.connection}"
    if item.field is None:
        return (
            f"{where}: exists in Datadog but not in the spec; declare it, or set "
            f"unmanaged_connections: delete on entity {item.entity} to delete it on apply"
        )
    return (
        f"{where}: field {item.field} exists in Datadog but not in the "
        f"spec; declare it, or set unmanaged_fields: delete to delete it on apply"
    )


def _operation(
    entity: EntitySpec,
    conn: ConnectionSpec | None,
    current: Mapping[str, Any] | None,
    items: Sequence[DriftItem],
    notes: list[str],
    *,
    kept: keep.Keeps,
) -> Operation | None:
    if conn is None:
        if entity.unmanaged_connections != "delete":
            notes.append(not_planned(items[0]))
            return None
        return _delete(entity.name, items[0].connection, current, items[0].source)
    if current is None:
        return recreate.create(entity.name, conn)
    changed = [i for i in items if i.field is None and i.kind == "changed"]
    if changed:
        fields = [i for i in items if i.field is not None]
        if conn.unmanaged_fields != "delete":  # carried into the recreate, still drift
            notes += [not_planned(i) for i in fields if i.kind == "unexpected"]
        return recreate.replace(entity.name, conn, current, (changed, fields), kept)
    return _update(entity.name, conn, current, items, notes, kept=kept)


def _delete(
    entity: str, conn_id: str, current: Mapping[str, Any] | None, source: Location | None
) -> Operation:
    fields = len((current or {}).get("fields") or ())
    return Operation(
        action="delete",
        entity=entity,
        connection=conn_id,
        changes=(
            Change(
                kind="delete_connection",
                reason=f"not declared, unmanaged_connections: delete ({fields} field(s))",
                source=source,
            ),
        ),
        requests=(WriteRequest(method="DELETE", entity=entity, connection=conn_id, body=None),),
        fingerprint=fingerprint(current),
        expected=Expected(exists=False, attributes={}, fields={}),
    )


@dataclass
class _FieldWork:
    """The field changes of one connection, sorted out of its drift items."""

    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    updates: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    #: new id -> (previous id, updatable attributes that differ: (Datadog, spec))
    renamed: dict[str, tuple[str, dict[str, tuple[Any, Any]]]] = field(default_factory=dict)
    #: field id -> the spec line of its first drift item (where the plan annotates it)
    sources: dict[str, Location | None] = field(default_factory=dict)

    @property
    def replaced(self) -> list[str]:
        return sorted(
            f for f, attrs in self.updates.items() if not all(map(bodies.is_updatable, attrs))
        )


def _renames(
    conn: ConnectionSpec, current: Mapping[str, Any], notes: list[str]
) -> dict[str, tuple[str, dict[str, tuple[Any, Any]]]]:
    """Fields declared with a ``previous_id`` that Datadog still has under that id only."""
    live = {f.get("id"): f for f in current.get("fields") or ()}
    declared = {f.id for f in conn.fields}
    found: dict[str, tuple[str, dict[str, tuple[Any, Any]]]] = {}
    for spec_field in conn.fields:
        old = spec_field.previous_id
        if old is None or spec_field.id in live or old not in live or old in declared:
            continue
        before = live[old]
        differ = {
            k: (before.get(k), v)
            for k, v in spec_field.attributes.items()
            if _differs(k, before.get(k), v)
        }
        if not all(map(bodies.is_updatable, differ)):
            notes.append(
                f"{conn.id}: field {spec_field.id} cannot be renamed from {old}: its "
                "source_name or type changed too, which a rename cannot do"
            )
            continue
        found[spec_field.id] = (old, differ)
    return found


def _differs(key: str, live: Any, wanted: Any) -> bool:
    if live is None:
        live = [] if key == "groups" else ""
    if key == "groups" and isinstance(live, list):
        return set(map(str, live)) != set(wanted)
    return bool(live != wanted)


def _field_work(
    entity: str,
    conn: ConnectionSpec,
    current: Mapping[str, Any],
    items: Sequence[DriftItem],
    notes: list[str],
) -> _FieldWork:
    work = _FieldWork(renamed=_renames(conn, current, notes))
    old_ids = {old for old, _ in work.renamed.values()}
    for item in items:
        if item.field is None or item.field in work.renamed or item.field in old_ids:
            continue  # a rename covers both the missing new id and the unexpected old one
        work.sources.setdefault(item.field, item.source)
        if item.kind == "missing":
            work.added.append(item.field)
        elif item.kind == "unexpected" and conn.unmanaged_fields == "delete":
            work.deleted.append(item.field)
        elif item.kind == "unexpected":
            notes.append(not_planned(item))
        else:
            attribute = (item.attribute or "").removeprefix(f"fields[{item.field}].")
            work.updates.setdefault(item.field, {})[attribute] = (item.actual, item.expected)
    return work


def _replaced_reason(field_id: str, kept: keep.Keeps) -> str:
    reason = "the API cannot update a field's source_name or type"
    also = kept.describe([field_id])
    return f"{reason}; {also}" if also else reason


def _field_changes(conn: ConnectionSpec, work: _FieldWork, kept: keep.Keeps) -> list[Change]:
    replaced = work.replaced
    specs = {f.id: f for f in conn.fields}
    changes = [c for c in field_additions(conn) if c.field in work.added]
    changes += [
        Change(
            kind="replace_field" if f in replaced else "update_field",
            field=f,
            attributes=tuple((a, old, new) for a, (old, new) in sorted(attrs.items())),
            reason=_replaced_reason(f, kept) if f in replaced else "",
            source=work.sources.get(f),
        )
        for f, attrs in sorted(work.updates.items())
    ]
    changes += [
        Change(
            kind="rename_field",
            field=new,
            attributes=(("id", old, new), *((a, o, n) for a, (o, n) in sorted(differ.items()))),
            source=specs[new].location,
        )
        for new, (old, differ) in sorted(work.renamed.items())
    ]
    return changes + [
        Change(kind="delete_field", field=f, source=work.sources.get(f))
        for f in sorted(work.deleted)
    ]


def _update_requests(
    entity: str, conn: ConnectionSpec, work: _FieldWork, kept: keep.Keeps
) -> tuple[WriteRequest, ...]:
    specs = {f.id: f for f in conn.fields}
    replaced = work.replaced
    add = [bodies.field_item(specs[f]) for f in sorted(work.added)]
    add += [bodies.field_item(specs[f], kept.get(f)) for f in replaced]
    add.sort(key=lambda item: str(item["id"]))
    update = [
        bodies.field_update(specs[f], sorted(attrs))
        for f, attrs in sorted(work.updates.items())
        if f not in replaced
    ]
    update += [
        bodies.field_update(specs[new], sorted(differ), previous_id=old)
        for new, (old, differ) in sorted(work.renamed.items())
    ]
    deleted = sorted(work.deleted)
    if not replaced:
        return (
            _put(
                entity, conn.id, bodies.update_body(conn.id, add=add, delete=deleted, update=update)
            ),
        )
    # One request may not name a field twice: delete first, then add it back.
    first = bodies.update_body(conn.id, delete=sorted([*deleted, *replaced]))
    second = bodies.update_body(conn.id, add=add, update=update)
    return (_put(entity, conn.id, first), _put(entity, conn.id, second))


def _update(
    entity: str,
    conn: ConnectionSpec,
    current: Mapping[str, Any],
    items: Sequence[DriftItem],
    notes: list[str],
    *,
    kept: keep.Keeps,
) -> Operation | None:
    work = _field_work(entity, conn, current, items, notes)
    changes = _field_changes(conn, work, kept)
    if not changes:
        return None
    specs = {f.id: f for f in conn.fields}
    wanted: dict[str, dict[str, Any]] = {
        f: dict(specs[f].attributes) for f in [*work.added, *work.renamed]
    }
    wanted.update({f: keep.overlay(specs[f].attributes, kept.get(f)) for f in work.replaced})
    for f, attrs in work.updates.items():
        wanted.setdefault(f, {k: specs[f].attributes.get(k) for k in attrs})
    return Operation(
        action="update",
        entity=entity,
        connection=conn.id,
        changes=tuple(changes),
        requests=_update_requests(entity, conn, work, kept),
        fingerprint=fingerprint(current),
        expected=Expected(
            exists=True,
            attributes={},
            fields=wanted,
            absent_fields=tuple(sorted([*work.deleted, *(o for o, _ in work.renamed.values())])),
        ),
    )


def _put(entity: str, conn_id: str, body: Mapping[str, Any]) -> WriteRequest:
    return WriteRequest(method="PUT", entity=entity, connection=conn_id, body=body)
