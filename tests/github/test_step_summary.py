"""Appending the report to the GitHub Actions job summary, under its 1 MiB limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftcheck.errors import OutputError
from driftcheck.github.step_summary import STEP_SUMMARY_LIMIT, append_step_summary


def test_step_summary_is_appended_after_existing_content(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("# earlier step\n", encoding="utf-8")
    append_step_summary(str(path), "## report")
    assert path.read_text(encoding="utf-8") == "# earlier step\n\n## report\n"


def test_step_summary_is_created_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    append_step_summary(str(path), "## report\n")
    assert path.read_text(encoding="utf-8") == "## report\n"


def test_step_summary_stays_under_one_mebibyte(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_bytes(b"x" * (STEP_SUMMARY_LIMIT - 1000))
    append_step_summary(str(path), "é" * 2000)  # 4,000 bytes: does not fit
    assert path.stat().st_size < STEP_SUMMARY_LIMIT
    assert path.read_text(encoding="utf-8").endswith(
        "did not fit in the job summary (1 MiB); see the job log.\n"
    )


def test_step_summary_writes_nothing_when_even_the_note_does_not_fit(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_bytes(b"x" * (STEP_SUMMARY_LIMIT - 10))
    append_step_summary(str(path), "## report")
    assert path.stat().st_size == STEP_SUMMARY_LIMIT - 10


def test_step_summary_write_failure_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot append the job summary"):
        append_step_summary(str(tmp_path), "## report")
