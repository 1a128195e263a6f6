"""Issue 11: `check --format json` prints a JSON report for every outcome, and a check from a
snapshot says so (file and read time) in every format, with a bounded age and size."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fakes.datadog_api import FakeDatadog, sample_connection
from helpers import run_cli, write_live_snapshot
from spec_builders import CRM, SPEC_HEAD, connection, write_spec

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "driftcheck-report.schema.json").read_text("utf-8"))
READ_AT = "2026-11-29T21:40:58Z"
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)  # the snapshot is 11 h 19 min old


def valid_report(text: str) -> dict[str, Any]:
    document = json.loads(text)
    jsonschema.validate(document, SCHEMA)
    return document


def test_an_invalid_spec_gives_a_json_report_with_every_problem(tmp_path: Path) -> None:
    folder = write_spec(
        tmp_path / "specs",
        "version: 1\nentities:\n  users:\n    connections:\n      - {id: crm, type: ref_table}\n",
    )
    snapshot = write_live_snapshot(tmp_path / "live.json", {"users": []})
    report_file = tmp_path / "report.json"
    code, out, err = run_cli(
        "check",
        str(folder),
        "--live-snapshot",
        snapshot,
        "--format",
        "json",
        "--report-json",
        str(report_file),
        now=NOW,
    )
    assert code == 3
    document = valid_report(out)
    assert document["status"] == "invalid"
    assert [(p["file"], p["line"], p["column"]) for p in document["problems"]] == [
        (str(folder / "users.yaml"), 5, 9)
    ]
    assert "join" in document["problems"][0]["message"]
    assert valid_report(report_file.read_text("utf-8")) == document
    assert "users.yaml:5:9" in err  # people still get the problems on stderr


def test_missing_credentials_give_a_json_report(tmp_path: Path) -> None:
    folder = write_spec(tmp_path / "specs", SPEC_HEAD + CRM)
    code, out, err = run_cli("check", str(folder), "--format", "json", now=NOW)
    assert code == 4
    document = valid_report(out)
    assert document["status"] == "error"
    assert [e["entity"] for e in document["errors"]] == ["users"]
    assert "DD_API_KEY" in document["errors"][0]["message"]
    assert "DD_API_KEY" in err


def test_an_unreadable_snapshot_gives_a_json_report(tmp_path: Path) -> None:
    folder = write_spec(tmp_path / "specs", SPEC_HEAD + CRM)
    (tmp_path / "live.json").write_text("{", encoding="utf-8")
    code, out, _ = run_cli(
        "check", str(folder), "--live-snapshot", str(tmp_path / "live.json"), "--format", "json"
    )
    assert code == 4
    assert valid_report(out)["status"] == "error"


# ------------------------------------------------------------------ snapshots


def snapshot_check(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> Any:
    folder = write_spec(tmp_path / "specs", SPEC_HEAD + CRM)
    snapshot = write_live_snapshot(
        tmp_path / "live.json",
        {"users": [connection(fields=[], type="snowflake")]},
        read_at=READ_AT,
    )
    return snapshot, run_cli(
        "check", str(folder), "--live-snapshot", snapshot, *extra, env=env or {}, now=NOW
    )


@pytest.mark.parametrize("fmt", ["text", "markdown", "github"])
def test_a_check_from_a_snapshot_names_it_and_its_read_time(tmp_path: Path, fmt: str) -> None:
    snapshot, (code, out, _) = snapshot_check(tmp_path, "--format", fmt)
    assert code == 2
    assert (
        "snapshot" in out and snapshot in out.replace("\\", "") and READ_AT in out.replace("\\", "")
    )
    assert "2026-11-30T09:00:00Z" not in out.replace("\\", "")


def test_the_json_report_says_where_the_live_state_came_from(tmp_path: Path) -> None:
    snapshot, (code, out, _) = snapshot_check(tmp_path, "--format", "json")
    document = valid_report(out)
    assert document["live"] == {"source": "snapshot", "snapshot": snapshot, "read_at": READ_AT}
    assert code == 2


def test_the_job_summary_names_the_snapshot(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    snapshot, (code, _, _) = snapshot_check(
        tmp_path, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    text = summary.read_text("utf-8").replace("\\", "")
    assert code == 2
    assert snapshot in text and READ_AT in text


def test_max_snapshot_age_refuses_an_older_snapshot(tmp_path: Path) -> None:
    _, (code, _, err) = snapshot_check(tmp_path, "--max-snapshot-age", "6h")
    assert code == 4
    assert "11h19m" in err or "11 h" in err or "11h 19m" in err
    assert "--max-snapshot-age 6h" in err
    _, (code, _, _) = snapshot_check(tmp_path / "b", "--max-snapshot-age", "1d")
    assert code == 2


@pytest.mark.parametrize("bad", ["6", "h", "-1h", "1y", ""])
def test_max_snapshot_age_is_a_duration(tmp_path: Path, bad: str) -> None:
    _, (code, _, err) = snapshot_check(tmp_path, f"--max-snapshot-age={bad}")
    assert code == 1
    assert "--max-snapshot-age" in err and "e.g. 24h" in err


def test_the_snapshot_size_is_checked_before_the_specs_are_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from driftcheck.live import snapshot as module

    monkeypatch.setattr(module, "MAX_SNAPSHOT_BYTES", 100)
    folder = write_spec(tmp_path / "specs", "version: 2\n")  # invalid: never loaded
    snapshot = write_live_snapshot(tmp_path / "live.json", {"users": [sample_connection()]})
    code, _, err = run_cli("check", str(folder), "--live-snapshot", snapshot)
    assert code == 4
    assert "larger than" in err and "version" not in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    folder = write_spec(tmp_path / "specs", SPEC_HEAD + CRM)
    fifo = tmp_path / "live.json"
    os.mkfifo(fifo)
    started = time.monotonic()
    code, _, err = run_cli("check", str(folder), "--live-snapshot", str(fifo))
    assert time.monotonic() - started < 5
    assert code == 4
    assert "not a regular file" in err


def test_a_device_is_refused(tmp_path: Path) -> None:
    folder = write_spec(tmp_path / "specs", SPEC_HEAD + CRM)
    code, _, err = run_cli("check", str(folder), "--live-snapshot", os.devnull)
    assert code == 4
    assert "not a regular file" in err


def test_snapshot_stores_lone_surrogates_escaped(fake_datadog: FakeDatadog, tmp_path: Path) -> None:
    odd = sample_connection()
    odd["fields"][0]["description"] = "half \ud800 a pair"
    fake_datadog.set_connections("users", [odd])
    path = tmp_path / "live.json"
    code, _, err = run_cli("snapshot", "--entity", "users", "-o", str(path), env=fake_datadog.env())
    assert code == 0, err
    assert "\\ud800" in path.read_text("utf-8")
    saved = json.loads(path.read_text("utf-8"))
    assert saved["entities"]["users"]["connections"][0]["fields"][0]["description"] == (
        "half \ud800 a pair"
    )
