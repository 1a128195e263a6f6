"""Issue 11, export: one odd connection does not cost the entity, no line ends in whitespace,
and an unknown entity is a usage error before any request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fakes.datadog_api import FakeDatadog, sample_connection
from helpers import run_cli, write_live_snapshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "odd", [{"type": None}, {"type": 7}, {"join": {"attribute": 1, "type": "email"}}]
)
def test_one_unexportable_connection_is_skipped_and_named(
    tmp_path: Path, odd: dict[str, object]
) -> None:
    bad = sample_connection("bad-one", **odd)
    snapshot = write_live_snapshot(
        tmp_path / "live.json",
        {"users": [sample_connection("good"), bad, sample_connection("also-good")]},
    )
    code, _, err = run_cli(
        "export", "--live-snapshot", snapshot, "--entity", "users", "-o", str(tmp_path / "out")
    )
    assert code == 6
    text = (tmp_path / "out" / "users.yaml").read_text("utf-8")
    assert "id: good" in text and "id: also-good" in text
    assert re.search(r"^# Not written: .*bad-one", text, re.M)
    assert "bad-one" in err and "partial" in err
    # the file is a valid spec: the others are checked, the skipped one shows as unexpected
    code, out, _ = run_cli("check", str(tmp_path / "out"), "--live-snapshot", snapshot)
    assert code == 2
    assert "connection bad-one: in Datadog, not declared in the spec" in out


def test_no_exported_line_ends_in_whitespace(tmp_path: Path) -> None:
    conn = sample_connection("crm")
    conn["fields"][0]["description"] = "first line   \nsecond line\t\nthird"
    snapshot = write_live_snapshot(tmp_path / "live.json", {"users": [conn]})
    code, _, err = run_cli(
        "export", "--live-snapshot", snapshot, "--entity", "users", "-o", str(tmp_path / "out")
    )
    assert code == 0, err
    text = (tmp_path / "out" / "users.yaml").read_text("utf-8")
    assert [line for line in text.split("\n") if line != line.rstrip()] == []
    code, _, _ = run_cli("check", str(tmp_path / "out"), "--live-snapshot", snapshot)
    assert code == 0  # the value round-trips exactly


def test_export_of_an_unknown_entity_is_a_usage_error_before_any_request(
    fake_datadog: FakeDatadog, tmp_path: Path
) -> None:
    code, _, err = run_cli(
        "export", "--entity", "user", "-o", str(tmp_path), env=fake_datadog.env()
    )
    assert code == 1
    assert "'user'" in err and "users" in err
    assert fake_datadog.requests == []


def test_readme_documents_exit_code_6() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert re.search(r"^\| 6 \| .*export.*partial", readme, re.M | re.I)
