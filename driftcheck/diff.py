"""Spec x live state -> drift items. Pure; the only module that imports deepdiff.

Connections are matched by id within an entity and fields by id within a connection, never
by position. Only managed attributes (those written in the spec) are compared; a live value
that is absent or null equals the empty value of its type. Items that compare equal are
never handed to deepdiff, and those that differ go to it in one call per entity, which keeps
large specs fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from driftcheck.model import (
    SERVER_MANAGED,
    Attribution,
    ConnectionSpec,
    DriftItem,
    EntitySpec,
    FieldSpec,
    Location,
    Policy,
    Severity,
)

if TYPE_CHECKING:
    from deepdiff import DeepDiff

_EMPTY: dict[str, Any] = {"groups": [], "metadata": {}, "join": {}}
_NESTED = ("join", "metadata")  # maps compared key by key
_SEVERITY: dict[Policy, Severity] = {"fail": "error", "delete": "error", "warn": "warning"}


@dataclass(frozen=True)
class _Pending:
    """A matched connection or field whose managed attributes differ somewhere."""

    expected: Mapping[str, Any]
    actual: Mapping[str, Any]
    item: Callable[[str], DriftItem]  # the changed item of one attribute path


def diff_entity(entity: EntitySpec, live: Iterable[Mapping[str, Any]]) -> Iterator[DriftItem]:
    """Every drift item of one entity (ignore entries not yet applied)."""
    pending: list[_Pending] = []
    yield from _presence(entity, live, pending)
    for found, attributes in zip(pending, _changed_attributes(pending), strict=True):
        yield from map(found.item, attributes)


def _presence(
    entity: EntitySpec, live: Iterable[Mapping[str, Any]], pending: list[_Pending]
) -> Iterator[DriftItem]:
    """Missing and unexpected items; matched items that differ are added to ``pending``."""
    live_by_id = _by_id(live)
    declared = set()
    for conn in entity.connections:
        declared.add(conn.id)
        found = live_by_id.get(conn.id)
        if found is None:
            yield DriftItem(
                kind="missing",
                severity="error",
                entity=entity.name,
                connection=conn.id,
                expected=_connection_summary(conn.attributes, [f.id for f in conn.fields]),
                source=conn.location,
            )
        else:
            yield from _diff_connection(entity.name, conn, found, pending)
    severity = _SEVERITY.get(entity.unmanaged_connections)
    if severity is None:
        return
    for conn_id, found in live_by_id.items():
        if conn_id not in declared:
            fields = [f.get("id") for f in found.get("fields") or ()]
            yield DriftItem(
                kind="unexpected",
                severity=severity,
                entity=entity.name,
                connection=conn_id,
                actual=_connection_summary(found, fields),
                source=entity.location,
                attribution=_attribution(found),
            )


def _by_id(items: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    # Reversed: the first wins if Datadog ever repeats an id (payload.py refuses that today).
    return {item["id"]: item for item in reversed(list(items))}


def _connection_summary(attributes: Mapping[str, Any], field_ids: list[Any]) -> dict[str, Any]:
    summary = {k: attributes[k] for k in ("type", "join", "metadata") if k in attributes}
    summary["fields"] = field_ids
    return summary


def _diff_connection(
    entity: str, conn: ConnectionSpec, live: Mapping[str, Any], pending: list[_Pending]
) -> Iterator[DriftItem]:
    who = _attribution(live)
    actual = _project(conn.attributes, live)
    if _comparable(conn.attributes) != _comparable(actual):

        def changed(attribute: str) -> DriftItem:
            return DriftItem(
                kind="changed",
                severity="error",
                entity=entity,
                connection=conn.id,
                attribute=attribute,
                expected=_lookup(conn.attributes, attribute),
                actual=_lookup(actual, attribute),
                source=_source(conn.attribute_locations, attribute, conn.location),
                attribution=who,
            )

        pending.append(_Pending(conn.attributes, actual, changed))
    live_fields = _by_id(live.get("fields") or ())
    for field in conn.fields:
        found = live_fields.get(field.id)
        if found is None:
            yield DriftItem(
                kind="missing",
                severity="error",
                entity=entity,
                connection=conn.id,
                field=field.id,
                expected=dict(field.attributes),
                source=field.location,
            )
        elif not _unchanged(field.attributes, found):
            pending.append(_field_pending(entity, conn.id, field, found, who))
    severity = _SEVERITY.get(conn.unmanaged_fields)
    if severity is None:
        return
    declared = {field.id for field in conn.fields}
    for field_id, found in live_fields.items():
        if field_id not in declared:
            shown = {k: v for k, v in found.items() if k != "id" and k not in SERVER_MANAGED}
            yield DriftItem(
                kind="unexpected",
                severity=severity,
                entity=entity,
                connection=conn.id,
                field=field_id,
                actual=shown,
                source=conn.location,
                attribution=who,
            )


def _field_pending(
    entity: str, conn_id: str, field: FieldSpec, live: Mapping[str, Any], who: Attribution | None
) -> _Pending:
    actual = _project(field.attributes, live)

    def changed(attribute: str) -> DriftItem:
        return DriftItem(
            kind="changed",
            severity="error",
            entity=entity,
            connection=conn_id,
            field=field.id,
            attribute=f"fields[{field.id}].{attribute}",
            expected=field.attributes.get(attribute),
            actual=actual.get(attribute),
            source=_source(field.attribute_locations, attribute, field.location),
            attribution=who,
        )

    return _Pending(field.attributes, actual, changed)


def _unchanged(expected: Mapping[str, Any], live: Mapping[str, Any]) -> bool:
    """Whether a field's managed attributes are certainly equal live: the fast path of the
    fields that did not drift (nearly all), which copies nothing. False sends the field to
    the exact comparison below, so this may only err on the side of False."""
    for key, wanted in expected.items():
        value = live.get(key)
        if value == wanted:
            continue
        if value is None:
            if _EMPTY.get(key, "") == wanted:
                continue
            return False
        # groups are a set: the same strings in another order are no drift
        if key != "groups" or not _same_order_free(wanted, value):
            return False
    return True


def _same_order_free(wanted: list[str], value: Any) -> bool:
    """The same items in another order (repeats, and non-strings, go to the exact path)."""
    try:
        return value.__class__ is list and sorted(value) == sorted(wanted)
    except TypeError:  # items that do not sort together: not the same strings
        return False


def _project(expected: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any]:
    """The live values of the managed attributes, absent/null read as the empty value."""
    actual: dict[str, Any] = {}
    for key, wanted in expected.items():
        value = live.get(key)
        if value is None:
            value = _EMPTY.get(key, "")
        if key == "join" and isinstance(value, Mapping):
            value = {k: value.get(k) if value.get(k) is not None else "" for k in wanted}
        elif key == "metadata" and isinstance(value, Mapping):
            value = {k: v for k, v in value.items() if v is not None}  # null = absent
        actual[key] = value
    return actual


def _comparable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as compared (:func:`_compared`)."""
    return {key: _compared(key, value) for key, value in values.items()}


