"""Created and recreated connections: their operations, and the field lines of the plan.

A replacement (delete, then create) never drops live state silently: a live field that the
spec does not declare is recreated as Datadog has it, unless ``unmanaged_fields: delete``
asks for its deletion (then the plan shows a field delete, which needs --allow-delete, as
an update's would); drift left alone (ignored, or existing before a ``--base`` change)
keeps Datadog's value; a field that cannot be recreated is a delete the plan names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from driftcheck.live.writes import WriteRequest
from driftcheck.model import ConnectionSpec, DriftItem, Location
from driftcheck.plan import bodies, keep
from driftcheck.plan.operation import Change, Expected, Fingerprint, Operation, fingerprint


def field_additions(conn: ConnectionSpec) -> tuple[Change, ...]:
    """The declared fields a created connection carries, shown as additions."""
    return tuple(
        Change(
            kind="add_field",
            field=f.id,
            reason=f"{f.attributes.get('type')}, from source {f.attributes.get('source_name')}",
            source=f.location,
        )
        for f in conn.fields
    )


def recreated_fields(conn: ConnectionSpec, items: Sequence[DriftItem]) -> list[Change]:
    """What the recreate changes in each declared field, shown as an update shows it:
    fields Datadog lacks are added; unchanged fields get no line."""
    differ: dict[str, list[tuple[str, Any, Any]]] = defaultdict(list)
    sources: dict[str, Location | None] = {}
    for i in items:
        if i.kind == "changed" and i.field is not None:
            name = (i.attribute or "").removeprefix(f"fields[{i.field}].")
            differ[i.field].append((name, i.actual, i.expected))
            sources.setdefault(i.field, i.source)
    missing = {i.field for i in items if i.kind == "missing"}
    changes = [c for c in field_additions(conn) if c.field in missing]
    return changes + [
        Change(
            kind="update_field",
            field=f,
            attributes=tuple(sorted(differ[f])),
            source=sources[f],
        )
        for f in sorted(differ)
    ]


def create(entity: str, conn: ConnectionSpec) -> Operation:
    return Operation(
        action="create",
        entity=entity,
        connection=conn.id,
        changes=(Change(kind="create_connection", source=conn.location), *field_additions(conn)),
        requests=(
            WriteRequest(
                method="POST", entity=entity, connection=conn.id, body=bodies.create_body(conn)
            ),
        ),
        fingerprint=Fingerprint(exists=False),
        expected=expected_all(conn),
    )


def expected_all(
    conn: ConnectionSpec,
    keeps: keep.Keeps | None = None,
    carried: Sequence[Mapping[str, Any]] = (),
) -> Expected:
    """A created connection as the verification expects it: every declared field (but
    those a recreate leaves absent), the carried live fields, the kept values."""
    keeps = keeps or keep.Keeps()
    kept = keeps.values()
    fields = {
        f.id: keep.overlay(f.attributes, kept.get(f.id, {}))
        for f in conn.fields
        if f.id not in keeps.absent
    }
    fields.update({str(c["id"]): {k: v for k, v in c.items() if k != "id"} for c in carried})
    return Expected(
        exists=True,
        attributes=keep.overlay(conn.attributes, kept.get(keep.CONNECTION, {})),
        fields=fields,
    )


def _undeclared(
    conn: ConnectionSpec, current: Mapping[str, Any], items: Sequence[DriftItem]
) -> tuple[list[dict[str, Any]], list[Change]]:
    """The live fields the spec does not declare: carried into the recreate, or deleted
    (the policy says so, or the create cannot carry it) as a change needing its flag."""
    declared = {f.id for f in conn.fields}
    doomed = {
        i.field: i.source
        for i in items
        if i.kind == "unexpected" and i.severity == "error" and conn.unmanaged_fields == "delete"
    }
    carried: list[dict[str, Any]] = []
    deleted: list[Change] = []
    for live in current.get("fields") or ():
        field_id = live.get("id")
        if field_id in declared:
            continue
        item, why = bodies.live_field_item(live)
        if field_id in doomed:
            why = "not declared, unmanaged_fields: delete: the recreate leaves it out"
        elif item is None:
            why = f"the recreate cannot carry it: {why}; declare it to keep it"
        else:
            carried.append(item)
            continue
        deleted.append(
            Change(
                kind="delete_field",
                field=str(field_id),
                reason=why,
                source=doomed.get(field_id, conn.location),
            )
        )
    return carried, sorted(deleted, key=lambda c: c.field or "")


def replace(
    entity: str,
    conn: ConnectionSpec,
    current: Mapping[str, Any],
    drift: tuple[Sequence[DriftItem], Sequence[DriftItem]],
    keeps: keep.Keeps,
) -> Operation:
    """``drift``: the connection's own changed items, and its fields' items."""
    changed, fields = drift
    carried, deleted = _undeclared(conn, current, fields)
    reason = "the API cannot update a connection's type, join or metadata"
    if carried:
        names = ", ".join(str(c["id"]) for c in carried)
        reason += f"; live fields not in the spec are recreated as Datadog has them: {names}"
    if keeps.describe():
        reason += f"; {keeps.describe()}"
    change = Change(
        kind="replace_connection",
        attributes=tuple((i.attribute or "", i.actual, i.expected) for i in changed),
        reason=reason,
        source=changed[0].source if changed else conn.location,
    )
    expected = expected_all(conn, keeps, carried)
    body = bodies.create_body(conn, keeps.values(), carried, keeps.absent)
    return Operation(
        action="replace",
        entity=entity,
        connection=conn.id,
        changes=(change, *recreated_fields(conn, fields), *deleted),
        requests=(
            WriteRequest(method="DELETE", entity=entity, connection=conn.id, body=None),
            WriteRequest(method="POST", entity=entity, connection=conn.id, body=body),
        ),
        fingerprint=fingerprint(current),
        expected=Expected(
            exists=True,
            attributes=expected.attributes,
            fields=expected.fields,
            absent_fields=tuple(c.field or "" for c in deleted),
        ),
    )
