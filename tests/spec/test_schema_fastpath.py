"""The fast schema check never accepts a document that jsonschema rejects.

``schema_fastpath`` lets valid spec files (and reports, tests/reporters/test_json.py) skip
jsonschema (slow on thousands of fields). It is sound only if it says "certainly valid"
exclusively for documents that jsonschema finds no error in; these tests hold it to that on
targeted mutations and random ones of a spec, and on random schemas of the keywords it knows.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftcheck.spec.schema_fastpath import compile_schema
from driftcheck.spec.shipped import SPEC_SCHEMA, schema_text

SCHEMA = json.loads(schema_text(SPEC_SCHEMA))
ACCEPTS = compile_schema(SCHEMA)
VALIDATOR = jsonschema.validators.validator_for(SCHEMA)(
    SCHEMA, format_checker=jsonschema.validators.validator_for(SCHEMA).FORMAT_CHECKER
)

VALID: dict[str, Any] = {
    "version": 1,
    "entities": {
        "users": {
            "unmanaged_connections": "warn",
            "unmanaged_fields": "fail",
            "connections": [
                {
                    "id": "crm",
                    "type": "salesforce",
                    "join": {"attribute": "user_id", "type": "user_id"},
                    "metadata": {"owner": "sales-ops"},
                    "unmanaged_fields": "ignore",
                    "fields": [
                        {
                            "id": "tier",
                            "source_name": "subscription_tier",
                            "type": "string",
                            "display_name": "",
                            "description": "Tier",
                            "groups": ["Business", "Subscription"],
                        }
                    ],
                }
            ],
        },
        "accounts": {"connections": []},
    },
    "ignore": [
        {
            "entity": "users",
            "connection": "crm",
            "field": "tier",
            "attribute": "description",
            "reason": "edited in the UI",
            "expires": "2027-03-31",
        }
    ],
}


def _valid_per_jsonschema(document: Any) -> bool:
    return not any(True for _ in VALIDATOR.iter_errors(document))


def _at(doc: dict[str, Any], *path: Any) -> Any:
    node: Any = doc
    for part in path:
        node = node[part]
    return node


CONNECTION = ("entities", "users", "connections", 0)
FIELD = (*CONNECTION, "fields", 0)
IGNORE = ("ignore", 0)
PLACES = [
    (),
    ("entities",),
    ("entities", "users"),
    CONNECTION,
    (*CONNECTION, "join"),
    (*CONNECTION, "metadata"),
    FIELD,
    IGNORE,
]
KEYS = {
    (): ["version", "entities", "ignore"],
    ("entities", "users"): ["unmanaged_connections", "unmanaged_fields", "connections"],
    CONNECTION: ["id", "type", "join", "metadata", "unmanaged_fields", "fields"],
    (*CONNECTION, "join"): ["attribute", "type"],
    FIELD: ["id", "source_name", "type", "display_name", "description", "groups"],
    IGNORE: ["entity", "connection", "field", "attribute", "reason", "expires"],
}
WRONG_VALUES = [
    None,
    True,
    False,
    0,
    1,
    1.0,
    1.5,
    "",
    "x",
    "fail",
    "2027-02-30",
    "2027-3-1",
    "users",
    [],
    ["x"],
    [1],
    {},
    {"x": "y"},
]


def _mutations() -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
    found: list[tuple[str, Callable[[dict[str, Any]], None]]] = []
    for place, keys in KEYS.items():
        for key in keys:
            found.append((f"del {place}.{key}", lambda d, p=place, k=key: _at(d, *p).pop(k)))
            for value in WRONG_VALUES:
                found.append(
                    (
                        f"{place}.{key}={value!r}",
                        lambda d, p=place, k=key, v=value: _at(d, *p).__setitem__(k, v),
                    )
                )
    for place in PLACES:
        found.append((f"{place}.extra", lambda d, p=place: _at(d, *p).__setitem__("extra", "x")))
    found.append(
        (
            "entity named 'orders'",
            lambda d: d["entities"].__setitem__("orders", {"connections": []}),
        )
    )
    found.append(("group 1", lambda d: _at(d, *FIELD, "groups").append(1)))
    found.append(("metadata value 1", lambda d: _at(d, *CONNECTION, "metadata").update(n=1)))
    found.append(("connections item 'x'", lambda d: _at(d, *CONNECTION[:-1]).append("x")))
    found.append(("fields item None", lambda d: _at(d, *FIELD[:-1]).append(None)))
    found.append(("ignore item []", lambda d: d["ignore"].append([])))
    return found


def test_the_valid_document_is_accepted_without_jsonschema() -> None:
    assert _valid_per_jsonschema(VALID)
    assert ACCEPTS(VALID)


@pytest.mark.parametrize(("name", "mutate"), _mutations(), ids=[n for n, _ in _mutations()])
def test_a_mutation_is_accepted_only_if_jsonschema_accepts_it(
    name: str, mutate: Callable[[dict[str, Any]], None]
) -> None:
    document = copy.deepcopy(VALID)
    mutate(document)
    if ACCEPTS(document):
        assert _valid_per_jsonschema(document), name


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    place=st.sampled_from(PLACES),
    key=st.text(max_size=12) | st.sampled_from(sorted({k for keys in KEYS.values() for k in keys})),
    value=json_values,
)
def test_random_values_anywhere_are_accepted_only_if_jsonschema_accepts_them(
    place: tuple[Any, ...], key: str, value: Any
) -> None:
    document = copy.deepcopy(VALID)
    _at(document, *place)[key] = value
    if ACCEPTS(document):
        assert _valid_per_jsonschema(document)


# ---------------------------------------------------------------- any schema of the subset

SCALARS = [None, True, False, 0, 1, -1, 1.0, 0.5, "", "a", "b", "2027-01-31", "2027-02-30"]
NAMES = ["a", "b", "c"]
TYPES = ["object", "array", "string", "boolean", "null", "integer", "number"]
BY_TYPE = {"object": {}, "array": [], "string": "a", "boolean": True, "null": None}
BY_TYPE.update({"integer": 1, "number": 0.5})
REF = {"$ref": "#/$defs/d"}
scalars = st.sampled_from(SCALARS)
instances = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NAMES), inner),
    max_leaves=8,
)
leaf_schemas = st.one_of(
    st.sampled_from([True, False, {}, {"uniqueItems": True}, {"type": "string", "format": "date"}]),
    st.lists(st.sampled_from(TYPES), min_size=1, max_size=2, unique=True).map(
        lambda kinds: {"type": kinds[0] if len(kinds) == 1 else kinds}
    ),
    st.lists(scalars, min_size=1, max_size=3).map(lambda values: {"enum": values}),
    scalars.map(lambda value: {"const": value}),
    st.integers(0, 2).map(lambda n: {"type": "string", "minLength": n}),
    st.sampled_from([-1, 0, 1, 0.5]).map(lambda n: {"minimum": n}),
)


def _object(props: dict[str, Any], required: list[str], extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, "required": required}
    if extra is not None:
        schema["additionalProperties"] = extra
    return schema


def _both(a: Any, b: Any) -> Any:
    return {**a, **b} if isinstance(a, dict) and isinstance(b, dict) else a


def _schemas(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(
                _object,
                st.dictionaries(st.sampled_from(NAMES), inner, max_size=2),
                st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
                st.none() | st.just(False) | inner,
            ),
            inner.map(lambda sub: {"type": "array", "items": sub}),
            inner.map(lambda sub: {"items": sub}),
            inner.map(lambda sub: {"propertyNames": sub}),
            st.lists(inner, min_size=1, max_size=2).map(lambda subs: {"oneOf": subs}),
            st.builds(_both, inner, inner),
        ),
        max_leaves=6,
    )


definitions = _schemas(leaf_schemas)  # no $ref: a definition that refers to itself never ends
schemas = _schemas(leaf_schemas | st.just(REF))


def _near(schema: Any, definition: Any, data: st.DataObject, depth: int = 0) -> Any:
    """A value built to fit ``schema``, with a random value in its place now and then: what
    tells a sound check from one that misses a keyword."""
    if depth > 4 or not isinstance(schema, dict) or not data.draw(st.integers(0, 5)):
        return data.draw(instances)

    def near(sub: Any) -> Any:
        return _near(sub, definition, data, depth + 1)

    if "$ref" in schema:
        return near(definition)
    if "oneOf" in schema:
        return near(data.draw(st.sampled_from(schema["oneOf"])))
    if "enum" in schema or "const" in schema:
        return data.draw(st.sampled_from(schema.get("enum", [schema.get("const")])))
    if "properties" in schema:
        props, required = schema["properties"], schema["required"]
        value = {n: near(props.get(n, True)) for n in NAMES if n in required or n in props}
        for name in list(value):  # optional ones often, required ones now and then
            if data.draw(st.integers(0, 4 if name in required else 1)) == 0:
                del value[name]
        if data.draw(st.booleans()):
            value[data.draw(st.sampled_from(NAMES))] = near(schema.get("additionalProperties"))
        return value
    if "items" in schema:
        return [near(schema["items"]) for _ in range(data.draw(st.integers(0, 2)))]
    if "minimum" in schema:
        return data.draw(st.sampled_from([-1, 0, 0.5, 1, 1.0, True, "0"]))
    if "uniqueItems" in schema:
        return data.draw(st.lists(st.sampled_from(["a", "a", "b", 1, True, 1.0]), max_size=3))
    kind = schema.get("type")
    return BY_TYPE[kind] if isinstance(kind, str) else data.draw(instances)


@settings(max_examples=1000, deadline=None)
@given(schema=schemas, definition=definitions, data=st.data())
def test_any_schema_of_the_subset_accepts_only_what_jsonschema_accepts(
    schema: Any, definition: Any, data: st.DataObject
) -> None:
    """The compiler on random schemas of the keywords it knows (``$ref`` to a ``$defs`` entry
    among them), on values built to fit them with random parts: "certainly valid" always
    means valid for jsonschema, with and without the format checker."""
    root: dict[str, Any] = {"$defs": {"d": definition}}
    root.update(schema if isinstance(schema, dict) else {"allOf": [schema]})
    value = _near(root, definition, data)
    cls = jsonschema.Draft202012Validator
    cls.check_schema(root)
    if compile_schema(root)(value):
        assert not list(cls(root).iter_errors(value))
        assert not list(cls(root, format_checker=cls.FORMAT_CHECKER).iter_errors(value))
