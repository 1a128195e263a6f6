"""The text report: grouped by entity and connection like ``terraform plan``, then a verdict.

Symbols say what it would take to make Datadog match the spec (``+`` missing in Datadog,
``-`` not in the spec, ``~`` differs), and every item also says it in words. Every value
from the API or a spec goes through :func:`escape.terminal`, so the only ANSI codes in the
output are ours, and only when ``options.color`` is set.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from driftcheck.escape import terminal, terminal_id
from driftcheck.model import DriftItem, EntityStatus, Report
from driftcheck.reporters import summary as s
from driftcheck.wording import plural

if TYPE_CHECKING:
    from driftcheck.reporters import RenderOptions

_STYLE = {"error": "31", "warning": "33", "ignored": "2", "ok": "32", "bold": "1", "alarm": "1;31"}
_VERDICT_STYLE = {"error": "alarm", "drift": "alarm", "in_sync": "ok", "invalid": "alarm"}
_ENTITY_STATE = {"in_sync": "in sync", "drift": "drift", "error": "could not be read"}


class _Paint:
    """ANSI colours when enabled; applied to text that is already escaped."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"\x1b[{_STYLE[style]}m{text}\x1b[0m" if self.enabled else text


def render(report: Report, options: RenderOptions) -> str:
    """The report as terminal text, one block per entity, closed by the verdict line."""
    paint = _Paint(options.color)
    statuses = {e.name: e for e in report.entities}
    errors = {e.entity: e.message for e in report.errors}
    hints = s.Hints(report)
    lines: list[str] = []
    if report.live is not None and report.live.snapshot is not None:
        lines += [terminal(report.live.describe()[0].upper() + report.live.describe()[1:]), ""]
    for name, items in s.by_entity(report):
        lines += _entity(
            name, items, statuses.get(name), errors.get(name), paint=paint, hints=hints
        )
        lines.append("")
    lines += _notices(report, paint)
    counts = s.count(report)
    verdict = s.sentence(report, counts)
    style = _VERDICT_STYLE[report.status]
    if report.status == "in_sync" and counts.by_severity["warning"]:
        style = "warning"
    lines.append(paint(verdict, style))
    if options.width:
        lines = [part for line in lines for part in _wrap(line, options.width)]
    return "\n".join(lines) + "\n"


def _wrap(line: str, width: int) -> list[str]:
    """``line`` wrapped at spaces to ``width`` columns, continuations indented under its
    text; a single token longer than the line (an id, a URL) is kept whole, never cut."""
    if len(line) <= width:
        return [line]
    indent = " " * (len(line) - len(line.lstrip(" ")) + 4)
    return textwrap.wrap(
        line,
        width,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [line]


def _entity(
    name: str,
    items: list[DriftItem],
    status: EntityStatus | None,
    error: str | None,
    *,
    paint: _Paint,
    hints: s.Hints,
) -> list[str]:
    title = paint(terminal_id(name), "bold")
    if error is not None:
        said = error if error.startswith("could not read") else f"could not be read: {error}"
        return [f"{title}: {paint('NOT CHECKED', 'alarm')}: {terminal(said)}"]
    state = _ENTITY_STATE[status.status] if status else "drift"
    checked = f", {plural(status.connections_checked, 'connection')} checked" if status else ""
    lines = [f"{title}: {state}{checked}"]
    for connection, group in s.by_connection(items):
        if len(group) == 1 and _whole_connection(group[0]):
            lines += _item(group[0], paint, hints, indent=2)  # the item is the header
            continue
        lines.append(f"  connection {terminal_id(connection)}")
        for item in group:
            lines += _item(item, paint, hints, indent=4)
    return lines


def _whole_connection(item: DriftItem) -> bool:
    return item.field is None and item.attribute is None


def _item(item: DriftItem, paint: _Paint, hints: s.Hints, *, indent: int) -> list[str]:
    symbol = paint(s.SYMBOL[item.kind], item.severity)
    tag = paint(f"[{item.severity}{', ' + item.origin if item.origin else ''}]", item.severity)
    lines = [
        f"{' ' * indent}{symbol} {terminal_id(s.subject(item))}: {s.WORDING[item.kind]}  {tag}"
    ]
    pad = " " * (indent + 4)
    lines += _values(item, pad)
    hint = hints.get(item)
    if hint:
        lines.append(f"{pad}note: {terminal(hint)}")
    if item.source is not None:
        lines.append(f"{pad}at {terminal(str(item.source))}")
    if s.attribution(item):
        lines.append(f"{pad}{terminal(s.attribution(item))}")
    if item.severity == "ignored":
        lines.append(f"{pad}{paint('ignored', 'ignored')}: {terminal(item.reason or 'no reason')}")
    return lines


def _values(item: DriftItem, pad: str) -> list[str]:
    """The spec and Datadog sides: a window around the first difference, then a line diff
    of multi-line text."""
    if item.kind != "changed":
        lines = []
        if item.expected is not None:
            lines.append(f"{pad}spec:    {terminal(s.show_value(item.expected))}")
        if item.actual is not None:
            lines.append(f"{pad}datadog: {terminal(s.show_value(item.actual))}")
        return lines
    spec, live = s.show_pair(item.expected, item.actual)
    lines = [f"{pad}spec:    {terminal(spec)}", f"{pad}datadog: {terminal(live)}"]
    diff = s.line_diff(item.expected, item.actual)
    if diff:
        lines.append(f"{pad}line diff (- spec, + datadog):")
        lines += [f"{pad}  {terminal(line)}" for line in diff]
    return lines


def _notices(report: Report, paint: _Paint) -> list[str]:
    if not report.notices:
        return []
    lines = [paint("notices:", "bold")]
    for notice in report.notices:
        lines.append(
            f"  {paint('warning', 'warning')}: {terminal(str(notice.source))}: "
            f"{terminal(notice.message)}"
        )
    return [*lines, ""]
