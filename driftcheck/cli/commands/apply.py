"""``driftcheck apply PLAN.json`` (a saved plan, pinned to the live state it was made
against) or ``driftcheck apply PATH...`` (plan and apply in one run)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from driftcheck.cli.commands.plan import make_plan
from driftcheck.cli.context import Context, safe
from driftcheck.cli.live_reader import live_reader, resolve
from driftcheck.cli.options import ApplyOptions
from driftcheck.errors import UsageError
from driftcheck.exitcodes import ExitCode

if TYPE_CHECKING:
    from driftcheck.check import LiveReader
    from driftcheck.live.sites import Target
    from driftcheck.model import LiveState
    from driftcheck.plan.operation import Plan
    from driftcheck.plan.run import ApplyReport
    from driftcheck.retry import Deadline


def cmd_apply(options: ApplyOptions, ctx: Context) -> ExitCode:
    from driftcheck.exitcodes import decide_apply
    from driftcheck.plan.render import render_markdown as render_markdown_plan
    from driftcheck.plan.render import render_text
    from driftcheck.plan.results import render_markdown
    from driftcheck.plan.results import render_text as render_results
    from driftcheck.retry import Deadline

    if options.plan.live.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    # One deadline for the whole apply: the reads, the writes and the verification.
    deadline = Deadline.after(options.plan.live.timeout, ctx.clock)
    read = _reader(options, ctx, deadline)
    paths = options.plan.paths
    saved = any(p.endswith(".json") for p in paths)
    target = resolve(options.plan.live, ctx)
    if saved:
        plan = _saved_plan(options, target)
    else:
        made = make_plan(options.plan, ctx, read=read)
        if made is None:
            return ExitCode.LIVE_UNREADABLE
        plan = made
        if options.format == "markdown":  # the job summary: within the check's budget too
            from driftcheck.reporters import MARKDOWN_BUDGET

            shown = render_markdown_plan(plan, MARKDOWN_BUDGET)
        else:
            shown = render_text(plan)
        ctx.stdout.write(shown + "\n")
    report = _run(options, ctx, plan, target, pinned=saved, read=read, deadline=deadline)
    for message in report.unreadable:
        ctx.stderr.write(f"error: {safe(message)}\n")
    if report.unreadable:
        ctx.stderr.write("nothing was written: the live state could not be read\n")
        return ExitCode.LIVE_UNREADABLE
    render = render_markdown if options.format == "markdown" else render_results
    ctx.stdout.write(render(report))
    if report.dry_run:
        return ExitCode.OK
    return decide_apply(
        report.results,
        report.unverified,
        interrupted=report.interrupted,
        failing_unplanned=report.plan.failing_unplanned,
    )


def _saved_plan(options: ApplyOptions, target: Target) -> Plan:
    from driftcheck.plan.planfile import read_plan

    paths = options.plan.paths
    if len(paths) != 1:
        raise UsageError("apply takes one PLAN.json, or spec paths (*.yaml), not both")
    if options.plan.base or options.plan.live.entities:
        raise UsageError("--base and --entity belong to planning; a saved plan is applied whole")
    plan = read_plan(paths[0])
    if (plan.site, plan.api_url) != (target.site, target.base_url):
        raise UsageError(
            f"{safe(paths[0])} was made for {safe(plan.site)} ({safe(plan.api_url)}), but this "
            f"run targets {safe(target.site)} ({safe(target.base_url)}): give the plan's "
            "--site/--api-url, or make a plan for this site"
        )
    return plan


def _reader(options: ApplyOptions, ctx: Context, deadline: Deadline) -> LiveReader:
    """Reads within what is left of the apply's deadline (an exhausted one reads nothing)."""

    def read(entities: tuple[str, ...]) -> LiveState:
        left = max(deadline.remaining(), 0.001)
        return live_reader(replace(options.plan.live, timeout=left), ctx)(entities)

    return read


def _run(
    options: ApplyOptions,
    ctx: Context,
    plan: Plan,
    target: Target,
    *,
    pinned: bool,
    read: LiveReader,
    deadline: Deadline,
) -> ApplyReport:
    from driftcheck.live.credentials import credentials_from_env
    from driftcheck.live.writes import Writer
    from driftcheck.plan.run import refuse_missing_flags, run_apply

    refuse_missing_flags(
        plan, allow_delete=options.allow_delete, allow_replace=options.allow_replace
    )
    writer = Writer(
        target=target,
        credentials=credentials_from_env(ctx.env),
        deadline=deadline,
        sleep=ctx.sleep,
        now=ctx.now,
        log=ctx.log if ctx.debug else None,
    )
    try:
        return run_apply(
            plan,
            read=read,
            send=writer.send,
            pinned=pinned,
            allow_delete=options.allow_delete,
            allow_replace=options.allow_replace,
            dry_run=options.dry_run,
        )
    finally:
        writer.close()
