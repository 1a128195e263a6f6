"""The drift items of the JSON report, written from one template per item.

The text is byte for byte what :func:`indented_json.dumps` writes for the item documents of
:func:`item_document` (a test compares both on generated items): a deep drift has 10,000
items of one shape, and filling a template is a third of the time of building a dict per
item and walking it key by key.
"""

from __future__ import annotations

from collections.abc import Sequence
from json.encoder import encode_basestring
from typing import Any

from driftcheck.model import Attribution, DriftItem, Location
from driftcheck.reporters.indented_json import (
    Prefixes,
    Unusual,
    Written,
    emit,
    scalar,
    write_list,
)
from driftcheck.reporters.summary import jsonable

_INDENT = "  "


def item_document(item: DriftItem) -> dict[str, Any]:
    """One drift item as plain JSON data, in the schema's key order."""
    attribution = item.attribution
    return {
        "kind": item.kind,
        "severity": item.severity,
        "entity": item.entity,
        "connection": item.connection,
        "field": item.field,
        "attribute": item.attribute,
        "expected": jsonable(item.expected),
        "actual": jsonable(item.actual),
        "source": location_document(item.source) if item.source else None,
        "attribution": None
        if attribution is None
        else {
            "created_at": attribution.created_at,
            "created_by": attribution.created_by,
            "updated_at": attribution.updated_at,
            "updated_by": attribution.updated_by,
        },
        "reason": item.reason,
        "origin": item.origin,
        "base_expected": jsonable(item.base_expected) if item.origin == "conflict" else None,
    }


def location_document(location: Location) -> dict[str, Any]:
    return {"file": location.file, "line": location.line, "column": location.column}


def written_items(items: Sequence[DriftItem]) -> Written:
    """``[item_document(i) for i in items]``, written from the template."""
    return Written(
        lambda: [item_document(item) for item in items],
        lambda newline, prefixes, parts: _write(items, newline, prefixes, parts),
    )


def _write(items: Sequence[DriftItem], newline: str, prefixes: Prefixes, parts: list[str]) -> None:
    write_list(items, newline, parts, lambda item, inner: _item(item, inner, prefixes, parts))


def _item(item: DriftItem, newline: str, prefixes: Prefixes, parts: list[str]) -> None:
    i = newline + _INDENT
    base = jsonable(item.base_expected) if item.origin == "conflict" else None
    parts.append(
        f'{{{i}"kind": {_text(item.kind)},{i}"severity": {_text(item.severity)},'
        f'{i}"entity": {_text(item.entity)},{i}"connection": {_text(item.connection)},'
        f'{i}"field": {_text(item.field)},{i}"attribute": {_text(item.attribute)},'
        f'{i}"expected": '
    )
    _value(jsonable(item.expected), i, prefixes, parts)
    parts.append(f',{i}"actual": ')
    _value(jsonable(item.actual), i, prefixes, parts)
    parts.append(
        f',{i}"source": {_location(item.source, i)},'
        f'{i}"attribution": {_attribution(item.attribution, i)},'
        f'{i}"reason": {_text(item.reason)},{i}"origin": {_text(item.origin)},'
        f'{i}"base_expected": '
    )
    _value(base, i, prefixes, parts)
    parts.append(newline + "}")


def _text(value: Any) -> str:
    """A string or null as the encoder writes it (anything else by its general rules)."""
    if type(value) is str:
        return encode_basestring(value)
    return "null" if value is None else _general(value)


def _general(value: Any) -> str:
    text = scalar(value)
    if text is None:  # a collection where a record holds a scalar: the standard encoder's
        raise Unusual
    return text


def _value(value: Any, newline: str, prefixes: Prefixes, parts: list[str]) -> None:
    if type(value) is str:
        parts.append(encode_basestring(value))
    elif value is None:
        parts.append("null")
    else:
        emit(value, newline, parts, prefixes)


def _location(location: Location | None, newline: str) -> str:
    if not location:
        return "null"
    i = newline + _INDENT
    return (
        f'{{{i}"file": {_text(location.file)},{i}"line": {_general(location.line)},'
        f'{i}"column": {_general(location.column)}{newline}}}'
    )


def _attribution(who: Attribution | None, newline: str) -> str:
    if who is None:
        return "null"
    i = newline + _INDENT
    return (
        f'{{{i}"created_at": {_text(who.created_at)},{i}"created_by": {_text(who.created_by)},'
        f'{i}"updated_at": {_text(who.updated_at)},{i}"updated_by": {_text(who.updated_by)}'
        f"{newline}}}"
    )
