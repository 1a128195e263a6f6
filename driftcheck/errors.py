"""Whole-run failures. Each carries the exit code that ``cli.main`` returns for it.

Per-item problems (a drift item, an unreadable entity) are data, not exceptions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck.exitcodes import ExitCode
from driftcheck.wording import plural

if TYPE_CHECKING:
    from driftcheck.model import Problem


class DriftcheckError(Exception):
    """Base of every error driftcheck reports to the user without a traceback."""

    exit_code: ExitCode = ExitCode.ERROR


class UsageError(DriftcheckError):
    """The command line or environment is wrong (exit 1)."""


class SpecPathMissing(UsageError):
    """A spec path given on the command line does not exist (exit 1, like any input the
    command line names wrongly): nothing was validated, so it is not an invalid spec (3)."""

    def __init__(self, paths: tuple[str, ...], cwd: str) -> None:
        import os

        self.paths = paths
        named = ", ".join(repr(p) for p in paths)
        noun = "spec path" if len(paths) == 1 else "spec paths"
        verb = "does" if len(paths) == 1 else "do"
        where = "" if all(os.path.isabs(p) for p in paths) else f" (looked up from {cwd})"
        super().__init__(
            f"{noun} {named} {verb} not exist{where}: name existing spec "
            "files or folders, e.g. 'datadog/'; 'driftcheck validate --find-specs' finds the "
            "specs under the current folder"
        )


class SpecInvalid(DriftcheckError):
    """One or more spec files are invalid (exit 3); carries every problem found."""

    exit_code = ExitCode.SPEC_INVALID

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__(f"{plural(len(problems), 'problem')} in the spec files")


class BaseSpecInvalid(DriftcheckError):
    """The spec at the ``--base`` revision is invalid (exit 3): origins cannot be told."""

    exit_code = ExitCode.SPEC_INVALID

    def __init__(self, rev: str, problems: tuple[Problem, ...]) -> None:
        self.rev, self.problems = rev, problems
        shown = "\n".join(
            f"  {p.location.file if p.location.line == 0 else p.location}: {p.message}"
            for p in problems[:10]
        )
        more = f"\n  and {len(problems) - 10} more" if len(problems) > 10 else ""
        super().__init__(
            f"the spec at the base revision {rev!r} is invalid "
            f"({plural(len(problems), 'problem')}), so the drift cannot be told apart "
            f"by origin:\n{shown}{more}\nfix the base branch, or check without --base"
        )


class LiveReadError(DriftcheckError):
    """The live state could not be read at all (exit 4), e.g. missing credentials.

    ``entities``: those that were to be read, when known (a JSON report lists them)."""

    exit_code = ExitCode.LIVE_UNREADABLE

    def __init__(self, message: str, *, entities: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.entities = entities


class OutputError(DriftcheckError):
    """A report or file could not be written (exit 1)."""


class StalePlan(DriftcheckError):
    """A saved plan whose connections changed in Datadog since it was made (exit 5)."""

    exit_code = ExitCode.STALE_PLAN


class PlanConflict(DriftcheckError):
    """``plan --base``: the change and Datadog changed the same attribute (exit 2)."""

    exit_code = ExitCode.DRIFT


class Terminated(BaseException):
    """SIGTERM arrived (a cancelled CI job): raised like ^C, so that every ``finally`` and
    cleanup runs (temporary files are removed) before driftcheck exits 143."""
