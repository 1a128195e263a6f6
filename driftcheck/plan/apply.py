"""Executing a plan, with its safety rules. Returns values; never prints.

1. Destructive operations need their flag: without it the plan is refused as a whole,
   before any request (:func:`missing_flags`).
2. A saved plan is pinned: each touched connection must still have the live value it was
   planned against (:func:`stale`), else nothing is written.
4. Writes are never retried blindly (``driftcheck.live.writes``).
5. The first failure stops new operations; those in flight finish; every operation ends
   ``applied``, ``failed`` (with Datadog's message) or ``not_attempted``.
6. The touched entities are read again and every planned difference must be gone.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from driftcheck.live.writes import WriteRequest, WriteResult
from driftcheck.model import LiveState
from driftcheck.plan.effects import find, remaining_differences, took_effect
from driftcheck.plan.operation import Operation, Plan, fingerprint

WORKERS = 8
Send = Callable[[WriteRequest, Callable[[tuple[Mapping[str, Any], ...]], bool]], WriteResult]
Outcome = Literal["applied", "failed", "not_attempted"]


@dataclass(frozen=True, kw_only=True)
class OperationResult:
    """What became of one operation; ``done`` counts its requests that took effect."""

    operation: Operation
    outcome: Outcome
    message: str = ""
    done: int = 0
    uncertain: bool = False


@dataclass(frozen=True, kw_only=True)
class Staleness:
    """A connection whose live value moved since the plan was made."""

    operation: Operation
    message: str


def missing_flags(
    plan: Plan, *, allow_delete: bool, allow_replace: bool
) -> tuple[tuple[Operation, tuple[str, ...]], ...]:
    """Every operation that needs a flag not given, with the flags it needs."""
    given = {"--allow-delete": allow_delete, "--allow-replace": allow_replace}
    found = []
    for op in plan.operations:
        needed = tuple(f for f in op.flags if not given[f])
        if needed:
            found.append((op, needed))
    return tuple(found)


def unreadable(plan: Plan, live: LiveState) -> tuple[str, ...]:
    """The messages of the entities of ``plan`` that could not be read."""
    touched = dict.fromkeys(op.entity for op in plan.operations)
    return tuple(
        live.entities[e].error or f"{e}: could not be read"
        for e in touched
        if e not in live.entities or not live.entities[e].ok
    )


def stale(plan: Plan, live: LiveState) -> tuple[Staleness, ...]:
    """The operations whose connection changed since the plan (all entities read)."""
    found = []
    for op in plan.operations:
        current = find(live.entities[op.entity].connections or (), op.connection)
        now = fingerprint(current)
        if (now.exists, now.sha256) == (op.fingerprint.exists, op.fingerprint.sha256):
            continue
        if not op.fingerprint.exists:
            what = "was created in Datadog since the plan"
        elif not now.exists:
            what = "was deleted in Datadog since the plan"
        else:
            what = "changed in Datadog since the plan"
        attribution = " ".join(
            part
            for part in (
                f"updated_at {now.updated_at}" if now.updated_at else "",
                f"by {now.updated_by}" if now.updated_by else "",
            )
            if part
        )
        message = f"{op.key} {what}" + (f" ({attribution})" if now.exists and attribution else "")
        found.append(Staleness(operation=op, message=message))
    return tuple(found)


def execute(
    operations: tuple[Operation, ...], send: Send, *, workers: int = WORKERS
) -> tuple[OperationResult, ...]:
    """Run ``operations``: different connections in parallel (at most ``workers``), the
    requests of one operation in order. After a failure no operation starts."""
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(operations)):
        todo.put(index)
    results: dict[int, OperationResult] = {}
    stop = threading.Event()
    crashed: list[BaseException] = []

    def work() -> None:
        while not stop.is_set():
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                results[index] = _run(operations[index], send)
            except BaseException as exc:  # handed to the waiting thread
                crashed.append(exc)
                stop.set()
                return
            if results[index].outcome == "failed":
                stop.set()

    threads = [
        threading.Thread(target=work, name=f"driftcheck-apply-{n}", daemon=True)
        for n in range(max(1, min(workers, len(operations))))
    ]
    interrupted = False
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        # ^C: no operation starts; those in flight finish (each within the deadline) so that
        # the report can say what was applied. A second ^C stops waiting.
        stop.set()
        interrupted = True
        for thread in threads:
            if thread.ident is not None:  # started (^C may come inside start())
                thread.join()
    finally:
        stop.set()
    if crashed:
        raise crashed[0]
    done = tuple(
        results.get(i) or OperationResult(operation=op, outcome="not_attempted")
        for i, op in enumerate(operations)
    )
    if interrupted:
        raise Interrupted(done)
    return done


class Interrupted(KeyboardInterrupt):
    """^C during an apply, with what became of every operation until then."""

    def __init__(self, results: tuple[OperationResult, ...]) -> None:
        super().__init__("interrupted")
        self.results = results


def _run(op: Operation, send: Send) -> OperationResult:
    for done, request in enumerate(op.requests):
        result = send(request, took_effect(request))
        if not result.applied:
            step = f"{request.method} {request.path}"
            message = f"{step} failed: {result.message}"
            if done:
                message += f" (after {done} of {len(op.requests)} requests took effect)"
            return OperationResult(
                operation=op,
                outcome="failed",
                message=message,
                done=done,
                uncertain=result.uncertain,
            )
    return OperationResult(operation=op, outcome="applied", done=len(op.requests))


def verify(operations: tuple[Operation, ...], live: LiveState) -> tuple[str, ...]:
    """Every planned difference that the live state still shows, or an unreadable entity."""
    problems: list[str] = []
    for op in operations:
        read = live.entities.get(op.entity)
        if read is None or not read.ok:
            problems.append(f"{op.key}: could not be read back to verify it")
            continue
        problems += remaining_differences(op, read.connections or ())
    return tuple(problems)
