"""The head of the Markdown report: the hidden marker, the headline, the one summary line
(``1 conflict · 2 introduced · 3 existing · 1 resolved``), the verdict, the site, the base
and the version, the incomplete-check caution, and a summary table of 5 columns."""

from __future__ import annotations

from collections import Counter

from driftcheck.escape import md_code, md_text
from driftcheck.model import EntityStatus, Report
from driftcheck.reporters import summary as s
from driftcheck.wording import clip, plural

MARKER = "<!-- driftcheck:report -->"
_PROSE = 300
_MAX_ERRORS = 20
_MAX_ENTITY_ROWS = 50


def headline(report: Report, counts: s.Counts) -> str:
    return f"{MARKER}\n\n## {_title(report, counts)}\n\n**{_summary_line(report, counts)}**\n\n"


def _title(report: Report, counts: s.Counts) -> str:
    if report.status == "invalid":
        return "🛑 driftcheck: spec files invalid"
    if report.status == "error":
        return "🛑 driftcheck: check incomplete"
    if report.base is not None and report.fail_on == "introduced":
        o = s.origin_counts(report)
        if o["conflict"]:
            return "⚔️ driftcheck: this change conflicts with edits made in Datadog"
        if o["introduced"]:
            return "❌ driftcheck: this change makes the spec and Datadog differ"
        if o["existing"]:
            return "✅ driftcheck: no new drift from this change (Datadog drifted before it)"
    if report.status == "drift":
        return "❌ driftcheck: drift found"
    if counts.by_severity["warning"]:
        return "⚠️ driftcheck: in sync, with warnings"
    return "✅ driftcheck: in sync"


def _summary_line(report: Report, counts: s.Counts) -> str:
    if report.problems:
        files = len({p.location.file for p in report.problems})
        count = plural(len(report.problems), "problem")
        return f"The spec is invalid: {count} in {plural(files, 'file')}"
    parts = [s.origin_phrase(report)] if report.base is not None else []
    sev = counts.by_severity
    if report.base is None:
        parts.append(plural(sev["error"], "error"))
    if sev["warning"]:
        parts.append(plural(sev["warning"], "warning"))
    if sev["ignored"]:
        parts.append(f"{sev['ignored']:,} ignored")
    if counts.entities_unreadable:
        parts.append(f"{plural(counts.entities_unreadable, 'entity', 'entities')} unreadable")
    return " · ".join(parts)


def head(report: Report, counts: s.Counts, groups: s.Groups) -> str:
    """The head; ``groups``: the report's items by entity (``summary.by_entity``)."""
    live = report.live
    meta = [f"Site {md_code(report.site, in_table=False)}"]
    if live is not None and live.snapshot is not None:  # never the time of the check
        meta = [
            f"Live state from the snapshot {md_code(live.snapshot, in_table=False)} "
            f"(site {md_code(report.site, in_table=False)})"
        ]
    meta.append(read_time(report))
    if report.base is not None:
        meta.append(
            f"base {md_code(report.base.rev, in_table=False)} "
            f"({md_code(report.base.commit[:12], in_table=False)})"
        )
    meta.append(f"driftcheck {md_code(report.driftcheck_version, in_table=False)}")
    # the sentence holds our words and numbers only (no data): no escaping needed
    verdict = f"{s.sentence(report, counts)}\n\n{' · '.join(meta)}\n\n"
    table = "" if report.problems else _summary_table(report, groups)  # nothing compared
    return headline(report, counts) + verdict + _errors(report) + table


def read_time(report: Report) -> str:
    """The time of the read as the head writes it (``read at `...```): the live state's
    read, else the check's own time. The comment's digest leaves exactly this text out."""
    live = report.live
    read_at = live.read_at if live is not None else report.generated_at
    return f"read at {md_code(read_at, in_table=False)}"


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


def _summary_table(report: Report, groups: s.Groups) -> str:
    statuses = {e.name: e for e in report.entities}
    unreadable = {e.entity for e in report.errors}
    rows = [
        "| Entity | Status | Connections | Failing | Warnings · ignored |",
        "|:--|:--|--:|--:|--:|",
    ]
    failing = Counter(item.entity for item in report.failing)  # one pass, not one per row
    quiet = Counter(item.entity for item in report.items if item.severity != "error")
    for name, _ in groups[:_MAX_ENTITY_ROWS]:
        counts = (failing[name], quiet[name])
        rows.append(_summary_row(name, statuses.get(name), name in unreadable, counts))
    if len(groups) > _MAX_ENTITY_ROWS:
        rows.append(f"| and {len(groups) - _MAX_ENTITY_ROWS:,} more | | | | |")
    return "\n".join(rows) + "\n\n"


_STATE = {"in_sync": "✅ in sync", "drift": "❌ drift", "error": "🛑 could not be read"}


def _summary_row(
    name: str, status: EntityStatus | None, unreadable: bool, counts: tuple[int, int]
) -> str:
    """One entity's row; ``counts``: its failing items, and its warnings and ignored ones."""
    if unreadable or (status and status.status == "error"):
        return f"| {md_code(name)} | {_STATE['error']} | — | — | — |"
    state = _STATE[status.status] if status else _STATE["drift"]
    checked = f"{status.connections_checked:,}" if status else "—"
    failing, quiet = counts
    return f"| {md_code(name)} | {state} | {checked} | {failing:,} | {quiet:,} |"
