"""Ignore entries: which drift items they accept, which ones expired, which ones are stale."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from driftcheck.model import DriftItem, IgnoreRule, LiveState, Notice, Spec

KNOWN_ATTRIBUTES = (
    "type",
    "join",
    "join.attribute",
    "join.type",
    "metadata",
    "metadata.*",
    "source_name",
    "display_name",
    "description",
    "groups",
)


#: Characters a backslash makes literal in a selector.
_ESCAPABLE = frozenset("*?\\")


def glob(name: str, pattern: str) -> bool:
    """Whether ``name`` matches selector ``pattern``: ``*`` is any run of characters and ``?``
    one character; a backslash before ``*``, ``?`` or a backslash makes that character
    literal (``crm\\*`` selects ``crm*`` only), before any other character it is itself
    literal; everything else, ``[`` and ``]`` included, is literal (ids may hold them)."""
    if "*" not in pattern and "?" not in pattern and "\\" not in pattern:
        return name == pattern
    return _compiled(pattern).fullmatch(name) is not None


def escape(text: str) -> str:
    """The selector that selects exactly the id ``text``: ``*``, ``?`` and ``\\`` escaped."""
    return "".join("\\" + c if c in _ESCAPABLE else c for c in text)


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    chars = iter(pattern)
    for c in chars:
        if c == "\\":
            following = next(chars, "")
            if following and following in _ESCAPABLE:
                parts.append(re.escape(following))
            else:  # literal backslash, and the next character read as usual
                parts.append(re.escape(c) + _part(following))
        else:
            parts.append(_part(c))
    return re.compile("".join(parts), re.DOTALL)


def _part(c: str) -> str:
    return ".*" if c == "*" else "." if c == "?" else re.escape(c)


def split_expired(
    rules: Sequence[IgnoreRule], today: dt.date
) -> tuple[list[IgnoreRule], list[Notice]]:
    """Rules still in force, and a notice for each that expired (after its ``expires`` day)."""
    active, notices = [], []
    for rule in rules:
        if rule.expires is not None and today > rule.expires:
            notices.append(
                Notice(
                    kind="expired_ignore",
                    message=f"ignore entry for {_selector(rule)} expired "
                    f"on {rule.expires.isoformat()} and no longer applies: renew "
                    "'expires' or remove the entry",
                    source=rule.location,
                )
            )
        else:
            active.append(rule)
    return active, notices


def apply(items: Iterable[DriftItem], rules: Sequence[IgnoreRule]) -> list[DriftItem]:
    """Items with those that an active rule selects turned into severity 'ignored'."""
    if not rules:
        return list(items)
    out = []
    for item in items:
        rule = next((r for r in rules if matches(r, item)), None)
        out.append(replace(item, severity="ignored", reason=rule.reason) if rule else item)
    return out


def relative_attribute(item: DriftItem) -> str | None:
    """The item's attribute below its connection or field ('description', 'metadata.owner')."""
    if item.attribute is None or item.field is None:
        return item.attribute
    # The field id is known: cut it off as a whole (ids are free text, "]." included).
    return item.attribute.removeprefix(f"fields[{item.field}].")


def matches(rule: IgnoreRule, item: DriftItem) -> bool:
    """Whether ``rule`` selects ``item``. Omitted selectors select anything below, except
    that an ``attribute`` without a ``field`` names the connection's own attribute only."""
    if not glob(item.entity, rule.entity):
        return False
    if rule.connection is not None and not glob(item.connection, rule.connection):
        return False
    if rule.field is not None and (item.field is None or not glob(item.field, rule.field)):
        return False
    if rule.attribute is None:
        return True
    if rule.field is None and item.field is not None:
        return False  # no 'field': the rule is about the connection's own attribute
    attribute = relative_attribute(item)
    if attribute is None:
        return False
    return glob(attribute, rule.attribute) or glob(attribute, rule.attribute + ".*")


def stale(rules: Sequence[IgnoreRule], spec: Spec, live: LiveState) -> list[Notice]:
    """Notices for active rules that select nothing declared or live.

    A rule whose entity was not checked, or could not be read, is never called stale.
    """
    notices = []
    index: dict[str, list[tuple[str, set[str]]]] = {}  # built once per entity, not per rule
    for rule in rules:
        why = _why_stale(rule, spec, live, index)
        if why:
            notices.append(
                Notice(
                    kind="stale_ignore",
                    message=(
                        f"ignore entry for {_selector(rule)} {why}; remove it or fix its selectors"
                    ),
                    source=rule.location,
                )
            )
    return notices


def _why_stale(
    rule: IgnoreRule, spec: Spec, live: LiveState, index: dict[str, list[tuple[str, set[str]]]]
) -> str | None:
    names = set(spec.entities) | set(live.entities)
    entities = [n for n in names if glob(n, rule.entity)]
    if not entities:
        return "matches no entity"
    if any(n not in live.entities or not live.entities[n].ok for n in entities):
        return None  # not checked or unreadable in this run: cannot tell
    for name in entities:
        if name not in index:
            index[name] = _connections(spec, live, name)
    connections = [c for n in entities for c in index[n]]
    if rule.connection is not None:
        connections = [c for c in connections if glob(c[0], rule.connection)]
        if not connections:
            return "matches no connection declared or live"
    if rule.field is not None and not any(
        glob(f, rule.field) for _, fields in connections for f in fields
    ):
        return "matches no field declared or live"
    if rule.attribute is not None and not any(
        glob(a, rule.attribute) or glob(rule.attribute, a) for a in KNOWN_ATTRIBUTES
    ):
        return f"names no attribute (attributes: {', '.join(KNOWN_ATTRIBUTES)})"
    return None


def _connections(spec: Spec, live: LiveState, entity: str) -> list[tuple[str, set[str]]]:
    found: dict[str, set[str]] = {}
    declared = spec.entities.get(entity)
    for conn in declared.connections if declared else ():
        found.setdefault(conn.id, set()).update(f.id for f in conn.fields)
    for raw in live.entities[entity].connections or ():
        found.setdefault(raw["id"], set()).update(_ids(raw.get("fields")))
    return list(found.items())


def _ids(fields: Any) -> list[str]:
    return [
        f["id"] for f in fields or () if isinstance(f, Mapping) and isinstance(f.get("id"), str)
    ]


def _selector(rule: IgnoreRule) -> str:
    parts = [rule.entity] + [p for p in (rule.connection, rule.field, rule.attribute) if p]
    return "/".join(parts)
