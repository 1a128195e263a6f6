"""The shared shape rules for live data (API responses and snapshots) and error bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from driftcheck.live.payload import (
    PayloadError,
    connections_from_response,
    describe_error_body,
    parse_json,
    validate_connections,
)


def response(connections: Any) -> dict[str, Any]:
    return {
        "data": {"type": "list_connections_response", "attributes": {"connections": connections}}
    }


def test_connections_are_returned_untouched_with_unknown_keys() -> None:
    items = [{"id": "a", "new_thing": [1, 2], "fields": [{"id": "f", "extra": None}]}, {"id": "b"}]
    assert connections_from_response(response(items)) == tuple(items)


def test_the_same_ids_may_repeat_across_connections_fields() -> None:
    items = [{"id": "a", "fields": [{"id": "f"}]}, {"id": "b", "fields": [{"id": "f"}]}]
    assert len(connections_from_response(response(items))) == 2


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ("x", "conns is a string, expected a list"),
        ([{"id": ""}], "conns[0].id is '' (a string), expected a non-empty string"),
        ([{"id": "a", "fields": [{"id": "f"}, "g"]}], "conns[0].fields[1] is a string"),
        ([{"id": "a", "fields": [{"name": "f"}]}], "conns[0].fields[0].id is missing"),
        ([{"id": "a"}, {"id": True}], "conns[1].id is True (a boolean)"),
    ],
)
def test_validate_connections_names_the_place(value: Any, where: str) -> None:
    with pytest.raises(PayloadError, match=None) as caught:
        validate_connections(value, "conns")
    assert where in str(caught.value)


def test_validate_connections_accepts_null_as_none() -> None:
    assert validate_connections(None, "x") == ()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty"),
        (b"{", "the file is not valid JSON"),
        (b'{"a": Infinity}', "Infinity is not allowed"),
        (b"\xff\xfe\xfd", "the file is not"),
    ],
)
def test_parse_json_names_what_was_parsed(data: bytes, problem: str) -> None:
    with pytest.raises(PayloadError) as caught:
        parse_json(data, "the file")
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("body", "content_type", "shown"),
    [
        (b'{"errors": ["Forbidden"]}', "application/json", "Forbidden"),
        (
            b'{"errors": ["a", {"title": "T", "detail": "D"}, {"status": "400"}]}',
            "application/json",
            'a; T: D; {"status":"400"}',
        ),
        (b'{"errors": [{"detail": "only detail"}]}', "application/json", "only detail"),
        (b'{"errors": []}', "application/json", '{"errors":[]}'),
        (b"", "application/json", ""),
        (b"  plain\n  text  ", "text/plain", "plain text"),
        (
            b"<html><head><TITLE>\n Oops </TITLE></head></html>",
            "text/html",
            "an HTML page titled 'Oops', not a JSON error",
        ),
        (b"<p>no title</p>", "", "an HTML page, not a JSON error"),
    ],
)
def test_describe_error_body(body: bytes, content_type: str, shown: str) -> None:
    assert describe_error_body(body, content_type) == shown


def _nest(levels: int) -> Any:
    """``levels`` lists and objects inside each other, alternating, among scalars."""
    value: Any = "leaf"
    for level in range(levels):
        value = {"k": value, "s": "x"} if level % 2 else [1, value, None]
    return value


@pytest.mark.parametrize("levels", [1, 2, 63, 64])
def test_json_nested_up_to_the_limit_is_read(levels: int) -> None:
    assert parse_json(json.dumps(_nest(levels)).encode(), "the body") == _nest(levels)


@pytest.mark.parametrize("levels", [65, 66, 200])
def test_json_nested_past_the_limit_is_refused_whatever_its_shape(levels: int) -> None:
    wide = [_nest(3), {"a": [_nest(levels - 1)]}, "z"]  # the deep branch beside shallow ones
    for value in (_nest(levels), wide):
        with pytest.raises(PayloadError, match="nested deeper than 64 levels"):
            parse_json(json.dumps(value).encode(), "the body")
