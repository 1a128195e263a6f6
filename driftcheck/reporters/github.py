"""GitHub Actions output: one annotation per failing item at its spec line, and the verdict.

GitHub shows at most 10 error and 10 warning annotations per step and drops the rest
silently, so we emit at most 10 of each and one ``::notice`` that counts the others.
Data is escaped with :func:`escape.workflow_property` / :func:`escape.workflow_data` (after
:func:`escape.terminal`), so no value can end a command or start a new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck.escape import terminal, terminal_id, workflow_data, workflow_property
from driftcheck.model import DriftItem, Location, Report
from driftcheck.reporters import repository_path
from driftcheck.reporters import summary as s
from driftcheck.wording import plural

if TYPE_CHECKING:
    from driftcheck.reporters import RenderOptions

MAX_ANNOTATIONS = 10  # per level, per step: GitHub's limit


def render(report: Report, options: RenderOptions) -> str:
    """Workflow commands for the failing items and entity errors, then a plain verdict line.
    Invalid spec files get one ``::error`` per problem at its file, line and column."""
    return _problems(report, options) if report.problems else _drift(report, options)


def _drift(report: Report, options: RenderOptions) -> str:
    """Only the annotations GitHub shows are built: past the cap of each level, items are
    counted, not formatted (a deep drift has thousands of them)."""
    errors = [
        workflow_command(
            options,
            "error",
            None,
            "driftcheck: entity could not be read",
            f"{terminal_id(e.entity)}: could not be read, its drift is unknown: "
            f"{terminal(e.message)}",
        )
        for e in report.errors[:MAX_ANNOTATIONS]
    ]
    warnings: list[str] = []
    more_errors = max(0, len(report.errors) - MAX_ANNOTATIONS)
    more_warnings = 0
    hints = s.Hints(report)
    for item in report.items:  # with a base, drift from before the change only warns
        if item.fails(report.fail_on):
            if len(errors) < MAX_ANNOTATIONS:
                errors.append(_item(options, item, hints.get(item), "error"))
            else:
                more_errors += 1
        elif item.severity in ("error", "warning"):
            if len(warnings) < MAX_ANNOTATIONS:
                warnings.append(_item(options, item, hints.get(item), "warning"))
            else:
                more_warnings += 1
    room = max(0, MAX_ANNOTATIONS - len(warnings))
    warnings += [
        workflow_command(
            options,
            "warning",
            n.source,
            f"driftcheck: {n.kind.replace('_', ' ')}",
            terminal(n.message),
        )
        for n in report.notices[:room]
    ]
    more_warnings += len(report.notices) - min(room, len(report.notices))
    lines = errors + warnings + _more(options, more_errors, more_warnings)
    if report.live is not None and report.live.snapshot is not None:
        lines.append(f"driftcheck: {terminal(report.live.describe())}")
    lines.append(f"driftcheck: {s.sentence(report)}")
    return "\n".join(lines) + "\n"


def _problems(report: Report, options: RenderOptions) -> str:
    """One ``::error`` per problem of invalid spec files (capped), then the verdict line.
    Every problem is also in the log: the CLI prints the text list on stderr."""
    lines = [
        workflow_command(
            options, "error", p.location, "driftcheck: spec invalid", terminal(p.message)
        )
        for p in report.problems[:MAX_ANNOTATIONS]
    ]
    more = len(report.problems) - MAX_ANNOTATIONS
    if more > 0:
        lines.append(
            workflow_command(
                options,
                "notice",
                None,
                "driftcheck: more problems",
                f"{plural(more, 'more problem')} not annotated (GitHub shows at most "
                f"{MAX_ANNOTATIONS} errors per step); the log"
                + (f" and {options.full_report}" if options.full_report else "")
                + " list them all",
            )
        )
    files = len({p.location.file for p in report.problems})
    count = plural(len(report.problems), "problem")
    lines.append(f"driftcheck: spec invalid: {count} in {plural(files, 'file')}")
    return "\n".join(lines) + "\n"


def _item(options: RenderOptions, item: DriftItem, hint: str | None, level: str) -> str:
    where = f"{terminal_id(item.entity)}/{terminal_id(item.connection)}"
    origin = _ORIGIN.get(item.origin or "", "")
    title = f"driftcheck: {terminal_id(s.subject(item))} {_TITLE[item.kind]}{origin}"
    lines = [f"{where}: {terminal_id(s.subject(item))}: {s.WORDING[item.kind]}"]
    if item.kind == "changed":
        lines += map(terminal, s.changed_lines(item))
        diff = s.line_diff(item.expected, item.actual)
        if diff:
            lines += ["line diff (- spec, + datadog):", *map(terminal, diff)]
    else:
        if item.expected is not None:
            lines.append(f"spec: {terminal(s.show_value(item.expected))}")
        if item.actual is not None:
            lines.append(f"datadog: {terminal(s.show_value(item.actual))}")
    if hint:
        lines.append(f"note: {terminal(hint)}")
    if s.attribution(item):
        lines.append(terminal(s.attribution(item)))
    return workflow_command(options, level, item.source, terminal(title), "\n".join(lines))


_ORIGIN = {
    "introduced": " (introduced by this change)",
    "conflict": " (conflict: also changed in Datadog)",
    "existing": " (drifted before this change)",
}
_TITLE = {
    "missing": "missing in Datadog",
    "unexpected": "not in the spec",
    "changed": "differs from the spec",
}


def _more(options: RenderOptions, more_errors: int, more_warnings: int) -> list[str]:
    """The ``::notice`` counting items past GitHub's cap, if any."""
    if not (more_errors or more_warnings):
        return []
    counted = " and ".join(
        plural(n, f"more {level}")
        for level, n in (("error", more_errors), ("warning", more_warnings))
        if n
    )
    message = (
        f"{counted} not annotated (GitHub shows at most {MAX_ANNOTATIONS} of each per step); "
        + _full_list(options)
    )
    return [workflow_command(options, "notice", None, "driftcheck: more drift", message)]


def _full_list(options: RenderOptions) -> str:
    """Where the items past the cap can be read: only a place this run writes."""
    if options.full_report:
        return f"all are listed in {options.full_report}"
    return "run driftcheck check with --format text (or --report-json FILE) to list them all"


def workflow_command(
    options: RenderOptions, level: str, source: Location | None, title: str, message: str
) -> str:
    """``::level file=F,line=L,col=C,title=T::message``; data is already terminal-escaped.
    The file is relative to the repository, as GitHub expects."""
    props = []
    if source is not None:
        path = repository_path(source.file, options)
        props.append(f"file={workflow_property(path)}")
        if source.line > 0:
            props += [f"line={source.line}", f"col={max(source.column, 1)}"]
    props.append(f"title={workflow_property(title)}")
    return f"::{level} {','.join(props)}::{workflow_data(message)}"
