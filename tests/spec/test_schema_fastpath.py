"""The fast schema check never accepts a document that jsonschema rejects.

``schemafast`` lets valid spec files skip jsonschema (slow on thousands of fields). It is
sound only if it says "certainly valid" exclusively for documents that jsonschema finds no
error in; these tests hold it to that on targeted mutations and on random ones.
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

from driftcheck.spec.schema import SPEC_SCHEMA, schema_text
from driftcheck.spec.schema_fastpath import compile_schema

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
