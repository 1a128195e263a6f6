"""``driftcheck plan PATH...``: the operations that make Datadog equal to the specs."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import TYPE_CHECKING

from driftcheck.cli.context import Context, safe
from driftcheck.cli.live_reader import live_reader, resolve
from driftcheck.cli.options import PlanOptions
from driftcheck.cli.spec_loading import load_or_explain
from driftcheck.errors import UsageError
from driftcheck.exitcodes import ExitCode
from driftcheck.wording import plural

if TYPE_CHECKING:
    from driftcheck.check import LiveReader
    from driftcheck.model import DriftItem, LiveState
    from driftcheck.plan.operation import Plan
    from driftcheck.reporters import RenderOptions


def cmd_plan(options: PlanOptions, ctx: Context) -> ExitCode:
    from driftcheck.atomic import write_atomic
    from driftcheck.exitcodes import decide_plan
    from driftcheck.plan.planfile import render_json
    from driftcheck.plan.render import render_plan

    plan = make_plan(options, ctx)
    if plan is None:
        return ExitCode.LIVE_UNREADABLE
    if options.output:
        write_atomic(options.output, render_json(plan))
        ctx.stderr.write(f"wrote {safe(options.output)}\n")
    fmt = options.format or ("github" if ctx.env.get("GITHUB_ACTIONS") == "true" else "text")
    ctx.stdout.write(render_plan(plan, fmt, _render_options(ctx)))
    return decide_plan(plan)


def _render_options(ctx: Context) -> RenderOptions:
    """Annotation paths relative to the repository, as the check's GitHub format has them."""
    from pathlib import Path

    from driftcheck.reporters import RenderOptions
    from driftcheck.spec.repository import repository_root

    return RenderOptions(repository_root=str(repository_root(ctx.env, Path.cwd())))


def make_plan(options: PlanOptions, ctx: Context, *, read: LiveReader | None = None) -> Plan | None:
    """The plan of ``options.paths`` against the live state; None (the errors written)
    when an entity could not be read: a plan from a partial read could delete or
    recreate what it did not see."""
    from driftcheck.check import run_check, select_entities
    from driftcheck.plan.build import build_plan

    if options.revert_drift and not options.base:
        raise UsageError("--revert-drift only means something with --base REV")
    spec = load_or_explain(options.paths, ctx)
    base_spec = None
    if options.base:
        from driftcheck.base.load import load_base_spec

        base_spec = load_base_spec(options.base, options.paths, os.getcwd())
    entities = select_entities(spec, options.live.entities)
    target = resolve(options.live, ctx)
    state = (read or live_reader(options.live, ctx))(entities)
    if not _readable(state, ctx):
        return None
    report = run_check(spec, state, now=ctx.now())
    items: tuple[DriftItem, ...] = report.items
    notes: tuple[str, ...] = ()
    left: tuple[DriftItem, ...] = ()
    if base_spec is not None:
        from driftcheck.plan.base import limit_to_change

        base_report = run_check(base_spec.spec, state, now=ctx.now())
        limited = limit_to_change(
            report.items,
            base_report.items,
            base=options.base or "",
            revert_drift=options.revert_drift,
        )
        items, left, notes = limited.items, limited.left, limited.notes
    plan = build_plan(
        spec,
        state,
        items,
        api_url=target.base_url,
        now=ctx.now(),
        base=options.base,
        notes=notes,
        left=left,
    )
    _refuse_secrets(plan, ctx)
    return plan


def _refuse_secrets(plan: Plan, ctx: Context) -> None:
    """A plan must never hold a key, and masking one would send '***' to Datadog: a spec
    value equal to a key is refused (it would end up in Datadog too)."""
    from driftcheck.plan.planfile import to_dict
    from driftcheck.redact import secrets_from_env

    secrets = secrets_from_env(ctx.env)
    for op in plan.operations:
        text = json.dumps(to_dict(replace(plan, operations=(op,)))["operations"])
        if any(secret in text for secret in secrets):
            raise UsageError(
                f"the plan for {safe(op.key)} would send the value of a key (DD_API_KEY, "
                "DD_APP_KEY or GITHUB_TOKEN) to Datadog: remove it from the spec files; "
                "no plan was written"
            )


def _readable(state: LiveState, ctx: Context) -> bool:
    failed = [read for read in state.entities.values() if not read.ok]
    for read in failed:
        ctx.stderr.write(f"error: {safe(read.entity)}: {safe(read.error or 'unreadable')}\n")
    if failed:
        ctx.stderr.write(
            f"no plan: {plural(len(failed), 'entity', 'entities')} could not be read\n"
        )
    return not failed
