"""What every report format states alike: the counts, the status sentence, the wording of
each kind of drift, the display order of items, and values shown as compact JSON.

Nothing here escapes: the sentence holds only numbers and our own words; the other helpers
return raw data that each renderer escapes for its format. The value helpers (``show_pair``,
``line_diff``, ``Hints``, ``attribution``) are what every human format shows alike: a window
around the first difference, a line diff of multi-line text, a hint when the two sides differ
only in ways a person cannot see, and attribution worded for the item's level.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from driftcheck.escape import without_invisible
from driftcheck.model import DriftItem, Kind, Report, Severity
from driftcheck.wording import clip, plural

KINDS: tuple[Kind, ...] = ("missing", "unexpected", "changed")
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "ignored")

#: Terraform plan's symbols: what it would take to make Datadog match the spec.
SYMBOL: Mapping[Kind, str] = {"missing": "+", "unexpected": "-", "changed": "~"}
#: Each kind in words, so that nobody has to guess the direction of a symbol.
WORDING: Mapping[Kind, str] = {
    "missing": "declared in the spec, missing in Datadog",
    "unexpected": "in Datadog, not declared in the spec",
    "changed": "the spec and Datadog differ",
}
NOT_SET = "(not set)"


@dataclass(frozen=True)
class Counts:
    """The numbers of a report, as the JSON ``summary`` and every headline state them."""

    items: int
    by_kind: Mapping[Kind, int]
    by_severity: Mapping[Severity, int]
    entities_checked: int
    entities_unreadable: int
    entities_with_drift: int
    connections_checked: int
    notices: int


def count(report: Report) -> Counts:
    """Count items per kind and severity, and the entities and connections checked."""
    unreadable = {error.entity for error in report.errors}
    checked = [e for e in report.entities if e.status != "error" and e.name not in unreadable]
    kinds = Counter(item.kind for item in report.items)  # one pass each, not one per kind
    severities = Counter(item.severity for item in report.items)
    return Counts(
        items=len(report.items),
        by_kind={kind: kinds[kind] for kind in KINDS},
        by_severity={severity: severities[severity] for severity in SEVERITIES},
        entities_checked=len(checked),
        entities_unreadable=len(unreadable),
        entities_with_drift=len({item.entity for item in report.items}),
        connections_checked=sum(e.connections_checked for e in checked),
        notices=len(report.notices),
    )


def severity_phrase(counts: Counts) -> str:
    """``5 errors, 2 warnings, 1 ignored`` (zeros left out; ``no drift`` when all are zero)."""
    sev = counts.by_severity
    parts = [
        plural(sev["error"], "error"),
        plural(sev["warning"], "warning"),
        f"{sev['ignored']:,} ignored",
    ]
    kept = [part for part, n in zip(parts, sev.values(), strict=True) if n]
    return ", ".join(kept) or "no drift"


def sentence(report: Report, counts: Counts | None = None) -> str:
    """The one-line verdict that closes every format; an incomplete check says so first."""
    c = counts or count(report)
    connections = plural(c.connections_checked, "connection") + " checked"
    notices = f"; {plural(c.notices, 'notice')}" if c.notices else ""
    if report.status == "invalid":
        files = len({p.location.file for p in report.problems})
        return (
            f"INVALID: {plural(len(report.problems), 'problem')} in "
            f"{plural(files, 'spec file')}; nothing was checked"
        )
    if report.status == "error":
        total = c.entities_checked + c.entities_unreadable
        text = (
            f"INCOMPLETE: {c.entities_unreadable:,} of {plural(total, 'entity', 'entities')} "
            "could not be read"
        )
        if not c.entities_checked:
            return f"{text}; nothing was checked{notices}"
        checked = plural(c.entities_checked, "entity", "entities")
        return f"{text}; in the {checked} checked: {severity_phrase(c)} ({connections}){notices}"
    entities = plural(c.entities_checked, "entity", "entities")
    if report.base is not None and report.fail_on == "introduced":
        return _three_way_sentence(report, entities, connections, notices)
    if report.status == "drift":
        return (
            f"Drift: {severity_phrase(c)} in {c.entities_with_drift:,} of {entities} "
            f"({connections}){notices}"
        )
    qualifier = f" with {severity_phrase(c)}" if c.items else ""
    return f"In sync{qualifier}: {entities}, {connections}{notices}"


def origin_counts(report: Report) -> dict[str, int]:
    """Failing-severity items per origin, and the resolved items (a three-way check)."""
    errors = [item for item in report.items if item.severity == "error"]
    counts = {o: sum(i.origin == o for i in errors) for o in ("conflict", "introduced", "existing")}
    counts["resolved"] = len(report.resolved)
    return counts


def origin_phrase(report: Report) -> str:
    """``1 conflict · 2 introduced · 3 existing · 1 resolved`` (every origin, zeros too)."""
    counts = origin_counts(report)
    return " · ".join(
        [plural(counts["conflict"], "conflict")]
        + [f"{counts[o]:,} {o}" for o in ("introduced", "existing", "resolved")]
    )


def _three_way_sentence(report: Report, entities: str, connections: str, notices: str) -> str:
    counts = origin_counts(report)
    new = counts["conflict"] + counts["introduced"]
    where = f"{entities}, {connections}"
    if new:
        return f"This change brings drift: {origin_phrase(report)} ({where}){notices}"
    return f"No new drift from this change: {origin_phrase(report)} ({where}){notices}"


#: The items of a report by entity, as :func:`by_entity` returns them.
Groups = list[tuple[str, list[DriftItem]]]


def by_entity(report: Report) -> Groups:
    """Every entity of the report with its items, in report order (items keep their order)."""
    names = [e.name for e in report.entities] + [e.entity for e in report.errors]
    groups: dict[str, list[DriftItem]] = {name: [] for name in names}
    for item in report.items:  # an entity only items name comes after, in their order
        group = groups.get(item.entity)
        if group is None:
            group = groups[item.entity] = []
        group.append(item)
    return list(groups.items())


def by_connection(items: list[DriftItem]) -> list[tuple[str, list[DriftItem]]]:
    """Items grouped by connection, in order of first appearance."""
    groups: dict[str, list[DriftItem]] = {}
    for item in items:
        groups.setdefault(item.connection, []).append(item)
    return list(groups.items())


def subject(item: DriftItem) -> str:
    """What an item is about, below its connection: ``fields[tier].type``, ``field tier``,
    or ``connection crm`` for a whole missing or unexpected connection."""
    if item.attribute:
        return item.attribute
    if item.field is not None:
        return f"field {item.field}"
    return f"connection {item.connection}"


def show_value(value: Any, limit: int = 200) -> str:
    """A value as compact JSON (strings quoted), ``(not set)`` for None, cut at ``limit``."""
    if value is None:
        return NOT_SET
    text = json.dumps(jsonable(value), ensure_ascii=False)
    return clip(text, limit)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: mappings, sequences and sets become dicts and lists;
    dates become ISO strings; NaN, infinities and unknown objects become strings."""
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((jsonable(item) for item in value), key=json.dumps)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------- values, as people see them

