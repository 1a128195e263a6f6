"""The Markdown report, for a pull-request comment and the GitHub job summary.

It starts with a hidden marker line, then a status headline, the verdict, a summary table,
and per entity with drift a ``<details>`` table of items linking to the spec lines. It stays
within ``options.markdown_budget`` characters: the head is always kept, then items in order
until the budget is reached, then a line saying how many were left out.

Values are code spans (:func:`escape.md_code`), prose is :func:`escape.md_text`; the only
HTML is our own ``<details>``/``<summary>`` lines, which never hold data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftcheck.escape import md_code, md_text, url_path
from driftcheck.model import DriftItem, EntityStatus, Location, Report
from driftcheck.reporters import summary as s
from driftcheck.wording import clip, plural

if TYPE_CHECKING:
    from driftcheck.reporters import RenderOptions

MARKER = "<!-- driftcheck:report -->"
_RESERVE = 400  # room kept for the "left out" note
_CELL = 120  # longest value shown in a table cell
_PROSE = 300  # longest message or reason shown
_MAX_ERRORS = 20
_MAX_ENTITY_ROWS = 50
_ICON = {"error": "❌", "warning": "⚠️", "ignored": "💤"}
_HEADLINE = {
    "error": "🛑 driftcheck: check incomplete",
    "drift": "❌ driftcheck: drift found",
    "in_sync": "✅ driftcheck: in sync",
}
_STATE = {"in_sync": "✅ in sync", "drift": "❌ drift", "error": "🛑 could not be read"}
_KIND = {"missing": "missing in Datadog", "unexpected": "not in the spec", "changed": "changed"}
_NOTICE = {"stale_ignore": "stale ignore entry", "expired_ignore": "expired ignore entry"}
_TABLE = (
    "| | Change | Connection | What | Spec | Datadog | Source | Note |\n"
    "|---|---|---|---|---|---|---|---|\n"
)


@dataclass(frozen=True)
class _Block:
    """A section whose rows may be cut: opening and closing are kept with its first row."""

    opening: str
    rows: list[str]
    closing: str
    unit: str  # "item" or "notice"


def render(report: Report, options: RenderOptions) -> str:
    """The report as GitHub-flavoured Markdown, at most ``options.markdown_budget`` long."""
    counts = s.count(report)
    head = _head(report, counts)
    if len(head) + _RESERVE > options.markdown_budget:
        head = _headline(report, counts)
    blocks = [_notices(report, options), *_entities(report, options)]
    return _fit(head, [b for b in blocks if b.rows], options.markdown_budget)


def _fit(head: str, blocks: list[_Block], budget: int) -> str:
    parts, used = [head], len(head)
    room = budget - _RESERVE
    left = {"item": 0, "notice": 0}
    full = False
    for block in blocks:
        shown = 0
        for row in block.rows:
            opening = "" if shown else block.opening
            full = full or used + len(opening) + len(row) + len(block.closing) > room
            if full:
                break
            parts += [opening, row]
            used += len(opening) + len(row)
            shown += 1
        left[block.unit] += len(block.rows) - shown
        if shown:
            parts.append(block.closing)
            used += len(block.closing)
    return "".join(parts) + _left_out(left, budget)


def _left_out(left: dict[str, int], budget: int) -> str:
    if not any(left.values()):
        return ""
    what = " and ".join(plural(n, unit) for unit, n in left.items() if n)
    return (
        f"✂️ **{what} left out** to keep this report under {budget:,} characters. "
        "`driftcheck check --report-json FILE` writes the whole report.\n"
    )


# ---------------------------------------------------------------- head


def _headline(report: Report, counts: s.Counts) -> str:
    title = _HEADLINE[report.status]
    if report.status == "in_sync" and counts.by_severity["warning"]:
        title = "⚠️ driftcheck: in sync, with warnings"
    return f"{MARKER}\n\n## {title}\n\n**{s.sentence(report, counts)}**\n\n"


def _head(report: Report, counts: s.Counts) -> str:
    meta = (
        f"Site {md_code(report.site, in_table=False)} · read at "
        f"{md_code(report.generated_at, in_table=False)} · driftcheck "
        f"{md_code(report.driftcheck_version, in_table=False)}\n\n"
    )
    return _headline(report, counts) + meta + _errors(report) + _summary_table(report)


def _errors(report: Report) -> str:
    if not report.errors:
        return ""
    n = len(report.errors)
    lines = [
        "> [!CAUTION]",
        f"> **The check is incomplete:** {plural(n, 'entity', 'entities')} could not be "
        f"read, so {'its' if n == 1 else 'their'} drift is unknown. Fix the cause and rerun.",
        ">",
    ]
    for error in report.errors[:_MAX_ERRORS]:
        lines.append(
            f"> - {md_code(error.entity, in_table=False)}: {md_text(clip(error.message, _PROSE))}"
        )
    if n > _MAX_ERRORS:
        lines.append(f"> - and {n - _MAX_ERRORS:,} more")
    return "\n".join(lines) + "\n\n"


def _summary_table(report: Report) -> str:
    statuses = {e.name: e for e in report.entities}
    unreadable = {e.entity for e in report.errors}
    rows = [
        "| Entity | Status | Connections checked | Errors | Warnings | Ignored |",
        "|:--|:--|--:|--:|--:|--:|",
    ]
    groups = s.by_entity(report)
    for name, items in groups[:_MAX_ENTITY_ROWS]:
        rows.append(_summary_row(name, items, statuses.get(name), name in unreadable))
    if len(groups) > _MAX_ENTITY_ROWS:
        rows.append(f"| and {len(groups) - _MAX_ENTITY_ROWS:,} more | | | | | |")
    return "\n".join(rows) + "\n\n"


def _summary_row(
    name: str, items: list[DriftItem], status: EntityStatus | None, unreadable: bool
) -> str:
    if unreadable or (status and status.status == "error"):
        return f"| {md_code(name)} | {_STATE['error']} | — | — | — | — |"
    state = _STATE[status.status] if status else _STATE["drift"]
    checked = f"{status.connections_checked:,}" if status else "—"
    sev = [sum(i.severity == severity for i in items) for severity in s.SEVERITIES]
    return f"| {md_code(name)} | {state} | {checked} | " + " | ".join(map(str, sev)) + " |"


# ---------------------------------------------------------------- sections


def _notices(report: Report, options: RenderOptions) -> _Block:
    rows = [
        f"- ⚠️ {_NOTICE.get(n.kind, 'notice')}: {md_text(clip(n.message, _PROSE))} "
        f"({_link(n.source, options)})\n"
        for n in report.notices
    ]
    return _Block("### Notices\n\n", rows, "\n", "notice")


def _entities(report: Report, options: RenderOptions) -> list[_Block]:
    blocks = []
    hints = s.Hints(report)
    for name, items in s.by_entity(report):
        if not items:
            continue
        worst = next(sev for sev in s.SEVERITIES if any(i.severity == sev for i in items))
        rank = {severity: index for index, severity in enumerate(s.SEVERITIES)}
        ordered = sorted(items, key=lambda item: rank[item.severity])  # failing rows first
        phrase = ", ".join(
            f"{n:,} {sev}{'s' if n != 1 and sev != 'ignored' else ''}"
            for sev in s.SEVERITIES
            if (n := sum(i.severity == sev for i in items))
        )
        opening = (
            f"### {_ICON[worst]} {md_code(name, in_table=False)}\n\n"
            f"<details{' open' if worst == 'error' else ''}>\n"
            f"<summary>{phrase}</summary>\n\n{_TABLE}"
        )
        blocks.append(
            _Block(
                opening,
                [_row(item, options, hints.get(item)) for item in ordered],
                "\n</details>\n\n",
                "item",
            )
        )
    return blocks


def _row(item: DriftItem, options: RenderOptions, hint: str | None) -> str:
    if item.attribute:
        what = md_code(item.attribute)
    elif item.field is not None:
        what = f"field {md_code(item.field)}"
    else:
        what = "whole connection"
    if item.kind == "changed":
        spec, live = (md_code(v) for v in s.show_pair(item.expected, item.actual, _CELL))
    else:
        spec = _value(item.expected) if item.expected is not None else "—"
        live = _value(item.actual) if item.actual is not None else "—"
    source = _link(item.source, options) if item.source else "—"
    notes = []
    if item.severity == "ignored":
        notes.append("ignored: " + md_text(clip(item.reason or "no reason given", _PROSE)))
    if hint:
        notes.append(md_text(clip(hint, _PROSE)))
    if s.attribution(item):
        notes.append(md_text(clip(s.attribution(item), _PROSE)))
    cells = [
        f"{_ICON[item.severity]} {item.severity}",
        _KIND[item.kind],
        md_code(item.connection),
        what,
        spec,
        live,
        source,
        "; ".join(notes) or " ",
    ]
    return "| " + " | ".join(cells) + " |\n"


def _value(value: object) -> str:
    return md_code(s.show_value(value, _CELL))


def _link(location: Location, options: RenderOptions) -> str:
    path = location.file.removeprefix("./")
    href = f"{options.link_base or ''}{url_path(path)}#L{location.line}"
    return f"[{md_text(f'{path}:{location.line}')}]({href})"
