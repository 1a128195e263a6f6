"""The JSON report: valid against its schema, stable, lossless, and readable back."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from samples import EVIL, hostile, item, report, representative, three_way

from driftcheck.errors import UsageError
from driftcheck.model import DriftItem, Location
from driftcheck.reporters import RenderOptions, render
from driftcheck.reporters.json_ import _certainly_valid, load_report

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "driftcheck-report.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def as_json(rep: Any = None) -> str:
    return render(rep or representative(), "json", RenderOptions())


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    "rep", [representative(), hostile(), report()], ids=["rep", "hostile", "in-sync"]
)
def test_real_output_is_valid_against_the_schema(rep: Any) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(as_json(rep)))


def test_top_level_keys_in_a_stable_order_indent_2_utf8() -> None:
    text = as_json(
        report((item("changed", attribute="metadata.owner", expected="équipe", actual=None),))
    )
    document = json.loads(text)
    assert list(document) == [
        "version",
        "status",
        "summary",
        "fail_on",
        "base",
        "drift",
        "resolved",
        "notices",
        "errors",
        "entities",
        "problems",
        "live",
        "site",
        "generated_at",
        "driftcheck_version",
    ]
    assert text.startswith('{\n  "version": 2,\n  "status": "drift",')
    assert '"expected": "équipe"' in text and text.endswith("}\n")


def test_summary_counts() -> None:
    assert json.loads(as_json())["summary"] == {
        "items": 9,
        "by_kind": {"missing": 2, "unexpected": 2, "changed": 5},
        "by_severity": {"error": 7, "warning": 1, "ignored": 1},
        "entities_checked": 1,
        "entities_unreadable": 1,
        "connections_checked": 4,
        "notices": 2,
        "failing": 7,
        "by_origin": None,
    }


def test_status_is_error_whenever_an_entity_could_not_be_read() -> None:
    document = json.loads(as_json())
    assert document["status"] == "error"
    assert document["errors"] == [
        {
            "entity": "accounts",
            "message": "HTTP 503 Service "
            "Unavailable from https://api.datadoghq.com (after 4 attempts)",
        }
    ]


def test_hostile_values_are_kept_exactly() -> None:
    document = json.loads(as_json(hostile()))
    assert document["site"] == EVIL and document["drift"][0]["actual"] == EVIL


def test_values_that_json_cannot_hold_become_strings() -> None:
    odd = item(
        "changed",
        attribute="groups",
        expected=frozenset({"b", "a"}),
        actual={"n": math.nan, "t": ("x", 1)},
    )
    drift = json.loads(as_json(report((odd,))))["drift"][0]
    assert drift["expected"] == ["a", "b"] and drift["actual"] == {"n": "nan", "t": ["x", 1]}


def test_lone_surrogates_do_not_break_the_output() -> None:
    text = as_json(report((item("changed", attribute="type", expected="a\ud800"),)))
    text.encode("utf-8")
    assert json.loads(text)["drift"][0]["expected"] == "a\ud800"


# ---------------------------------------------------------------- load_report


@pytest.mark.parametrize(
    "rep",
    [representative(), hostile(), report(), three_way()],
    ids=["rep", "hostile", "in-sync", "three-way"],
)
def test_a_report_reads_back_as_the_same_report(rep: Any) -> None:
    back = load_report(as_json(rep))
    assert back == rep
    assert [vars(item) for item in back.items + back.resolved] == [
        vars(item) for item in rep.items + rep.resolved
    ]  # every field, each of its own type (items are restored without __init__)
    assert all(type(i.source) is Location for i in back.items if i.source is not None)


def test_a_reports_items_and_places_name_exactly_the_fields_of_the_model() -> None:
    """What reading back relies on (``json_._restored``): a valid report's item and
    location objects have one key per field of DriftItem and Location, no more, no less."""
    defs = SCHEMA["$defs"]
    for name, cls in (("item", DriftItem), ("location", Location)):
        fields = [f.name for f in dataclasses.fields(cls)]
        assert sorted(defs[name]["required"]) == sorted(fields) == sorted(defs[name]["properties"])
        assert defs[name]["additionalProperties"] is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", r"not a driftcheck report: invalid JSON"),
        ("[1, 2]", r"not a driftcheck report: expected a JSON object"),
        ('{"version": 1, "valid": true}', r"not a driftcheck report: expected a JSON object"),
        (
            '{"version": 1, "drift": []}',
            r"unsupported report version 1: this driftcheck reads "
            r"version 2",
        ),
    ],
)
def test_load_report_refuses_what_is_not_a_report(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_report(text)


def test_load_report_names_the_first_invalid_place() -> None:
    document = json.loads(as_json())
    document["drift"][2]["kind"] = "moved"
    with pytest.raises(
        UsageError,
        match=r"not a valid driftcheck report: at drift\[2\]\.kind: "
        r"'moved' is not one of",
    ):
        load_report(json.dumps(document))


# ---------------------------------------------------------------- the fast schema check


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every object and list in a document."""
    if not isinstance(value, (dict, list)):
        return []
    found = [path]
    for key, child in value.items() if isinstance(value, dict) else enumerate(value):
        found += _places(child, (*path, key))
    return found


DOCUMENTS = [
    json.loads(as_json(rep)) for rep in (representative(), hostile(), report(), three_way())
]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False)
    | st.text(max_size=4)
    | st.sampled_from(["error", "changed", "missing", "drift", "in_sync", "stale_ignore"]),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=4,
)


def _copy_and_place(data: st.DataObject, which: int) -> tuple[Any, Any]:
    """A copy of ``DOCUMENTS[which]``, and one of its objects or lists, drawn."""
    document = copy.deepcopy(DOCUMENTS[which])
    target = document
    for part in data.draw(st.sampled_from(_places(document))):
        target = target[part]
    return document, target


def test_reports_driftcheck_writes_pass_the_fast_check_without_jsonschema() -> None:
    for document in DOCUMENTS:
        assert _certainly_valid()(document)


@settings(max_examples=500, deadline=None)
@given(st.data(), st.sampled_from(range(len(DOCUMENTS))), JSON_VALUES)
def test_the_fast_check_accepts_a_changed_report_only_if_jsonschema_does(
    data: st.DataObject, which: int, value: Any
) -> None:
    document, target = _copy_and_place(data, which)
    if isinstance(target, dict):
        keys = [*sorted(target), "extra"]
        target[data.draw(st.sampled_from(keys))] = value
    elif target:
        target[data.draw(st.integers(0, len(target) - 1))] = value
    else:
        target.append(value)
    if _certainly_valid()(document):
        assert not list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))


@settings(max_examples=500, deadline=None)
@given(st.data(), st.sampled_from(range(len(DOCUMENTS))), JSON_VALUES)
def test_the_fast_check_accepts_a_report_with_a_member_removed_or_added_only_if_jsonschema_does(
    data: st.DataObject, which: int, value: Any
) -> None:
    """Deleting a key or an item, or adding an item to a list (of any JSON value, or a copy
    of a sibling with one change), at any place of a real report."""
    document, target = _copy_and_place(data, which)
    if isinstance(target, dict):
        if not target:
            return
        del target[data.draw(st.sampled_from(sorted(target)))]
    elif target and data.draw(st.booleans()):
        del target[data.draw(st.integers(0, len(target) - 1))]
    else:
        sibling = copy.deepcopy(target[0]) if target else value
        if isinstance(sibling, dict) and sibling:
            sibling[data.draw(st.sampled_from(sorted(sibling)))] = value
        target.append(data.draw(st.sampled_from([value, sibling])))
    if _certainly_valid()(document):
        assert not list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))
