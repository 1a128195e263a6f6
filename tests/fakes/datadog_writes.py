"""The write side of the fake Datadog API: create, update and delete a connection.

Request bodies are checked against the OpenAPI schemas of ``CreateConnectionRequest`` and
``UpdateConnectionRequest`` (``../shared/reference/datadog-api.md`` §3.2-3.4): required keys,
``data.type == "connection_id"``, string types, ``metadata`` values that are strings. What
the schemas leave open is decided here as the real server most plausibly does (INF), and
strictly, so that a client that relies on anything looser fails its tests:

- an unknown entity or connection -> 404; creating an id that exists -> 409;
- adding a field that exists, deleting or updating one that does not, renaming onto an
  existing id, or naming one field id twice in one request (e.g. delete and add) -> 400;
- success: create 201, update 200, delete 204, all without a body; every write stamps
  ``updated_at``/``updated_by`` (and ``created_*`` on create) of the connection.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

WRITER = "driftcheck-ci@example.com"
_FIELD_REQUIRED = ("id", "source_name", "type")
_FIELD_OPTIONAL_STR = ("display_name", "description")
_stamps = itertools.count(1)


class Refused(Exception):
    """A request the server answers with an error: ``status`` and Datadog's messages."""

    def __init__(self, status: int, *messages: str) -> None:
        super().__init__(status, messages)
        self.status = status
        self.messages = messages


def stamp() -> str:
    """A fresh, strictly increasing ``updated_at`` (one second per write)."""
    n = next(_stamps)
    return f"2026-12-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"


def _data(body: Any, *, id_required: bool) -> tuple[str | None, Mapping[str, Any]]:
    if not isinstance(body, dict):
        raise Refused(400, "the body must be a JSON object")
    data = body.get("data")
    if not isinstance(data, dict):
        raise Refused(400, "data: required object is missing")
    if data.get("type") != "connection_id":
        raise Refused(400, f"data.type: must be 'connection_id', got {data.get('type')!r}")
    ident = data.get("id")
    if ident is None and id_required:
        raise Refused(400, "data.id: required property is missing")
    if ident is not None and (not isinstance(ident, str) or not ident):
        raise Refused(400, "data.id: must be a non-empty string")
    attributes = data.get("attributes", {})
    if not isinstance(attributes, dict):
        raise Refused(400, "data.attributes: must be an object")
    return ident, attributes


def _string(where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise Refused(400, f"{where}: must be a string")
    return value


def _strings(where: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Refused(400, f"{where}: must be an array of strings")
    return list(value)


def _field(where: str, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise Refused(400, f"{where}: must be an object")
    for key in _FIELD_REQUIRED:
        if key not in item:
            raise Refused(400, f"{where}.{key}: required property is missing")
        _string(f"{where}.{key}", item[key])
    for key in _FIELD_OPTIONAL_STR:
        if key in item:
            _string(f"{where}.{key}", item[key])
    if "groups" in item:
        _strings(f"{where}.groups", item["groups"])
    return dict(item)


def _fields(where: str, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise Refused(400, f"{where}: must be an array")
    fields = [_field(f"{where}[{n}]", item) for n, item in enumerate(value)]
    ids = [f["id"] for f in fields]
    if len(set(ids)) != len(ids):
        raise Refused(400, f"{where}: a field id appears twice")
    return fields


def create(connections: list[dict[str, Any]], body: Any) -> None:
    """Apply a create request to ``connections`` (one entity's list), or raise Refused."""
    ident, attributes = _data(body, id_required=False)
    for key in ("type", "join_attribute", "join_type"):
        if key not in attributes:
            raise Refused(400, f"data.attributes.{key}: required property is missing")
        _string(f"data.attributes.{key}", attributes[key])
    fields = _fields("data.attributes.fields", attributes.get("fields", []))
    metadata = attributes.get("metadata")
    if metadata is not None and (
        not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values())
    ):
        raise Refused(400, "data.attributes.metadata: values must be strings")
    ident = ident or f"conn-{next(_stamps)}"
    if any(c.get("id") == ident for c in connections):
        raise Refused(409, f"connection {ident} already exists")
    when = stamp()
    connection: dict[str, Any] = {
        "id": ident,
        "type": attributes["type"],
        "join": {"attribute": attributes["join_attribute"], "type": attributes["join_type"]},
        "fields": fields,
    }
    if metadata is not None:
        connection["metadata"] = dict(metadata)
    connection.update(created_at=when, created_by=WRITER, updated_at=when, updated_by=WRITER)
    connections.append(connection)


def update(connections: list[dict[str, Any]], body: Any) -> None:
    """Apply an update request (delete, then add, then update fields), or raise Refused."""
    ident, attributes = _data(body, id_required=True)
    connection = next((c for c in connections if c.get("id") == ident), None)
    if connection is None:
        raise Refused(404, f"connection {ident} not found")
    to_add = _fields("data.attributes.fields_to_add", attributes.get("fields_to_add", []))
    to_delete = _strings("data.attributes.fields_to_delete", attributes.get("fields_to_delete", []))
    to_update = _updates(attributes.get("fields_to_update", []))
    named = [f["id"] for f in to_add] + to_delete + [u["field_id"] for u in to_update]
    if len(set(named)) != len(named):
        raise Refused(400, "a field id appears more than once in one update request")
    fields: list[dict[str, Any]] = [dict(f) for f in connection.get("fields") or []]
    existing = {f["id"] for f in fields}
    for field_id in to_delete:
        if field_id not in existing:
            raise Refused(400, f"fields_to_delete: field {field_id} does not exist")
    fields = [f for f in fields if f["id"] not in to_delete]
    for item in to_add:
        if item["id"] in existing:
            raise Refused(400, f"fields_to_add: field {item['id']} already exists")
    fields.extend(to_add)
    for change in to_update:
        _apply_update(fields, change)
    connection["fields"] = fields
    connection.update(updated_at=stamp(), updated_by=WRITER)


def _updates(value: Any) -> list[dict[str, Any]]:
    where = "data.attributes.fields_to_update"
    if not isinstance(value, list):
        raise Refused(400, f"{where}: must be an array")
    out = []
    for n, item in enumerate(value):
        if not isinstance(item, dict) or "field_id" not in item:
            raise Refused(400, f"{where}[{n}].field_id: required property is missing")
        for key in ("field_id", "updated_field_id", "updated_display_name", "updated_description"):
            if key in item:
                _string(f"{where}[{n}].{key}", item[key])
        if "updated_groups" in item:
            _strings(f"{where}[{n}].updated_groups", item["updated_groups"])
        out.append(dict(item))
    return out


def _apply_update(fields: list[dict[str, Any]], change: Mapping[str, Any]) -> None:
    field = next((f for f in fields if f["id"] == change["field_id"]), None)
    if field is None:
        raise Refused(400, f"fields_to_update: field {change['field_id']} does not exist")
    new_id = change.get("updated_field_id")
    if new_id is not None and new_id != field["id"]:
        if any(f["id"] == new_id for f in fields):
            raise Refused(400, f"fields_to_update: field {new_id} already exists")
        field["id"] = new_id
    for key in ("display_name", "description", "groups"):
        if f"updated_{key}" in change:
            field[key] = change[f"updated_{key}"]


def delete(connections: list[dict[str, Any]], ident: str) -> None:
    """Remove connection ``ident``, or raise Refused (404)."""
    for index, connection in enumerate(connections):
        if connection.get("id") == ident:
            del connections[index]
            return
    raise Refused(404, f"connection {ident} not found")
