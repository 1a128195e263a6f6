"""Whether a write took effect, judged from the entity's live connections: after an ambiguous
failure (the writer's re-read) and in the verification after apply."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from driftcheck.diff import diff_entity
from driftcheck.live.writes import TookEffect, WriteRequest
from driftcheck.model import ConnectionSpec, EntitySpec, FieldSpec, Location
from driftcheck.plan.operation import Expected, Operation

_NOWHERE = Location("", 0, 0)


def find(connections: Iterable[Mapping[str, Any]], conn_id: str) -> Mapping[str, Any] | None:
    return next((c for c in connections if c.get("id") == conn_id), None)


def took_effect(request: WriteRequest) -> TookEffect:
    """The test of ``request``'s effect on the live connections of its entity."""
    body = request.body or {}
    attributes = body.get("data", {}).get("attributes", {})

    def check(connections: tuple[Mapping[str, Any], ...]) -> bool:
        found = find(connections, request.connection)
        if request.method == "DELETE":
            return found is None
        if found is None:
            return False
        ids = {f.get("id") for f in found.get("fields") or ()}
        if request.method == "POST":
            return all(f["id"] in ids for f in attributes.get("fields", ()))
        added = all(f["id"] in ids for f in attributes.get("fields_to_add", ()))
        deleted = not ids & set(attributes.get("fields_to_delete", ()))
        return (
            added
            and deleted
            and all(_updated(found, u) for u in attributes.get("fields_to_update", ()))
        )

    return check


def _updated(connection: Mapping[str, Any], update: Mapping[str, Any]) -> bool:
    field_id = update.get("updated_field_id", update["field_id"])
    field = find(connection.get("fields") or (), field_id)
    if field is None:
        return False
    for key in ("display_name", "description"):
        if f"updated_{key}" in update and (field.get(key) or "") != update[f"updated_{key}"]:
            return False
    groups = update.get("updated_groups")
    return groups is None or set(field.get("groups") or ()) == set(groups)


def remaining_differences(
    operation: Operation, connections: tuple[Mapping[str, Any], ...]
) -> list[str]:
    """What of ``operation``'s planned change is not in the live state (empty: all of it)."""
    found = find(connections, operation.connection)
    expected = operation.expected
    where = operation.key
    if not expected.exists:
        return [f"{where}: still exists in Datadog"] if found is not None else []
    if found is None:
        return [f"{where}: does not exist in Datadog"]
    problems = [
        f"{where}: {item.attribute or 'field ' + str(item.field)} is {item.kind}"
        for item in diff_entity(_entity(operation, expected), [found])
    ]
    live_ids = {f.get("id") for f in found.get("fields") or ()}
    problems += [
        f"{where}: field {f} still exists" for f in expected.absent_fields if f in live_ids
    ]
    return problems


def _entity(operation: Operation, expected: Expected) -> EntitySpec:
    """The expected state as a one-connection spec, so the diff's rules of equality apply."""
    conn = ConnectionSpec(
        id=operation.connection,
        attributes=dict(expected.attributes),
        fields=tuple(
            FieldSpec(id=k, attributes=dict(v), location=_NOWHERE, attribute_locations={})
            for k, v in expected.fields.items()
        ),
        unmanaged_fields="ignore",
        location=_NOWHERE,
        attribute_locations={},
    )
    return EntitySpec(
        name=operation.entity,
        unmanaged_connections="ignore",
        unmanaged_fields="ignore",
        connections=(conn,),
        location=_NOWHERE,
    )
