"""Issue 11, the command line: global options anywhere, an unwritable job summary, and
messages that neither repeat themselves nor count what was not checked."""

from __future__ import annotations

from pathlib import Path

from fakes.datadog_api import FakeDatadog, error
from helpers import run_cli
from spec_builders import CRM, SPEC_HEAD, check, connection, write_spec


def test_debug_works_after_the_command(tmp_path: Path) -> None:
    code, out, err = check(tmp_path, SPEC_HEAD + CRM, [connection(fields=[])], "--debug")
    assert (code, err) == (0, "")
    assert "In sync" in out


def test_an_unwritable_job_summary_is_a_warning(tmp_path: Path) -> None:
    summary = tmp_path / "summary"
    summary.mkdir()  # a directory: it cannot be appended to
    code, _, err = check(
        tmp_path,
        SPEC_HEAD + CRM,
        [connection(fields=[], type="snowflake")],
        "--format",
        "github",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert code == 2
    assert err.startswith("warning:") and "job summary" in err


def test_an_unreadable_entity_is_not_said_twice(fake_datadog: FakeDatadog, tmp_path: Path) -> None:
    fake_datadog.fail_always("users", error(403, "Forbidden"))
    folder = write_spec(tmp_path / "specs", SPEC_HEAD + CRM)
    code, out, _ = run_cli("check", str(folder), env=fake_datadog.env())
    assert code == 4
    assert "NOT CHECKED" in out and "could not be read: could not read" not in out


def test_connections_ignored_by_policy_are_not_counted_as_checked(tmp_path: Path) -> None:
    spec = SPEC_HEAD.replace(
        "    connections:", "    unmanaged_connections: ignore\n    connections:"
    )
    live = [connection(fields=[]), connection("other", fields=[]), connection("third", fields=[])]
    code, out, _ = check(tmp_path, spec + CRM, live)
    assert code == 0
    assert "1 connection checked" in out and "3 connections" not in out