LINE_DIFF_LIMIT = 40  # lines of a line diff shown; the JSON report keeps both values whole


def show_pair(expected: Any, actual: Any, limit: int = 200) -> tuple[str, str]:
    """Both sides of a changed item (:func:`show_value`), never cut so that they look the same:
    when either is longer than ``limit``, both show the same window around the first
    difference, with an ellipsis on each side that was cut."""
    left, right = show_value(expected, 10**9), show_value(actual, 10**9)
    if len(left) <= limit and len(right) <= limit:
        return left, right
    same = len(_common_prefix(left, right))
    start = max(0, same - limit // 3)
    return _window(left, start, limit), _window(right, start, limit)


def _common_prefix(left: str, right: str) -> str:
    for index, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            return left[:index]
    return left[: min(len(left), len(right))]


def _window(text: str, start: int, limit: int) -> str:
    """At most ``limit`` characters of ``text`` from ``start``, ellipses included."""
    if len(text) <= limit and not start:
        return text
    width = limit - (1 if start else 0)
    if start + width < len(text):
        width -= 1
        return ("…" if start else "") + text[start : start + width] + "…"
    return ("…" if start else "") + text[start:]


def changed_lines(item: DriftItem) -> list[str]:
    """A changed item's values, one line each and not yet escaped: the spec's, Datadog's,
    and for a conflict the base spec's (a window around the first difference when long)."""
    spec, live = show_pair(item.expected, item.actual)
    lines = [f"spec: {spec}", f"datadog: {live}"]
    if item.origin == "conflict":
        lines.append(f"base spec: {show_value(item.base_expected)}")
    return lines


def line_diff(expected: Any, actual: Any) -> list[str]:
    """A unified line diff (``-|`` spec, ``+|`` Datadog, `` |`` both) when either side is
    multi-line text, at most :data:`LINE_DIFF_LIMIT` lines; ``[]`` otherwise."""
    if not (isinstance(expected, str) and isinstance(actual, str)):
        return []
    if "\n" not in expected and "\n" not in actual:
        return []
    found = difflib.unified_diff(expected.split("\n"), actual.split("\n"), lineterm="", n=1)
    # A gutter after the marker: no shown line starts with data, so a line of the value can
    # never begin a workflow command ('::error::...') in a log, whatever the indentation.
    lines = [line if line.startswith("@@") else f"{line[0]}|{line[1:]}" for line in found][2:]
    if len(lines) > LINE_DIFF_LIMIT:
        rest = len(lines) - LINE_DIFF_LIMIT
        lines = [*lines[:LINE_DIFF_LIMIT], f"… {plural(rest, 'more line')} of diff"]
    return lines


def look_alike(left: str, right: str) -> str | None:
    """How two different strings that look the same differ: ``differ only in case``, ``...
    in Unicode normalization`` or ``... in invisible characters``; None otherwise."""
    if left == right:
        return None
    if unicodedata.normalize("NFC", left) == unicodedata.normalize("NFC", right):
        return "differ only in Unicode normalization"
    if without_invisible(left) == without_invisible(right):
        return "differ only in invisible characters"
    if left.casefold() == right.casefold():
        return "differ only in case"
    return None


def _alike_key(text: str) -> str:
    return unicodedata.normalize("NFC", without_invisible(text)).casefold()


class Hints:
    """One-line hints for the items of a report whose sides look alike: a changed value, or
    a missing and an unexpected item at the same place whose ids look alike.

    The hint of a changed value is worked out when its item is shown (a report shows a few
    hundred of its items at most); the pairs are found across the whole report up front."""

    def __init__(self, report: Report) -> None:
        self._hints: dict[int, str] = {}  # by id() of the report's own item objects
        # the changed items among them whose values are compared (when shown)
        self._values = {
            id(i) for i in report.items if i.kind == "changed" and isinstance(i.expected, str)
        }
        places: dict[tuple[str, str | None, str], list[DriftItem]] = {}
        for item in report.items:
            if item.attribute is None and id(item) not in self._values:
                ident = item.field if item.field is not None else item.connection
                level = item.connection if item.field is not None else None
                places.setdefault((item.entity, level, _alike_key(ident)), []).append(item)
        for group in places.values():
            self._pair(group)

    def _pair(self, group: list[DriftItem]) -> None:
        declared = [i for i in group if i.kind == "missing"]
        live = [i for i in group if i.kind == "unexpected"]
        for spec_item in declared:
            for live_item in live:
                spec_id, live_id = (_ident(spec_item), _ident(live_item))
                why = look_alike(spec_id, live_id)
                if why:
                    what = "field" if spec_item.field is not None else "connection"
                    text = f"{what} ids {spec_id!r} (spec) and {live_id!r} (Datadog) {why}"
                    self._hints.setdefault(id(spec_item), text)
                    self._hints.setdefault(id(live_item), text)

    def get(self, item: DriftItem) -> str | None:
        if id(item) not in self._values:
            return self._hints.get(id(item))
        why = look_alike(item.expected, item.actual) if isinstance(item.actual, str) else None
        return f"the spec and Datadog values {why}" if why else None


def _ident(item: DriftItem) -> str:
    return item.field if item.field is not None else item.connection


def attribution(item: DriftItem) -> str:
    """Who last changed the item's connection, worded for the item's level ('' if unknown)."""
    if item.attribution is None:
        return ""
    return item.attribution.describe(of_field=item.field is not None)
