"""The plan in Markdown, for its pull-request comment and the job summary.

A marker, the headline, the count line, the site (and base), a caution for destructive
plans, then a list per connection, values in code spans, prose escaped; the only code is
inline, one change per line. With a ``budget`` it degrades as the check's Markdown report
does: the head is always kept, then whole lines while they fit, and a last line says how
many changes and notes were left out and where the whole plan is; never a cut mid-line.
"""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.escape import md_code, md_text
from driftcheck.plan.operation import Change, Plan
from driftcheck.plan.render import CHANGE, MARKER, SYMBOL, Measure, show_value, summary_line
from driftcheck.wording import plural

_RESERVE = 400  # room kept for the "left out" line


def render(plan: Plan, budget: int | None = None, measure: Measure = len) -> str:
    """The plan as Markdown; with ``budget``, at most that long as ``measure`` counts."""
    head = _head(plan)
    if budget is None:
        return head + "".join(text for text, _ in _pieces(plan))
    room, used = budget - _RESERVE, measure(head)
    parts, left = [head], {"change": 0, "note": 0}
    header = ""
    for text, unit in _pieces(plan):
        if unit == "header":  # written with the first change under it, never alone
            header = text
            continue
        if not any(left.values()) and used + measure(header + text) <= room:
            parts.append(header + text)
            used += measure(header + text)
        else:
            left[unit] += 1
        header = ""
    return "".join(parts) + _left_out(left, budget)


def _head(plan: Plan) -> str:
    head = "✅ driftcheck plan: no changes" if not plan.operations else "📝 driftcheck plan"
    lines = [MARKER, f"### {head}", "", md_text(summary_line(plan)), ""]
    lines.append(f"Site: {md_code(plan.site, in_table=False)}")
    if plan.base:
        lines.append(
            f"Limited to what the change introduced since {md_code(plan.base, in_table=False)}."
        )
    lines.append("")
    if plan.flags:
        lines += [
            "> [!CAUTION]",
            f"> This plan deletes or replaces data in Datadog: apply refuses it without "
            f"{md_text(' and '.join(plan.flags))}.",
            "",
        ]
    return "\n".join(lines) + "\n"


def _pieces(plan: Plan) -> Iterator[tuple[str, str]]:
    """Each line after the head, built when asked for: a connection ("header"), a change
    ("change"), a note on what is not planned ("note")."""
    for op in plan.operations:
        yield (
            (
                f"- **{md_text(SYMBOL[op.action])} {md_text(op.action)}** "
                f"{md_code(op.key, in_table=False)}\n"
            ),
            "header",
        )
        for change in op.changes:
            yield f"  - {_change(change)}\n", "change"
    for note in plan.unplanned:
        yield f"- not planned: {md_text(note)}\n", "note"


def _change(change: Change) -> str:
    symbol, words = CHANGE[change.kind]
    text = md_text(f"{symbol} {words}")
    if change.field is not None:
        text += f" {md_code(change.field, in_table=False)}"
    if change.flag:
        text += f" ⚠️ destructive, needs {md_text(change.flag)}"
    for name, old, new in change.attributes:
        text += (
            f"; {md_code(name, in_table=False)}: {md_code(show_value(old), in_table=False)} → "
            f"{md_code(show_value(new), in_table=False)}"
        )
    if change.reason:
        text += f" ({md_text(change.reason)})"
    return text


def _left_out(left: dict[str, int], budget: int) -> str:
    """The last line when something did not fit: how much, and where the whole plan is."""
    counts = [plural(n, unit) for unit, n in left.items() if n]
    where = (
        "The whole plan: `driftcheck plan --format text` prints it (in the workflow run's "
        "log), `driftcheck plan -o PLAN.json` saves it."
    )
    size = f"to keep it under {budget:,} characters"
    return f"\n✂️ **{' and '.join(counts)} left out** {size}. {where}\n" if counts else ""
