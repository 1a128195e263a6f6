"""Where a command may write: never over a file of the runner's.

GitHub Actions reads the job summary and its file commands (``GITHUB_OUTPUT``, ``GITHUB_ENV``,
``GITHUB_PATH``, ``GITHUB_STATE``) from files: a report written over one would replace the
summary, or set variables and outputs of the next steps from data a pull request controls.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from driftcheck.errors import UsageError
from driftcheck.escape import terminal

RUNNER_FILES = ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE")


def refuse_runner_files(
    outputs: Sequence[tuple[str, str | None]], env: Mapping[str, str], *, folder: bool = False
) -> None:
    """Raise :class:`UsageError` when an output (``(option, path)``) is one of the runner's
    files, or (``folder``) a folder holding one; before any work is done."""
    runner = {
        name: os.path.realpath(env[name]) for name in RUNNER_FILES if env.get(name, "").strip()
    }
    for option, value in outputs:
        if not value:
            continue
        path = os.path.realpath(value)
        for name, file in runner.items():
            if path == file or (folder and os.path.dirname(file) == path):
                what = "holds" if path != file else "is"
                raise UsageError(
                    f"{option} {terminal(value)} {what} the file of ${name}, which the "
                    "GitHub runner reads: give the output a path of its own"
                )
