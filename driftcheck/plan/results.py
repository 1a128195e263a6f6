"""An apply's report for people: text (the terminal, the log) and Markdown (the job
summary). Pure; values from the spec or the API are escaped."""

from __future__ import annotations

import json

from driftcheck.escape import md_code, md_text, terminal
from driftcheck.plan.operation import Plan
from driftcheck.plan.render import remaining, summary_line
from driftcheck.plan.run import ApplyReport

_SYMBOL = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}
_WORD = {"applied": "applied", "failed": "FAILED", "not_attempted": "not attempted"}


def dry_run_text(plan: Plan) -> str:
    """The requests an apply would send, in order per operation; nothing is sent."""
    lines = ["Dry run: these requests would be sent (none was):", ""]
    for op in plan.operations:
        lines.append(f"# {terminal(op.key)} ({op.action})")
        for request in op.requests:
            lines.append(f"{request.method} {terminal(request.path)}")
            if request.body is not None:
                body = json.dumps(request.body, indent=2, ensure_ascii=False)
                lines += [terminal(line) for line in body.splitlines()]
        lines.append("")
    return "\n".join(lines)


def verdict(report: ApplyReport) -> str:
    counts = {k: sum(1 for r in report.results if r.outcome == k) for k in _WORD}
    line = (
        f"Apply: {counts['applied']} applied, {counts['failed']} failed, "
        f"{counts['not_attempted']} not attempted."
    )
    if report.interrupted:
        line += " Interrupted (^C): nothing was verified."
    if counts["failed"] or counts["not_attempted"]:
        line += " Run 'driftcheck plan' again: it shows exactly what remains."
    elif report.unverified:
        line += f" Verification: {len(report.unverified)} planned change(s) missing in Datadog."
    elif report.results and not report.interrupted:
        line += " Verified: Datadog now has every planned change."
        if remaining(report.plan):
            line += f" {remaining(report.plan)}"
    return line


def render_text(report: ApplyReport) -> str:
    if report.dry_run:
        return dry_run_text(report.plan)
    if not report.plan.operations:
        return "\n".join([*_not_planned(report.plan), summary_line(report.plan)]) + "\n"
    lines = []
    for result in report.results:
        op = result.operation
        line = f"{_WORD[result.outcome]:<14} {_SYMBOL[op.action]:<3} {terminal(op.key)}"
        if result.message:
            line += f": {terminal(result.message)}"
        if result.uncertain:
            line += " (UNCERTAIN: re-read the connection before retrying)"
        lines.append(line)
    lines += [f"unverified     {terminal(problem)}" for problem in report.unverified]
    lines += [*_not_planned(report.plan), "", verdict(report)]
    return "\n".join(lines) + "\n"


def _not_planned(plan: Plan) -> list[str]:
    """The drift the plan leaves alone, one line each (apply PLAN.json shows no plan)."""
    return [f"not planned     {terminal(note)}" for note in plan.unplanned]


def render_markdown(report: ApplyReport) -> str:
    """The apply for the job summary: a table of operations and their outcome."""
    lines = ["<!-- driftcheck:apply -->", "### driftcheck apply", ""]
    if report.dry_run or not report.results:
        return "\n".join([*lines, md_text(render_text(report).strip()), ""])
    lines += ["| Outcome | Action | Connection | Message |", "|---|---|---|---|"]
    for result in report.results:
        op = result.operation
        lines.append(
            f"| {md_text(_WORD[result.outcome])} | {md_text(op.action)} | {md_code(op.key)} | "
            f"{md_code(result.message) if result.message else ''} |"
        )
    lines += [""]
    lines += [f"- unverified: {md_code(p, in_table=False)}" for p in report.unverified]
    lines += [f"- not planned: {md_text(note)}" for note in report.plan.unplanned]
    lines += ["", md_text(verdict(report)), ""]
    return "\n".join(lines)
