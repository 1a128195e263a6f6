"""Accepted drift survives a recreate: when a connection is replaced (or a field deleted and
added back), the attributes an ``ignore`` entry covers keep Datadog's value in the body, so
that "ignored drift is never reverted" holds for destructive operations too."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from driftcheck.model import DriftItem

#: field id -> attribute -> Datadog's value (None: Datadog has none, so it is left out)
Kept = dict[str, dict[str, Any]]

CONNECTION = ""  # the key of the connection's own attributes ("type", "join.type", ...)


def kept_values(items: Iterable[DriftItem]) -> Kept:
    """The attributes of one connection whose drift was accepted by an ignore entry."""
    kept: Kept = {}
    for item in items:
        if item.severity != "ignored" or item.kind != "changed" or not item.attribute:
            continue
        if item.field is None:
            kept.setdefault(CONNECTION, {})[item.attribute] = item.actual
        else:
            name = item.attribute.removeprefix(f"fields[{item.field}].")
            kept.setdefault(item.field, {})[name] = item.actual
    return kept


def overlay(values: Mapping[str, Any], kept: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with the kept attributes set to Datadog's value ("join.type": one level)."""
    result = {k: dict(v) if isinstance(v, Mapping) else v for k, v in values.items()}
    for path, value in kept.items():
        head, _, rest = path.partition(".")
        if rest:
            inner = result.get(head)
            inner = dict(inner) if isinstance(inner, Mapping) else {}
            if value is None:
                inner.pop(rest, None)
            else:
                inner[rest] = value
            result[head] = inner
        elif value is None:
            result.pop(head, None)
        else:
            result[head] = value
    return result


def describe(kept: Kept, fields: Iterable[str] | None = None) -> str:
    """One line for the plan: what keeps Datadog's value ('' when nothing does)."""
    wanted = None if fields is None else set(fields)
    names = [
        attribute if field == CONNECTION else f"{field}.{attribute}"
        for field, attributes in sorted(kept.items())
        if wanted is None or field in wanted
        for attribute in sorted(attributes)
    ]
    if not names:
        return ""
    return "ignored drift keeps Datadog's value: " + ", ".join(names)
