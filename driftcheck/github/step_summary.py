"""The GitHub Actions job summary (``$GITHUB_STEP_SUMMARY``): appending a report to it."""

from __future__ import annotations

import os

from driftcheck.errors import OutputError

STEP_SUMMARY_LIMIT = 1024 * 1024  # GitHub rejects a job summary of 1 MiB or more


def append_step_summary(path: str, markdown: str) -> None:
    """Append ``markdown`` to the job summary file, keeping it under GitHub's 1 MiB limit:
    when it would not fit, a one-line note is appended instead (or nothing, if even that
    would not fit)."""
    note = "driftcheck: the report did not fit in the job summary (1 MiB); see the job log.\n"
    try:
        size = os.path.getsize(path) if os.path.exists(path) else 0
        for text in (markdown, note):
            data = ("\n" if size else "") + text + ("" if text.endswith("\n") else "\n")
            if size + len(data.encode("utf-8")) < STEP_SUMMARY_LIMIT:
                with open(path, "a", encoding="utf-8") as handle:
                    handle.write(data)
                return
    except OSError as exc:
        raise OutputError(f"{path}: cannot append the job summary: {exc.strerror or exc}") from exc
