"""``driftcheck check --base REV`` through main(argv), in a real git repository made in the
test: the base spec is read from git, the change's spec from the work tree, one live read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers import THREE_FIELD_SPEC, git, run_cli, write_live_snapshot

from driftcheck.spec.shipped import REPORT_SCHEMA, schema_text

BASE = THREE_FIELD_SPEC
# The change: edits tier (conflict: Datadog has another value), adds region (introduced),
# leaves plan (existing: edited in Datadog), fixes seats (resolved).
CHANGE = (
    BASE.replace("display_name: Tier}", "display_name: Customer tier}")
    .replace("display_name: Seats}", "display_name: Seat count}")
    .replace(
        "          - {id: seats",
        "          - {id: region, source_name: region, type: string}\n          - {id: seats",
    )
)
LIVE = {
    "users": [
        {
            "id": "crm",
            "type": "ref_table",
            "join": {"attribute": "email", "type": "email"},
            "updated_at": "2026-11-20T10:02:11Z",
            "updated_by": "jane@example.com",
            "fields": [
                {"id": "tier", "source_name": "tier", "type": "string", "display_name": "Level"},
                {"id": "plan", "source_name": "plan", "type": "string", "display_name": "Tariff"},
                {
                    "id": "seats",
                    "source_name": "seats",
                    "type": "number",
                    "display_name": "Seat count",
                },
            ],
        }
    ]
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / "specs").mkdir(parents=True)
    (root / "specs" / "users.yaml").write_text(BASE, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    (root / "specs" / "users.yaml").write_text(CHANGE, encoding="utf-8")
    write_live_snapshot(root / "live.json", LIVE)
    monkeypatch.chdir(root)
    return root


def check(*extra: str) -> tuple[int, dict[str, Any], str]:
    result = run_cli("check", "specs", "--live-snapshot", "live.json", "--format", "json", *extra)
    return result.code, json.loads(result.out) if result.out else {}, result.err


def test_every_item_has_its_origin_and_the_fix_is_resolved(repo: Path) -> None:
    code, document, _ = check("--base", "main")
    jsonschema.Draft202012Validator(json.loads(schema_text(REPORT_SCHEMA))).validate(document)
    origins = {i["field"]: (i["kind"], i["origin"]) for i in document["drift"]}
    assert origins == {
        "tier": ("changed", "conflict"),
        "region": ("missing", "introduced"),
        "plan": ("changed", "existing"),
    }
    tier = next(i for i in document["drift"] if i["field"] == "tier")
    assert (tier["base_expected"], tier["expected"], tier["actual"]) == (
        "Tier",
        "Customer tier",
        "Level",
    )
    assert [(i["field"], i["origin"]) for i in document["resolved"]] == [("seats", "resolved")]
    assert document["base"]["rev"] == "main"
    assert document["base"]["files"] == ["specs/users.yaml"]
    assert len(document["base"]["commit"]) == 40
    assert document["summary"]["by_origin"] == {
        "introduced": 1,
        "conflict": 1,
        "existing": 1,
        "resolved": 1,
    }
    assert (document["fail_on"], document["summary"]["failing"]) == ("introduced", 2)
    assert (code, document["status"]) == (2, "drift")


def test_existing_drift_alone_does_not_fail_the_change(repo: Path) -> None:
    # a change that only reformats the spec: the drift in Datadog was there before
    (repo / "specs" / "users.yaml").write_text("# reformatted\n" + BASE, encoding="utf-8")
    code, document, _ = check("--base", "main")
    assert {i["origin"] for i in document["drift"]} == {"existing"}
    assert (code, document["status"], document["summary"]["failing"]) == (0, "in_sync", 0)
    code, document, _ = check("--base", "main", "--fail-on", "all")
    assert (code, document["status"], document["fail_on"]) == (2, "drift", "all")


def test_without_base_everything_counts_and_origins_are_null(repo: Path) -> None:
    code, document, _ = check()
    assert code == 2
    assert (document["base"], document["resolved"], document["fail_on"]) == (None, None, "all")
    assert {i["origin"] for i in document["drift"]} == {None}
    assert document["summary"]["by_origin"] is None


def test_fail_on_introduced_without_base_is_a_usage_error(repo: Path) -> None:
    code, _, err = check("--fail-on", "introduced")
    assert code == 1
    assert "--fail-on introduced needs --base REV" in err


def test_an_unknown_base_says_how_to_fetch_it(repo: Path) -> None:
    code, document, err = check("--base", "0123abc")
    assert (code, document) == (1, {})
    assert "--base '0123abc': no such commit" in err
    assert "git fetch --depth=1 origin 0123abc" in err


def test_an_invalid_base_spec_exits_3_and_says_where(repo: Path) -> None:
    (repo / "specs" / "users.yaml").write_text("version: 1\nentities: 3\n", encoding="utf-8")
    git(repo, "commit", "-qam", "break the base")
    (repo / "specs" / "users.yaml").write_text(CHANGE, encoding="utf-8")
    code, document, err = check("--base", "HEAD")
    assert (code, document) == (3, {})
    assert "the spec at the base revision 'HEAD' is invalid" in err
    assert "specs/users.yaml:2:" in err
    assert "Traceback" not in err


def test_a_spec_folder_the_base_lacks_makes_everything_introduced(repo: Path) -> None:
    (repo / "new").mkdir()
    (repo / "new" / "users.yaml").write_text(CHANGE, encoding="utf-8")
    result = run_cli(
        "check", "new", "--live-snapshot", "live.json", "--format", "json", "--base", "main"
    )
    document = json.loads(result.out)
    assert {i["origin"] for i in document["drift"]} == {"introduced"}
    assert document["base"]["files"] == []
    assert result.code == 2


def test_outside_a_git_work_tree_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plain" / "specs").mkdir(parents=True)
    (tmp_path / "plain" / "specs" / "users.yaml").write_text(BASE, encoding="utf-8")
    write_live_snapshot(tmp_path / "plain" / "live.json", LIVE)
    monkeypatch.chdir(tmp_path / "plain")
    code, _, err = check("--base", "main")
    assert code == 1
    assert "needs the spec files in a git work tree" in err


def test_report_sarif_is_written_with_baseline_states(repo: Path) -> None:
    result = run_cli(
        "check",
        "specs",
        "--live-snapshot",
        "live.json",
        "--base",
        "main",
        "--report-sarif",
        "out.sarif",
        env={"GITHUB_WORKSPACE": str(repo)},
    )
    assert result.code == 2
    log = json.loads((repo / "out.sarif").read_text("utf-8"))
    results = log["runs"][0]["results"]
    states = {r["properties"]["origin"]: r["baselineState"] for r in results}
    assert states == {"conflict": "new", "introduced": "new", "existing": "unchanged"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"specs/users.yaml"}
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.as_uri() + "/"


def test_annotations_fail_only_what_the_change_brings(repo: Path) -> None:
    result = run_cli(
        "check", "specs", "--live-snapshot", "live.json", "--base", "main", "--format", "github"
    )
    lines = result.out.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 2
    assert any("(conflict%3A also changed in Datadog)" in line for line in errors)
    assert any("(introduced by this change)" in line for line in errors)
    assert [("(drifted before this change)" in line) for line in warnings] == [True]
    text = run_cli("check", "specs", "--live-snapshot", "live.json", "--base", "main").out
    assert "[error, conflict]" in text and "[error, existing]" in text
