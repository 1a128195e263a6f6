"""One apply from start to end: flags, pin, writes, verification. Returns an
:class:`ApplyReport` or raises a whole-run refusal; never prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from driftcheck.errors import StalePlan, UsageError
from driftcheck.model import LiveState
from driftcheck.plan.apply import (
    WORKERS,
    Interrupted,
    OperationResult,
    Send,
    execute,
    missing_flags,
    stale,
    unreadable,
    verify,
)
from driftcheck.plan.operation import Plan

Read = Callable[[tuple[str, ...]], LiveState]


@dataclass(frozen=True, kw_only=True)
class ApplyReport:
    """What an apply did: per operation, and what the verification still found."""

    plan: Plan
    results: tuple[OperationResult, ...] = ()
    unverified: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()
    dry_run: bool = False
    interrupted: bool = False  # ^C: the results say what was done until then; no verification


def refuse_missing_flags(plan: Plan, *, allow_delete: bool, allow_replace: bool) -> None:
    """Safety rule 1: the whole plan is refused, before any request, when a destructive
    operation lacks its flag; the message lists each one."""
    missing = missing_flags(plan, allow_delete=allow_delete, allow_replace=allow_replace)
    if not missing:
        return
    flags = sorted({f for _, needed in missing for f in needed})
    lines = [
        f"the plan holds {len(missing)} destructive operation(s); nothing was sent. "
        f"Review them, then run apply again with {' '.join(flags)}:"
    ]
    lines += [f"  {op.action} {op.key}: needs {' '.join(needed)}" for op, needed in missing]
    raise UsageError("\n".join(lines))


def run_apply(
    plan: Plan,
    *,
    read: Read,
    send: Send,
    pinned: bool,
    allow_delete: bool,
    allow_replace: bool,
    dry_run: bool = False,
    workers: int = WORKERS,
) -> ApplyReport:
    """Apply ``plan``. ``pinned``: it is a saved plan, so the live state is read again first
    and any touched connection that moved refuses the plan (:class:`StalePlan`)."""
    refuse_missing_flags(plan, allow_delete=allow_delete, allow_replace=allow_replace)
    if not plan.operations:
        return ApplyReport(plan=plan, dry_run=dry_run)
    entities = tuple(dict.fromkeys(op.entity for op in plan.operations))
    if pinned:
        live = read(entities)
        failed = unreadable(plan, live)
        if failed:
            return ApplyReport(plan=plan, unreadable=failed, dry_run=dry_run)
        moved = stale(plan, live)
        if moved:
            lines = [
                f"the plan is stale: {len(moved)} connection(s) changed in Datadog since "
                f"it was made at {plan.created_at}; nothing was written. Make a new plan:"
            ]
            lines += [f"  {m.message}" for m in moved]
            raise StalePlan("\n".join(lines))
    if dry_run:
        return ApplyReport(plan=plan, dry_run=True)
    try:
        results = execute(plan.operations, send, workers=workers)
    except Interrupted as stop:
        return ApplyReport(plan=plan, results=stop.results, interrupted=True)
    applied = tuple(r.operation for r in results if r.outcome == "applied")
    problems: tuple[str, ...] = ()
    if applied:
        problems = verify(applied, read(tuple(dict.fromkeys(op.entity for op in applied))))
    return ApplyReport(plan=plan, results=results, unverified=problems)
