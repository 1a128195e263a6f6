"""Exit codes, and the one function that decides the code of a finished check."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from driftcheck.model import Report


class ExitCode(IntEnum):
    """The process exit codes of every driftcheck command (README, ``--help``)."""

    OK = 0
    ERROR = 1
    DRIFT = 2
    SPEC_INVALID = 3
    LIVE_UNREADABLE = 4
    INTERRUPTED = 130


EPILOG = """\
exit codes:
  0    in sync (check) / valid (validate)
  1    usage error or internal error (traceback only with --debug)
  2    drift found (like terraform plan -detailed-exitcode)
  3    spec invalid
  4    live state could not be read completely (network, auth, API errors)
  130  interrupted
"""


def decide(report: Report, *, report_only: bool = False) -> ExitCode:
    """Exit code of a finished check: an unreadable entity always wins over drift.

    ``report_only`` turns drift (2) into 0 and changes nothing else. Which items fail is
    the report's ``fail_on``: with ``--base``, by default only what the change introduces.
    """
    if report.errors:
        return ExitCode.LIVE_UNREADABLE
    if report.status == "drift":
        return ExitCode.OK if report_only else ExitCode.DRIFT
    return ExitCode.OK
