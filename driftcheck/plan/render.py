"""Plans for people and machines: text like ``terraform plan``, Markdown for the pull-request
comment, JSON (the plan file), GitHub workflow commands. Pure functions of the plan; every
value from the spec or the API is escaped for its format."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from driftcheck.escape import terminal
from driftcheck.plan.operation import Change, Plan
from driftcheck.plan.planfile import render_json
from driftcheck.wording import plural

if TYPE_CHECKING:
    from driftcheck.reporters import RenderOptions

MARKER = "<!-- driftcheck:plan -->"
Measure = Callable[[str], int]  # the length of a text, as the place it goes counts it
SYMBOL = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}
_VERB = {
    "create": "will be created",
    "update": "will be updated in place",
    "delete": "will be DELETED",
    "replace": "will be REPLACED (deleted, then created)",
}
CHANGE = {
    "create_connection": ("+", "create"),
    "delete_connection": ("-", "delete"),
    "replace_connection": ("-/+", "replace"),
    "add_field": ("+", "add field"),
    "update_field": ("~", "update field"),
    "delete_field": ("-", "delete field"),
    "replace_field": ("-/+", "replace field"),
    "rename_field": ("~", "rename field"),
}


def show_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def summary_line(plan: Plan) -> str:
    """'Plan: 1 to create, 2 to update, 0 to replace, 1 to delete.' (+ the flags needed,
    + what the plan leaves undone). "Datadog matches the spec" only when it does."""
    if not plan.operations:
        left = remaining(plan)
        return f"No changes planned. {left}" if left else "No changes. Datadog matches the spec."
    counts = ", ".join(f"{plan.count(a)} to {a}" for a in ("create", "update", "replace", "delete"))
    line = f"Plan: {counts}."
    if plan.flags:
        line += f" Destructive: apply needs {' '.join(plan.flags)}."
    return " ".join(filter(None, [line, remaining(plan)]))


def remaining(plan: Plan) -> str:
    """What stays different after the plan is applied ('' when nothing does): the failing
    items it does not cover ('Not in sync'), else the other items it leaves alone."""
    failing, noted = plan.failing_unplanned, len(plan.unplanned)
    if failing:
        verb = "is" if failing == 1 else "are"
        of = f" (of {noted} listed)" if noted > failing else ""
        them = "it" if failing == 1 else "them"
        return (
            f"Not in sync: {plural(failing, 'failing item')} {verb} not planned{of}; "
            f"'driftcheck check' still fails on {them}."
        )
    if noted:
        verb = "is" if noted == 1 else "are"
        if plan.base:
            return (
                f"{plural(noted, 'item')} {verb} not planned (drift from before the change, or "
                "warnings): Datadog still differs there, but 'driftcheck check' with the "
                "same --base does not fail on it."
            )
        return (
            f"{plural(noted, 'item')} {verb} not planned (warnings): 'driftcheck check' "
            "reports them but does not fail."
        )
    return ""


def _change_lines(change: Change, esc: Callable[[str], str]) -> list[str]:
    symbol, words = CHANGE[change.kind]
    head = f"{symbol} {words}"
    if change.field is not None:
        head += f" {esc(change.field)}"
    if change.flag:
        head += f"  [destructive: needs {change.flag}]"
    lines = [head]
    lines += [
        f"    {esc(name)}: {esc(show_value(old))} -> {esc(show_value(new))}"
        for name, old, new in change.attributes
    ]
    if change.reason:
        lines.append(f"    ({esc(change.reason)})")
    return lines


def render_text(plan: Plan) -> str:
    """The plan as ``terraform plan`` shows one: a block per connection, then the count."""
    lines = [f"driftcheck plan for {terminal(plan.site)} ({terminal(plan.api_url)})", ""]
    for op in plan.operations:
        lines.append(f"  # {terminal(op.key)} {_VERB[op.action]}")
        lines.append(f"  {SYMBOL[op.action]} connection {terminal(op.connection)}")
        for change in op.changes:
            lines += [f"      {line}" for line in _change_lines(change, terminal)]
        lines.append("")
    for note in plan.unplanned:
        lines.append(f"  note: not planned: {terminal(note)}")
    if plan.unplanned:
        lines.append("")
    lines.append(summary_line(plan))
    return "\n".join(lines) + "\n"


def render_markdown(plan: Plan, budget: int | None = None, measure: Measure = len) -> str:
    """The plan for a pull-request comment or the job summary (:mod:`plan.markdown`)."""
    from driftcheck.plan.markdown import render

    return render(plan, budget, measure)


def render_github(plan: Plan, options: RenderOptions | None = None) -> str:
    """The text, then workflow commands: one annotation per planned change at the spec
    line it comes from (a warning when destructive, else a notice), at most GitHub's
    10 per level (the last notice is the count, which says how many were left out)."""
    from driftcheck.reporters import RenderOptions
    from driftcheck.reporters.github import MAX_ANNOTATIONS, workflow_command

    options = options or RenderOptions()
    shown: dict[str, list[str]] = {"warning": [], "notice": []}
    room = {"warning": MAX_ANNOTATIONS, "notice": MAX_ANNOTATIONS - 1}
    more = 0
    for op in plan.operations:
        for change in op.changes:
            level = "warning" if change.flag else "notice"
            if len(shown[level]) >= room[level]:
                more += 1
                continue
            symbol, words = CHANGE[change.kind]
            title = f"driftcheck plan: {terminal(op.key)} {symbol} {words}"
            title += f" {terminal(change.field)}" if change.field is not None else ""
            title += f" (needs {change.flag})" if change.flag else ""
            message = "\n".join(
                [f"{terminal(op.key)} {_VERB[op.action]}", *_change_lines(change, terminal)]
            )
            shown[level].append(workflow_command(options, level, change.source, title, message))
    count = summary_line(plan)
    if more:
        count += (
            f" {plural(more, 'more change')} not annotated (GitHub shows at most "
            f"{MAX_ANNOTATIONS} of each per step); the plan above lists them all."
        )
    lines = [*shown["warning"], *shown["notice"]]
    lines.append(workflow_command(options, "notice", None, "driftcheck plan", count))
    return render_text(plan) + "\n".join(lines) + "\n"


Renderer = Callable[[Plan, "RenderOptions"], str]
RENDERERS: dict[str, Renderer] = {
    "text": lambda plan, _: render_text(plan),
    "json": lambda plan, _: render_json(plan),
    "markdown": lambda plan, options: render_markdown(plan, options.markdown_budget),
    "github": render_github,
}


def render_plan(plan: Plan, fmt: str, options: RenderOptions | None = None) -> str:
    """``plan`` in format ``fmt``; ``options``: where annotations and links point."""
    from driftcheck.reporters import RenderOptions

    return RENDERERS[fmt](plan, options or RenderOptions())
