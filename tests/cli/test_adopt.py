"""``driftcheck adopt`` through the real CLI: the shipped examples end clean, --dry-run writes
nothing, exit codes 0/2/3/4/1, the edit list and the Markdown body for a pull request."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import Result, run_cli, write_live_snapshot

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "adopt-examples.diff"
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
ALL = "changed,unexpected,missing"


def run(*argv: str) -> Result:
    return run_cli(*argv, now=NOW)


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch copy of examples/ as the working directory (paths in output are relative)."""
    shutil.copytree(ROOT / "examples" / "specs", tmp_path / "specs")
    shutil.copy(ROOT / "examples" / "live-snapshot.json", tmp_path / "live.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def texts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_examples_adopt_then_check_is_clean(examples: Path, update_golden: bool) -> None:
    before = texts(examples / "specs")
    dry = run("adopt", "specs", "--live-snapshot", "live.json", "--kind", ALL, "--dry-run")
    assert dry.code == 0, dry.err
    assert texts(examples / "specs") == before  # --dry-run wrote nothing
    assert "would adopt 10 changes into 2 files (dry run: nothing written)" in dry.err
    if update_golden:
        GOLDEN.write_text(dry.out, encoding="utf-8")
    assert dry.out == GOLDEN.read_text(encoding="utf-8")

    done = run("adopt", "specs", "--live-snapshot", "live.json", "--kind", ALL)
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert len(lines) == 10
    assert (
        "specs/users.yaml:13:20: changed users/user-profiles-connection metadata.owner: "
        '"growth" -> "marketing"  (last updated 2026-11-20T10:02:11Z by jane.doe@example.com)'
    ) in lines
    assert "specs/accounts.yaml:34:7: removed connection accounts/billing-export" in done.out
    assert lines == sorted(lines, key=lambda line: line.split(": ")[0])  # by file, then line
    check = run("check", "specs", "--live-snapshot", "live.json")
    assert check.code == 0, check.out
    assert "1 ignored" in check.out  # the ignored description was left alone


def test_default_kinds_leave_missing_items_and_say_so(examples: Path) -> None:
    first = run("adopt", "specs", "--live-snapshot", "live.json")
    assert first.code == 0
    assert "2 drift items not selected are left (missing)" in first.err
    again = run("adopt", "specs", "--live-snapshot", "live.json")
    assert again.code == 2 and again.out == ""
    assert (
        "nothing selected: 2 drift items are not in the selection" in again.err
        and "--kind missing" in again.err
    )
    last = run("adopt", "specs", "--live-snapshot", "live.json", "--kind", "missing")
    assert last.code == 0
    done = run("adopt", "specs", "--live-snapshot", "live.json")
    assert done.code == 0 and "nothing to adopt: the spec files and Datadog agree" in done.err


def test_a_refusal_writes_nothing_and_exits_2(tmp_path: Path) -> None:
    spec = tmp_path / "users.yaml"
    spec.write_text(
        "version: 1\nentities:\n  users:\n    connections:\n"
        "      - id: a\n        type: ref_table\n        join: &j {attribute: x, type: y}\n"
        "      - id: b\n        type: ref_table\n        join: *j\n",
        encoding="utf-8",
    )
    before = spec.read_bytes()
    live = write_live_snapshot(
        tmp_path / "live.json",
        {"users": [conn("a", jtype="z"), conn("b"), conn("c")]},
    )
    result = run("adopt", str(spec), "--live-snapshot", live)
    assert result.code == 2 and result.out == ""
    assert f"{spec}:7:33: error: cannot adopt changed users/a join.type" in result.err
    assert "anchor &j" in result.err
    assert "nothing was written: 1 of 2 selected items cannot be adopted" in result.err
    assert spec.read_bytes() == before


def conn(id: str, jtype: str = "y", **extra: Any) -> dict[str, Any]:
    return {"id": id, "type": "ref_table", "join": {"attribute": "x", "type": jtype}, **extra}


def test_an_unreadable_entity_exits_4_and_writes_nothing(examples: Path) -> None:
    live = write_live_snapshot(examples / "users-only.json", {"users": []})
    before = texts(examples / "specs")
    result = run("adopt", "specs", "--live-snapshot", live)
    assert result.code == 4 and result.out == ""
    assert "error: accounts:" in result.err and "nothing was adopted" in result.err
    assert texts(examples / "specs") == before


def test_an_invalid_spec_exits_3(tmp_path: Path) -> None:
    spec = tmp_path / "users.yaml"
    spec.write_text("version: 1\nentities: {users: {connections: [{id: a}]}}\n", "utf-8")
    live = write_live_snapshot(tmp_path / "live.json", {"users": []})
    result = run("adopt", str(spec), "--live-snapshot", live)
    assert result.code == 3 and "'type' is a required property" in result.err


def test_an_unknown_kind_is_a_usage_error(examples: Path) -> None:
    result = run("adopt", "specs", "--live-snapshot", "live.json", "--kind", "added")
    assert result.code == 1 and "--kind 'added' is not a kind of drift" in result.err


def test_the_markdown_body_lists_each_change_with_who_and_when(examples: Path) -> None:
    result = run("adopt", "specs", "--live-snapshot", "live.json", "--report-markdown", "pr.md")
    assert result.code == 0
    body = (examples / "pr.md").read_text(encoding="utf-8")
    assert body.startswith("<!-- driftcheck:adopt -->\n## driftcheck: 8 changes made in Datadog")
    assert "2026\\-11\\-20T10\\:02\\:11Z by jane\\.doe@\u2060example\\.com" in body
    assert body.count("\n| changed ") == 4 and body.count("\n| added ") == 4
    assert "2 drift items were not adopted" in body


def test_untrusted_values_are_escaped_on_the_terminal_and_in_yaml(tmp_path: Path) -> None:
    spec = tmp_path / "users.yaml"
    spec.write_text(
        "version: 1\nentities:\n  users:\n    connections:\n"
        "      - id: a\n        type: ref_table\n        join: {attribute: x, type: y}\n",
        encoding="utf-8",
    )
    live = write_live_snapshot(tmp_path / "live.json", {"users": [conn("a", jtype="\x1b[2Jz")]})
    result = run("adopt", str(spec), "--live-snapshot", live)
    assert result.code == 0 and "\x1b" not in result.out + result.err
    assert '\\u001b[2Jz"' in result.out  # shown, never executed
    assert 'type: "\\e[2Jz"}' in spec.read_text(encoding="utf-8")
