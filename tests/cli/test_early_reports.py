"""A check that ends early (invalid spec files, a live state that cannot be read) still
writes every report file it was asked for: SARIF (valid for the multitool, naming every
problem, never an empty "clean" log) and JUnit as well as JSON and Markdown."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import assert_valid_sarif, run_cli, write_live_snapshot

# 'join' and 'type' missing, 'typo' unknown: 3 problems
BROKEN = "version: 1\nentities:\n  users:\n    connections:\n      - id: c1\n        typo: x\n"
REPORTS = ("--report-sarif", "r.sarif", "--report-junit", "r.xml", "--report-json", "r.json")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    write_live_snapshot(tmp_path / "live.json", {"users": []})
    return tmp_path


def test_invalid_specs_write_a_valid_sarif_and_junit_naming_every_problem(folder: Path) -> None:
    (folder / "specs" / "users.yaml").write_text(BROKEN, encoding="utf-8")
    done = run_cli("check", "specs", "--live-snapshot", "live.json", *REPORTS)
    assert done.code == 3, done.err
    assert_valid_sarif([str(folder / "r.sarif")], folder / "validation.sarif")
    [run] = json.loads((folder / "r.sarif").read_text("utf-8"))["runs"]
    assert run["invocations"][0]["executionSuccessful"] is False
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("invalid_spec", "error")] * 3
    places = [r["locations"][0]["physicalLocation"] for r in results]
    assert {p["artifactLocation"]["uri"] for p in places} == {"specs/users.yaml"}
    assert sorted(p["region"]["startLine"] for p in places) == [5, 5, 6]
    assert any("'typo'" in r["message"]["text"] for r in results)
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == "invalid_spec" for r in results)
    junit = ET.fromstring((folder / "r.xml").read_text("utf-8"))
    assert junit.get("failures") == "1"
    [failure] = junit.iter("failure")
    assert failure.get("message", "").startswith("3 problems: specs/users.yaml:5:9: ")
    assert json.loads((folder / "r.json").read_text("utf-8"))["status"] == "invalid"


def test_format_sarif_goes_to_stdout_when_the_specs_are_invalid(folder: Path) -> None:
    (folder / "specs" / "users.yaml").write_text(BROKEN, encoding="utf-8")
    done = run_cli("check", "specs", "--live-snapshot", "live.json", "--format", "sarif")
    assert done.code == 3
    assert len(json.loads(done.out)["runs"][0]["results"]) == 3
    assert done.err.count("error:") == 3  # and the problems on stderr, as text


def test_an_unreadable_live_state_writes_a_sarif_and_junit_that_say_so(folder: Path) -> None:
    (folder / "specs" / "users.yaml").write_text(
        "version: 1\nentities:\n  users:\n    connections: []\n", encoding="utf-8"
    )
    done = run_cli("check", "specs", *REPORTS)  # no DD_API_KEY / DD_APP_KEY
    assert done.code == 4, done.err
    assert_valid_sarif([str(folder / "r.sarif")], folder / "validation.sarif")
    [run] = json.loads((folder / "r.sarif").read_text("utf-8"))["runs"]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "users: could not be read" in note["message"]["text"]
    assert "DD_API_KEY" in note["message"]["text"]
    [error] = ET.fromstring((folder / "r.xml").read_text("utf-8")).iter("error")
    assert "DD_API_KEY" in error.get("message", "")
