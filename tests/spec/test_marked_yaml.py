"""The marked loader against PyYAML: same values, and every position where PyYAML's own
composer puts the node, on generated documents of every style; the fast event path and the
node path agree mark for mark."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftcheck.spec import marked_yaml, yaml_events, yaml_nodes
from driftcheck.spec.marks import MarkedDict, MarkedList


class Reference(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, with timestamps kept as text (as driftcheck does)."""


Reference.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)

TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"), max_size=12
)
KEYS = st.one_of(TEXT, st.sampled_from(["id", "type", "groups", "on", "1", "null", "<<", "-a"]))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.dates(min_value=dt.date(1900, 1, 1)),
    TEXT,
    st.sampled_from(["yes", "no", "~", "0x1f", "0o17", "1_000", "2024-03-01 10:00:00", "a: b"]),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(KEYS, inner, min_size=1, max_size=5)
    ),
    max_leaves=30,
)
STYLES = st.fixed_dictionaries(
    {
        "default_flow_style": st.sampled_from([None, False, True]),
        "default_style": st.sampled_from([None, None, '"', "'"]),
        "indent": st.integers(2, 5),
        "width": st.sampled_from([20, 80, 1000]),
        "allow_unicode": st.booleans(),
        "explicit_start": st.booleans(),
    }
)


def _document(data: Any, style: dict[str, Any]) -> str:
    return yaml.dump({"root": data}, Dumper=yaml.SafeDumper, sort_keys=False, **style)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _same_places(ours: Any, node: yaml.Node) -> None:
    """Every collection of ``ours`` is marked where PyYAML composed its node."""
    if isinstance(node, yaml.MappingNode):
        assert isinstance(ours, MarkedDict)
        assert ours.start == _mark(node)
        assert len(ours) == len(node.value)
        for key_node, value_node in node.value:
            key = key_node.value
            assert ours.key_marks[key] == _mark(key_node), key
            assert ours.value_marks[key] == _mark(value_node), key
            _same_places(ours[key], value_node)
    elif isinstance(node, yaml.SequenceNode):
        assert isinstance(ours, MarkedList)
        assert ours.start == _mark(node)
        assert len(ours.item_marks) == len(node.value) == len(ours)
        for index, child in enumerate(node.value):
            assert ours.item_marks[index] == _mark(child)
            _same_places(ours[index], child)
    else:
        assert not isinstance(ours, (MarkedDict, MarkedList))


def _marks(value: Any) -> Any:
    """The marks of every collection, as plain data (to compare two loads exactly)."""
    if isinstance(value, MarkedDict):
        return (list(value.marks), [(k, _marks(v)) for k, v in value.items()])
    if isinstance(value, MarkedList):
        return (list(value.marks), [_marks(v) for v in value])
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATA, STYLES)
def test_values_and_positions_are_pyyaml_s(data: Any, style: dict[str, Any]) -> None:
    text = _document(data, style)
    ours = marked_yaml.load(text)
    assert ours == yaml.load(text, Loader=Reference)
    _same_places(ours, yaml.compose(text, Loader=yaml.SafeLoader))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATA, STYLES)
def test_the_event_path_and_the_node_path_agree_mark_for_mark(
    data: Any, style: dict[str, Any]
) -> None:
    text = _document(data, style)
    loader = yaml_nodes._MarkedLoader(text)
    try:
        fast = yaml_events.load_events(loader, 10**6, "too many", yaml_nodes.MAX_DEPTH)
    except yaml_events.Unusual:  # keys such as '<<' or 1 are the node path's to refuse
        return
    finally:
        loader.dispose()
    slow = yaml_nodes.load_nodes(text)
    assert fast == slow
    assert _marks(fast) == _marks(slow)


def test_shared_values_written_with_anchors_load_through_the_node_path() -> None:
    shared = {"a": [1, 2]}
    text = _document([shared, shared], {})
    assert "&id001" in text
    ours = marked_yaml.load(text)
    assert ours == {"root": [shared, shared]}
    _same_places(ours, yaml.compose(text, Loader=yaml.SafeLoader))


@pytest.mark.parametrize(
    ("text", "message", "mark"),
    [
        ("a: 1\na: 2\n", "duplicate key 'a' (first defined at line 1, column 1)", (2, 1)),
        ("1: x\n", "mapping key '1' is not a string", (1, 1)),
        ("a: [" * 70 + "]" * 70 + "\n", "nesting deeper than 64 levels", None),
        ("a: 1\n---\nb: 2\n", "YAML syntax error", (2, 1)),
        ("a: b: c\n", "YAML syntax error", (1, 5)),
    ],
)
def test_refusals_are_worded_and_placed_by_the_node_path(
    text: str, message: str, mark: tuple[int, int] | None
) -> None:
    with pytest.raises(marked_yaml.YamlProblem) as caught:
        marked_yaml.load(text)
    assert message in caught.value.message
    if mark is not None:
        assert caught.value.mark == mark
