"""The request bodies of the writes, exactly as Datadog's OpenAPI describes them
(``CreateConnectionRequest``, ``UpdateConnectionRequest``): optional keys are left out,
never sent as null."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from driftcheck.model import ConnectionSpec, FieldSpec
from driftcheck.plan.keep import CONNECTION, Kept, overlay

DATA_TYPE = "connection_id"
_FIELD_KEYS = ("source_name", "type", "display_name", "description", "groups")
_UPDATABLE = ("display_name", "description", "groups")


def field_item(field: FieldSpec, kept: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A field as ``fields`` / ``fields_to_add`` items carry it: id, source_name, type, and
    the optional attributes the spec manages (those in ``kept``: Datadog's value)."""
    values = overlay(field.attributes, kept or {})
    item: dict[str, Any] = {"id": field.id}
    for key in _FIELD_KEYS:
        if key in values:
            value = values[key]
            item[key] = list(value) if key == "groups" else value
    return item


def live_field_item(live: Mapping[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """A live field as a ``fields`` item that recreates it as Datadog has it, or None and
    why it cannot be (a create needs a string ``source_name`` and ``type``)."""
    missing = [k for k in ("source_name", "type") if not isinstance(live.get(k), str)]
    if missing:
        return None, f"Datadog gave no {' or '.join(missing)} for it"
    item: dict[str, Any] = {"id": live.get("id")}
    for key in _FIELD_KEYS:
        value = live.get(key)
        if key == "groups" and isinstance(value, list):
            item[key] = [str(g) for g in value]
        elif isinstance(value, str):
            item[key] = value
    return item, ""


def create_body(
    conn: ConnectionSpec,
    kept: Kept | None = None,
    carried: Sequence[Mapping[str, Any]] = (),
    skip: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The body that creates ``conn`` with every declared field but those in ``skip`` (and
    the ``carried`` live fields the spec does not declare); attributes in ``kept`` (drift
    left alone) carry Datadog's value instead of the spec's."""
    kept = kept or {}
    values = overlay(conn.attributes, kept.get(CONNECTION, {}))
    join = values["join"]
    attributes: dict[str, Any] = {
        "type": values["type"],
        "join_attribute": join["attribute"],
        "join_type": join["type"],
        "fields": [
            *(field_item(f, kept.get(f.id)) for f in conn.fields if f.id not in skip),
            *(dict(item) for item in carried),
        ],
    }
    if "metadata" in values:
        attributes["metadata"] = dict(values["metadata"])
    return {"data": {"type": DATA_TYPE, "id": conn.id, "attributes": attributes}}


def field_update(
    field: FieldSpec, attributes: Sequence[str], *, previous_id: str | None = None
) -> dict[str, Any]:
    """A ``fields_to_update`` item setting ``attributes`` of ``field`` to the spec's values;
    with ``previous_id``, the live field of that id is renamed to ``field.id`` as well."""
    item: dict[str, Any] = {"field_id": previous_id or field.id}
    if previous_id is not None:
        item["updated_field_id"] = field.id
    for key in _UPDATABLE:
        if key in attributes:
            value = field.attributes[key]
            item[f"updated_{key}"] = list(value) if key == "groups" else value
    return item


def update_body(
    conn_id: str,
    *,
    add: Sequence[Mapping[str, Any]] = (),
    delete: Sequence[str] = (),
    update: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """An update of ``conn_id`` carrying only the lists that are not empty."""
    attributes: dict[str, Any] = {}
    if add:
        attributes["fields_to_add"] = [dict(a) for a in add]
    if delete:
        attributes["fields_to_delete"] = list(delete)
    if update:
        attributes["fields_to_update"] = [dict(u) for u in update]
    return {"data": {"type": DATA_TYPE, "id": conn_id, "attributes": attributes}}


def is_updatable(attribute: str) -> bool:
    """Whether the update request can change this field attribute (else: replacement)."""
    return attribute in _UPDATABLE