def _compared(key: str, value: Any) -> Any:
    """A value as compared: groups are a set (order and repeats never matter), held as the
    keys of a map, which deepdiff compares as a set of names without hashing each one
    (its set comparison runs DeepHash on every member: most of its time for groups)."""
    if key == "groups" and isinstance(value, list) and all(isinstance(g, str) for g in value):
        return dict.fromkeys(sorted(value), True)
    return value


def _changed_attributes(pending: list[_Pending]) -> list[list[str]]:
    """For each pending item, the attribute paths that differ ("type", "join.type",
    "metadata.owner", "groups"). Attributes that compare equal are left out, and deepdiff
    compares the rest in one call, keyed flat by (item, attribute): one level of nesting
    less is a quarter of its time when thousands of items differ. A pair of values that
    several items share (a type changed on every field alike) is compared once, and its
    judgement holds for each of them."""
    left: dict[tuple[int, str], Any] = {}
    right: dict[tuple[int, str], Any] = {}
    sharing: dict[tuple[int, str], list[int]] = {}  # compared pair -> the items holding it
    pairs: dict[tuple[str, str, str], tuple[int, str]] = {}
    differing: list[list[str]] = []
    for index, item in enumerate(pending):
        actual, differ = item.actual, []
        for key, declared in item.expected.items():
            wanted, value = declared, actual.get(key)
            if key == "groups":
                wanted, value = _compared(key, wanted), _compared(key, value)
            if wanted != value:
                differ.append(key)
                # repr: equal texts are equal values of the same types (True is not 1)
                slot = pairs.setdefault((key, repr(wanted), repr(value)), (index, key))
                if slot == (index, key):
                    left[slot], right[slot] = wanted, value
                sharing.setdefault(slot, []).append(index)
        differing.append(differ)
    found: list[dict[str, None]] = [{} for _ in pending]
    if left:
        # Keys are data: "__x" is a metadata key like any other, not a private attribute.
        diff = unfiltered_deepdiff()(left, right, view="tree", ignore_private_variables=False)
        for changes in diff.values():
            for change in changes:
                path = change.path(output_format="list")
                if not path or not isinstance(path[0], tuple):
                    continue  # cannot happen for two flat dicts; the net below holds
                attribute, rest = path[0][1], path[1:]
                if attribute in _NESTED and rest and isinstance(rest[0], str):
                    attribute += f".{rest[0]}"
                for index in sharing[path[0]]:
                    found[index][attribute] = None
    for index, attributes in enumerate(found):
        # Never lose a difference that deepdiff did not name.
        named = {attribute.partition(".")[0] for attribute in attributes}
        attributes.update(dict.fromkeys(k for k in differing[index] if k not in named))
    return [sorted(attributes) for attributes in found]


@functools.cache
def unfiltered_deepdiff() -> type[DeepDiff]:
    """DeepDiff for calls that give it no include or exclude option (this module's).

    DeepDiff asks ``_skip_this`` of every level it descends into and of every difference
    it reports whether an include or exclude option drops it, and that check first builds
    the level's path string, whatever the options: a quarter of its time when 10,000
    attributes differ. With no such option its answer is always "no"; this subclass gives
    it at once. Everything else, and every judgement of what differs, is deepdiff's own
    (tests/test_diff_properties.py compares both on generated documents)."""
    from deepdiff import DeepDiff

    class Unfiltered(DeepDiff):
        def _skip_this(self, level: Any) -> bool:
            return False

    return Unfiltered


def _lookup(values: Mapping[str, Any], attribute: str) -> Any:
    head, _, rest = attribute.partition(".")
    value = values.get(head)
    if rest:
        return value.get(rest) if isinstance(value, Mapping) else None
    return value


def _source(places: Mapping[str, Location], attribute: str, fallback: Location) -> Location:
    return places.get(attribute) or places.get(attribute.partition(".")[0]) or fallback


def _attribution(live: Mapping[str, Any]) -> Attribution | None:
    values = {k: live.get(k) for k in SERVER_MANAGED}
    if not any(isinstance(v, str) and v for v in values.values()):
        return None
    return Attribution(**{k: v if isinstance(v, str) and v else None for k, v in values.items()})
