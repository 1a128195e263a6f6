"""Rules the JSON Schema cannot express: uniqueness across files and consistent policies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from driftcheck.model import Location, Problem
from driftcheck.spec.marked_yaml import MarkedDict, location
from driftcheck.spec.schema import path_text

Place = tuple[Location, str]  # where, schema path


def check_rules(
    documents: Sequence[tuple[str, Any]], invalid: Sequence[tuple[str, Any]] = ()
) -> list[Problem]:
    """Duplicate ids and groups, and conflicting entity policies, over all documents.

    ``invalid``: documents with schema errors. Their parts that have the right shape (a
    connection mapping with a string id, a field mapping with a string id, a list of string
    groups) are checked for duplicates too, so that one run reports every problem of a file;
    their policies are not compared (a misspelt value is already a schema error)."""
    connections: dict[tuple[str, str], list[Place]] = defaultdict(list)
    policies: dict[tuple[str, str], list[tuple[Place, str]]] = defaultdict(list)
    problems: list[Problem] = []
    every = [(name, doc, True) for name, doc in documents]
    every += [(name, doc, False) for name, doc in invalid]
    for name, document, valid in every:
        for entity, body in _mapping(document.get("entities")).items():
            if not isinstance(body, MarkedDict):
                continue
            base = ["entities", entity]
            for policy in ("unmanaged_connections", "unmanaged_fields"):
                if valid and policy in body:
                    place = (location(name, body.value_marks[policy]), path_text([*base, policy]))
                    policies[(entity, policy)].append((place, body[policy]))
            for i, conn in enumerate(_sequence(body.get("connections"))):
                if not _has_id(conn):
                    continue
                path = [*base, "connections", i]
                connections[(entity, conn["id"])].append(
                    (location(name, conn.start), path_text(path))
                )
                problems.extend(_connection_rules(name, conn, path))
    for (entity, conn_id), places in connections.items():
        problems.extend(
            _duplicates(
                f"connection id {conn_id!r} is declared more than once in entity {entity!r}", places
            )
        )
    for (entity, policy), settings in policies.items():
        if len({value for _, value in settings}) > 1:
            where = ", ".join(f"{value!r} at {place[0]}" for place, value in settings)
            problems.extend(
                Problem(
                    location=place[0],
                    message=f"{policy} of entity {entity!r} is set to "
                    f"different values: {where}; set it in one file only",
                    path=place[1],
                )
                for place, _ in settings
            )
    return problems


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _has_id(node: Any) -> bool:
    """A connection or field the rules can check: a mapping with a string id."""
    return isinstance(node, dict) and isinstance(node.get("id"), str)


def _connection_rules(name: str, conn: Any, path: list[Any]) -> list[Problem]:
    fields = _sequence(conn.get("fields"))
    problems: list[Problem] = []
    # Places are built only for repeats: a spec has thousands of fields and groups.
    for j, field in enumerate(fields):
        if not _has_id(field):
            continue
        groups = _sequence(field.get("groups"))
        if all(isinstance(g, str) for g in groups) and len(set(groups)) != len(groups):
            problems.extend(_group_repeats(name, field, [*path, "fields", j]))
    ids = [field["id"] for field in fields if _has_id(field)]
    if len(set(ids)) == len(ids):
        return problems
    places: dict[str, list[Place]] = defaultdict(list)
    for j, field in enumerate(fields):
        if not _has_id(field):
            continue
        field_path = path_text([*path, "fields", j])
        places[field["id"]].append((location(name, field.start), field_path))
    for field_id, found in places.items():
        problems.extend(
            _duplicates(
                f"field id {field_id!r} is declared more than once in connection {conn['id']!r}",
                found,
            )
        )
    return problems


def _group_repeats(name: str, field: Any, field_path: list[Any]) -> list[Problem]:
    groups: dict[str, list[Place]] = defaultdict(list)
    for k, group in enumerate(field["groups"]):
        groups[group].append(
            (location(name, field["groups"].item_marks[k]), path_text([*field_path, "groups", k]))
        )
    problems: list[Problem] = []
    for group, places in groups.items():
        problems.extend(
            _duplicates(
                f"group {group!r} is listed more than once in field {field['id']!r}",
                places,
                "list each group once",
            )
        )
    return problems


def _duplicates(
    message: str, places: list[Place], fix: str = "ids must be unique"
) -> list[Problem]:
    if len(places) < 2:
        return []
    where = ", ".join(str(loc) for loc, _ in places)
    return [
        Problem(location=loc, message=f"{message}: {where}; {fix}", path=path)
        for loc, path in places
    ]
