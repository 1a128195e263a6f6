"""The text report: grouped by entity and connection like ``terraform plan``, then a verdict.

Symbols say what it would take to make Datadog match the spec (``+`` missing in Datadog,
``-`` not in the spec, ``~`` differs), and every item also says it in words. Every value
from the API or a spec goes through :func:`escape.terminal`, so the only ANSI codes in the
output are ours, and only when ``options.color`` is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck.escape import terminal
from driftcheck.model import DriftItem, EntityStatus, Report
from driftcheck.reporters import summary as s
from driftcheck.wording import plural

if TYPE_CHECKING:
    from driftcheck.reporters import RenderOptions

_STYLE = {"error": "31", "warning": "33", "ignored": "2", "ok": "32", "bold": "1", "alarm": "1;31"}
_VERDICT_STYLE = {"error": "alarm", "drift": "alarm", "in_sync": "ok"}
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
    lines: list[str] = []
    for name, items in s.by_entity(report):
        lines += _entity(name, items, statuses.get(name), errors.get(name), paint)
        lines.append("")
    lines += _notices(report, paint)
    counts = s.count(report)
    verdict = s.sentence(report, counts)
    style = _VERDICT_STYLE[report.status]
    if report.status == "in_sync" and counts.by_severity["warning"]:
        style = "warning"
    lines.append(paint(verdict, style))
    return "\n".join(lines) + "\n"


def _entity(
    name: str, items: list[DriftItem], status: EntityStatus | None, error: str | None, paint: _Paint
) -> list[str]:
    title = paint(terminal(name), "bold")
    if error is not None:
        return [f"{title}: {paint('NOT CHECKED', 'alarm')}: could not be read: {terminal(error)}"]
    state = _ENTITY_STATE[status.status] if status else "drift"
    checked = f", {plural(status.connections_checked, 'connection')} checked" if status else ""
    lines = [f"{title}: {state}{checked}"]
    for connection, group in s.by_connection(items):
        if len(group) == 1 and _whole_connection(group[0]):
            lines += _item(group[0], paint, indent=2)  # the item is the connection's header
            continue
        lines.append(f"  connection {terminal(connection)}")
        for item in group:
            lines += _item(item, paint, indent=4)
    return lines


def _whole_connection(item: DriftItem) -> bool:
    return item.field is None and item.attribute is None


def _item(item: DriftItem, paint: _Paint, *, indent: int) -> list[str]:
    symbol = paint(s.SYMBOL[item.kind], item.severity)
    tag = paint(f"[{item.severity}]", item.severity)
    lines = [f"{' ' * indent}{symbol} {terminal(s.subject(item))}: {s.WORDING[item.kind]}  {tag}"]
    pad = " " * (indent + 4)
    if item.kind == "changed" or item.expected is not None:
        lines.append(f"{pad}spec:    {terminal(s.show_value(item.expected))}")
    if item.kind == "changed" or item.actual is not None:
        lines.append(f"{pad}datadog: {terminal(s.show_value(item.actual))}")
    if item.source is not None:
        lines.append(f"{pad}at {terminal(str(item.source))}")
    if item.attribution is not None and item.attribution.describe():
        lines.append(f"{pad}{terminal(item.attribution.describe())}")
    if item.severity == "ignored":
        lines.append(f"{pad}{paint('ignored', 'ignored')}: {terminal(item.reason or 'no reason')}")
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
