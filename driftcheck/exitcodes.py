"""Exit codes, and the one function that decides the code of a finished check."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from driftcheck.model import Report
    from driftcheck.plan.apply import OperationResult
    from driftcheck.plan.operation import Plan


class ExitCode(IntEnum):
    """The process exit codes of every driftcheck command (README, ``--help``)."""

    OK = 0
    ERROR = 1
    DRIFT = 2
    SPEC_INVALID = 3
    LIVE_UNREADABLE = 4
    STALE_PLAN = 5
    EXPORT_PARTIAL = 6
    INTERRUPTED = 130
    TERMINATED = 143


EPILOG = """\
exit codes:
  0    in sync (check) / valid (validate); apply: applied and verified, nothing
       that check fails on remains
  1    usage error (also a spec path that does not exist) or internal error
       (traceback only with --debug)
  2    drift found / plan has operations (like terraform plan -detailed-exitcode);
       apply: verification found planned changes missing in Datadog, or failing
       drift that the plan does not cover remains (listed as "not planned")
  3    spec invalid (files that were read and found wrong)
  4    live state could not be read completely (network, auth, API errors);
       apply: an operation failed (the report says what was applied)
  5    apply: the saved plan is stale (Datadog changed since the plan); nothing written
  6    export: partial; some live connections cannot be written as spec v1 (named in
       the files and on stderr); the rest was written
  130  interrupted (^C, SIGINT)
  143  terminated (SIGTERM, as when a GitHub job is cancelled)
"""


def decide(report: Report, *, report_only: bool = False) -> ExitCode:
    """Exit code of a finished check: an unreadable entity always wins over drift.

    ``report_only`` turns drift (2) into 0 and changes nothing else. Which items fail is
    the report's ``fail_on``: with ``--base``, by default only what the change introduces.
    """
    if report.problems:
        return ExitCode.SPEC_INVALID
    if report.errors:
        return ExitCode.LIVE_UNREADABLE
    if report.status == "drift":
        return ExitCode.OK if report_only else ExitCode.DRIFT
    return ExitCode.OK


def decide_plan(plan: Plan) -> ExitCode:
    """Exit code of a finished plan: 2 when it holds operations, else 0."""
    return ExitCode.DRIFT if plan.operations else ExitCode.OK


def decide_apply(
    results: tuple[OperationResult, ...],
    unverified: tuple[str, ...],
    *,
    interrupted: bool = False,
    failing_unplanned: int = 0,
) -> ExitCode:
    """Exit code of a finished apply: ^C (130) wins, then a failed or unattempted operation
    (4), then a verification that found planned changes missing, or failing drift that the
    plan does not cover (``check`` still fails on it): 2."""
    if interrupted:
        return ExitCode.INTERRUPTED
    if any(r.outcome != "applied" for r in results):
        return ExitCode.LIVE_UNREADABLE
    return ExitCode.DRIFT if unverified or failing_unplanned else ExitCode.OK
