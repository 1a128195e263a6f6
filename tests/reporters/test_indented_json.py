"""The fast JSON text writer is ``json.dumps(indent=2, ensure_ascii=False)`` byte for byte,
and leaves what it does not handle to json.dumps, errors included."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftcheck.reporters.indented_json import dumps

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=25,
)


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)


@settings(max_examples=500, deadline=None)
@given(VALUES)
def test_the_text_is_json_dumps_indent_2(value: Any) -> None:
    assert dumps(value) == reference(value)


class Text(str):
    pass


class Number(int):
    def __repr__(self) -> str:
        return "not used by json"


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": [], "b": {}, "c": [{}]},
        OrderedDict(b=1, a=2),
        [Text("sub"), Number(7), True, 1.5e300, -0.0, '\u2028\x00"\\'],
        {1: "int key", None: "null key", 2.5: "float key"},
    ],
)
def test_subclasses_empty_collections_and_other_keys_as_json_writes_them(value: Any) -> None:
    assert dumps(value) == reference(value)


@pytest.mark.parametrize("value", [math.nan, [math.inf], {"x": object()}])
def test_what_json_refuses_is_refused_with_its_error(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as ours:
        dumps(value)
    with pytest.raises((ValueError, TypeError)) as theirs:
        reference(value)
    assert str(ours.value) == str(theirs.value)


def test_a_cycle_is_refused_as_json_refuses_it() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="Circular reference detected"):
        dumps(cycle)
