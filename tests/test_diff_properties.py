"""Diff invariants, over generated live states and the specs exported from them.

* a spec exported from a live state checks clean against it;
* shuffling any list (connections, fields, groups) on either side changes nothing;
* adding, removing or changing one attribute gives exactly one item, of the right kind,
  at the right path (and an unmanaged attribute gives none);
* every item's source points at a line of the spec that holds its id or attribute.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from driftcheck.check import run_check
from driftcheck.export.exporter import render_spec
from driftcheck.export.yaml_emitter import scalar
from driftcheck.model import DriftItem, EntityRead, LiveState, Report
from driftcheck.spec.load import load_specs

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
ENTITIES = ("users", "accounts")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Names with YAML's awkward characters, quotes, spaces and non-ASCII text.
NAME = st.text(st.sampled_from("abcxyz019_-.: #'\"@[]{},|>*&!%é中"), min_size=1, max_size=8)
TEXT = st.text(st.sampled_from("ab :#\"'-\né"), max_size=12)
Live = dict[str, list[dict[str, Any]]]


@st.composite
def fields(draw: st.DrawFn, min_size: int = 0) -> list[dict[str, Any]]:
    found = []
    for field_id in draw(st.lists(NAME, unique=True, min_size=min_size, max_size=3)):
        field: dict[str, Any] = {"id": field_id, "source_name": draw(NAME), "type": draw(NAME)}
        for key in ("display_name", "description"):
            if draw(st.booleans()):
                field[key] = draw(TEXT)
        if draw(st.booleans()):
            field["groups"] = draw(st.lists(NAME, unique=True, max_size=3))
        found.append(field)
    return found


@st.composite
def connections(draw: st.DrawFn, min_size: int = 0) -> list[dict[str, Any]]:
    found = []
    for conn_id in draw(st.lists(NAME, unique=True, min_size=min_size, max_size=3)):
        conn: dict[str, Any] = {
            "id": conn_id,
            "type": draw(NAME),
            "join": {"attribute": draw(NAME), "type": draw(NAME)},
            "fields": draw(fields(min_size)),
            "updated_by": "jane@example.com",
        }
        if draw(st.booleans()) or min_size:
            conn["metadata"] = draw(st.dictionaries(NAME, TEXT, max_size=3))
        found.append(conn)
    return found


LIVE_STATES = st.fixed_dictionaries({entity: connections() for entity in ENTITIES})
#: At least one connection per entity, each with metadata and at least one field.
RICH_STATES = st.fixed_dictionaries({entity: connections(1) for entity in ENTITIES})


@contextmanager
def exported(live: Live) -> Iterator[tuple[Any, dict[str, list[str]]]]:
    """The spec exported from ``live`` (loaded), and the lines of each spec file."""
    with tempfile.TemporaryDirectory() as folder:
        lines = {}
        for entity, conns in live.items():
            path = Path(folder) / f"{entity}.yaml"
            path.write_text(
                render_spec(entity, conns, site="s", read_at="t", version="0"), encoding="utf-8"
            )
            lines[str(path)] = path.read_text("utf-8").splitlines()
        yield load_specs([folder]), lines


def check(spec: Any, live: Live) -> Report:
    state = LiveState(
        site="s",
        read_at="t",
        entities={e: EntityRead(entity=e, connections=tuple(c)) for e, c in live.items()},
    )
    return run_check(spec, state, now=NOW)


def normal(value: Any) -> Any:
    """A value with list order erased (lists of ids and groups are sets to the diff)."""
    if isinstance(value, dict):
        return tuple(sorted((k, normal(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(sorted((normal(v) for v in value), key=repr))
    return value


def summary(report: Report) -> list[tuple[Any, ...]]:
    return sorted(
        (
            i.kind,
            i.severity,
            i.entity,
            i.connection,
            i.field or "",
            i.attribute or "",
            repr(normal(i.expected)),
            repr(normal(i.actual)),
        )
        for i in report.items
    )


def shuffled(live: Live, rng: random.Random) -> Live:
    out = copy.deepcopy(live)
    for conns in out.values():
        rng.shuffle(conns)
        for conn in conns:
            rng.shuffle(conn["fields"])
            for field in conn["fields"]:
                rng.shuffle(field.get("groups", []))
    return out


# ------------------------------------------------------------ exported specs and shuffles


@SETTINGS
@given(live=LIVE_STATES)
def test_a_spec_exported_from_a_live_state_checks_clean(live: Live) -> None:
    with exported(live) as (spec, _):
        report = check(spec, live)
    assert report.items == ()
    assert report.status == "in_sync"
    assert {e.name: e.connections_checked for e in report.entities} == {
        e: len(c) for e, c in live.items()
    }


@SETTINGS
@given(live=LIVE_STATES, other=LIVE_STATES, seed=st.integers(0, 2**32 - 1))
def test_shuffling_any_list_on_either_side_changes_nothing(
    live: Live, other: Live, seed: int
) -> None:
    # ``other`` drifts from ``live`` in every way at once; shuffles must not change the items.
    rng = random.Random(seed)
    drifted = {
        e: copy.deepcopy(live[e])
        + [c for c in other[e] if c["id"] not in {x["id"] for x in live[e]}]
        for e in ENTITIES
    }
    for conns in drifted.values():
        for conn in conns[: len(conns) // 2]:
            conn["type"] += "!"
    with exported(live) as (spec, _):
        baseline = summary(check(spec, drifted))
        assert summary(check(spec, shuffled(drifted, rng))) == baseline
    with exported(shuffled(live, rng)) as (spec, _):
        assert summary(check(spec, drifted)) == baseline
        assert summary(check(spec, shuffled(drifted, rng))) == baseline


# ------------------------------------------------------------ one change, one item


Expected = tuple[str, str, str | None, str | None]  # kind, connection, field, attribute
Mutation = Callable[[st.DataObject, Live, str], Expected | None]


def _new_name(data: st.DataObject, taken: set[str]) -> str:
    return data.draw(NAME.filter(lambda name: name not in taken), label="new name")


def _changed(data: st.DataObject, old: str) -> str:
    return data.draw(NAME.filter(lambda name: name != old), label="new value")


def _conn(data: st.DataObject, live: Live, entity: str) -> dict[str, Any] | None:
    conns = live[entity]
    return data.draw(st.sampled_from(conns), label="connection") if conns else None


def _field(data: st.DataObject, conn: dict[str, Any]) -> dict[str, Any] | None:
    return data.draw(st.sampled_from(conn["fields"]), label="field") if conn["fields"] else None


def change_connection_attribute(data: st.DataObject, live: Live, entity: str) -> Expected | None:
    conn = _conn(data, live, entity)
    if conn is None:
        return None
    path = data.draw(st.sampled_from(["type", "join.attribute", "join.type"]), label="path")
    holder, key = (conn["join"], path[5:]) if path.startswith("join.") else (conn, path)
    holder[key] = _changed(data, holder[key])
    return ("changed", conn["id"], None, path)


def change_metadata(data: st.DataObject, live: Live, entity: str) -> Expected | None:
    conn = _conn(data, live, entity)
    if conn is None or "metadata" not in conn:  # unmanaged metadata: see the unmanaged test
        return None
    metadata = conn["metadata"]
    how = data.draw(st.sampled_from(["add", "remove", "change"]), label="how")
    if how == "add" or not metadata:
        key = _new_name(data, set(metadata))
        metadata[key] = data.draw(TEXT, label="value")
    elif how == "remove":
        key = data.draw(st.sampled_from(sorted(metadata)), label="key")
        del metadata[key]
    else:
        key = data.draw(st.sampled_from(sorted(metadata)), label="key")
        metadata[key] = _changed(data, metadata[key])
    return ("changed", conn["id"], None, f"metadata.{key}")


def change_field_attribute(data: st.DataObject, live: Live, entity: str) -> Expected | None:
    conn = _conn(data, live, entity)
    field = _field(data, conn) if conn else None
    if conn is None or field is None:
        return None
    key = data.draw(st.sampled_from(["source_name", "type", "display_name", "description"]))
    if key in field and field[key] and data.draw(st.booleans(), label="remove"):
        del field[key]  # absent live: read as the empty string
    elif key in field:
        field[key] = _changed(data, field[key])
    else:
        return None  # not managed: the unmanaged test covers adding it
    return ("changed", conn["id"], field["id"], f"fields[{field['id']}].{key}")


def change_groups(data: st.DataObject, live: Live, entity: str) -> Expected | None:
    conn = _conn(data, live, entity)
    field = _field(data, conn) if conn else None
    if conn is None or field is None or "groups" not in field:
        return None
    groups = field["groups"]
    if groups and data.draw(st.booleans(), label="remove"):
        groups.remove(data.draw(st.sampled_from(groups), label="group"))
    else:
        groups.append(_new_name(data, set(groups)))
    return ("changed", conn["id"], field["id"], f"fields[{field['id']}].groups")


def remove_connection(data: st.DataObject, live: Live, entity: str) -> Expected | None:
    conn = _conn(data, live, entity)
    if conn is None:
        return None
    live[entity].remove(conn)
    return ("missing", conn["id"], None, None)


def add_connection(data: st.DataObject, live: Live, entity: str) -> Expected | None:
    new = _new_name(data, {c["id"] for c in live[entity]})
    live[entity].insert(
        data.draw(st.integers(0, len(live[entity]))),
        {"id": new, "type": "t", "join": {"attribute": "a", "type": "b"}},
    )
    return ("unexpected", new, None, None)


def remove_field(data: st.DataObject, live: Live, entity: str) -> Expected | None:
    conn = _conn(data, live, entity)
    field = _field(data, conn) if conn else None
    if conn is None or field is None:
        return None
    conn["fields"].remove(field)
    return ("missing", conn["id"], field["id"], None)


def add_field(data: st.DataObject, live: Live, entity: str) -> Expected | None:
    conn = _conn(data, live, entity)
    if conn is None:
        return None
    new = _new_name(data, {f["id"] for f in conn["fields"]})
    conn["fields"].append({"id": new, "source_name": "s", "type": "string"})
    return ("unexpected", conn["id"], new, None)


MUTATIONS: list[Mutation] = [
    change_connection_attribute,
    change_metadata,
    change_field_attribute,
    change_groups,
    remove_connection,
    add_connection,
    remove_field,
    add_field,
]


def _key(item: DriftItem) -> Expected:
    return (item.kind, item.connection, item.field, item.attribute)


MUTATION_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.__name__ for m in MUTATIONS])
@MUTATION_SETTINGS
@given(live=RICH_STATES, data=st.data())
def test_one_change_on_the_live_side_is_exactly_one_item(
    mutation: Mutation, live: Live, data: st.DataObject
) -> None:
    entity = data.draw(st.sampled_from(ENTITIES), label="entity")
    changed = copy.deepcopy(live)
    expected = mutation(data, changed, entity)
    assume(expected is not None)
    assert expected is not None
    with exported(live) as (spec, lines):
        report = check(spec, changed)
        [item] = report.items
        assert item.entity == entity
        assert _key(item) == expected
        assert item.severity == "error"
        assert_source_holds_it(item, lines)


SPEC_SIDE = [
    change_connection_attribute,
    change_metadata,
    change_groups,
    remove_connection,
    add_connection,
    remove_field,
    add_field,
]


@pytest.mark.parametrize("mutation", SPEC_SIDE, ids=[m.__name__ for m in SPEC_SIDE])
@MUTATION_SETTINGS
@given(live=RICH_STATES, data=st.data())
def test_one_change_on_the_spec_side_is_exactly_one_item(
    mutation: Mutation, live: Live, data: st.DataObject
) -> None:
    # The spec is exported from the changed state and checked against the original one, so
    # a connection or field added to the spec is missing in Datadog, and so on.
    entity = data.draw(st.sampled_from(ENTITIES), label="entity")
    declared = copy.deepcopy(live)
    expected = mutation(data, declared, entity)
    assume(expected is not None)
    assert expected is not None
    flipped = {"missing": "unexpected", "unexpected": "missing", "changed": "changed"}
    with exported(declared) as (spec, lines):
        report = check(spec, live)
        [item] = report.items
        assert _key(item) == (flipped[expected[0]], *expected[1:])
        assert_source_holds_it(item, lines)


@SETTINGS
@given(live=LIVE_STATES, data=st.data())
def test_unmanaged_attributes_added_live_are_never_drift(live: Live, data: st.DataObject) -> None:
    changed = copy.deepcopy(live)
    for conns in changed.values():
        for conn in conns:
            conn["created_at"] = "2026-12-01T00:00:00Z"
            conn["future_attribute"] = data.draw(TEXT)
            conn["join"]["extra"] = "x"
            conn.setdefault("metadata", {"not": "managed"})
            for field in conn["fields"]:
                field["is_custom"] = True
                for key in ("display_name", "description", "groups"):
                    if key not in field:
                        field[key] = ["g"] if key == "groups" else "unmanaged text"
    with exported(live) as (spec, _):
        assert check(spec, changed).items == ()


# ------------------------------------------------------------ sources


def assert_source_holds_it(item: DriftItem, lines: dict[str, list[str]]) -> None:
    """The source points at the attribute's key, or at the id (or entity) the item is about:
    the text at its line and column starts with that key."""
    assert item.source is not None
    at = lines[item.source.file][item.source.line - 1][item.source.column - 1 :]
    if item.kind == "changed":
        assert item.attribute is not None
        last = item.attribute.rsplit(".", 1)[-1]
        starts = (f"{last}:", f"{item.attribute.split('.')[0]}:")
        if item.attribute.startswith("metadata."):
            key = item.attribute[len("metadata.") :]
            starts = (f"{scalar(key)}:", f"{scalar(key, flow=True)}:", "metadata:")
    elif item.kind == "missing":
        starts = (f"id: {scalar(item.field if item.field is not None else item.connection)}",)
    elif item.field is not None:  # an unexpected field: at its connection
        starts = (f"id: {scalar(item.connection)}",)
    else:  # an unexpected connection: at its entity
        starts = (f"{item.entity}:",)
    assert at.startswith(starts), (item, at)


def test_a_description_ending_in_blank_lines_before_another_connection_checks_clean() -> None:
    # Found by the properties above: the blank line between connections joined a |+ block.
    field = {"id": "f", "source_name": "s", "type": "t", "description": "Tier\n\n"}
    live: Live = {
        "users": [
            {"id": "a", "type": "t", "join": {"attribute": "x", "type": "y"}, "fields": [field]},
            {"id": "b", "type": "t", "join": {"attribute": "x", "type": "y"}, "fields": []},
        ],
        "accounts": [],
    }
    with exported(live) as (spec, _):
        assert check(spec, live).items == ()


# JSON-like values as the diff hands them to deepdiff: scalars, frozensets of strings (a
# field's groups), lists, and maps keyed by strings or by (item, attribute) tuples.
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), TEXT)
_VALUES = st.recursive(
    st.one_of(_SCALARS, st.frozensets(NAME, max_size=4)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(NAME, inner, max_size=4)),
    max_leaves=12,
)
_FLAT = st.dictionaries(st.tuples(st.integers(0, 3), NAME), _VALUES, max_size=6)


def _tree(diff: Any) -> dict[str, list[str]]:
    return {kind: sorted(change.path() for change in changes) for kind, changes in diff.items()}


@SETTINGS
@given(left=_FLAT, right=_FLAT, shared=_FLAT)
def test_the_unfiltered_deepdiff_reports_what_deepdiff_itself_reports(
    left: dict[Any, Any], right: dict[Any, Any], shared: dict[Any, Any]
) -> None:
    # The diff's DeepDiff skips deepdiff's include/exclude check (it passes no such option):
    # on any pair of documents it must name exactly the same differences, with the same
    # kinds and paths, as deepdiff does.
    from deepdiff import DeepDiff

    from driftcheck.diff import unfiltered_deepdiff

    left, right = {**shared, **left}, {**shared, **right}
    options = {"view": "tree", "ignore_private_variables": False}
    assert _tree(unfiltered_deepdiff()(left, right, **options)) == _tree(
        DeepDiff(left, right, **options)
    )
