"""Issue 13, point 3: invalid spec files are visible in the pull request: annotations at
every problem, the job summary, a JSON report with status invalid, and the sticky comment
(replaced by the next valid run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.github_api import FakeGitHub
from helpers import pull_request_env, run_cli, write_exported_specs, write_live_snapshot

CONNECTION = {
    "id": "crm",
    "type": "ref_table",
    "join": {"attribute": "email", "type": "email"},
    "fields": [],
}
BROKEN = "version: 1\nentities:\n  users:\n    connections:\n" + "".join(
    f"      - id: c{i}\n        typo: x\n" for i in range(6)
)  # 6 connections x (2 missing keys + 1 unknown key) = 18 problems


@pytest.fixture
def job(github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "users.yaml").write_text(BROKEN, encoding="utf-8")
    write_live_snapshot(tmp_path / "live.json", {"users": [CONNECTION]})
    return {
        "GITHUB_ACTIONS": "true",
        **pull_request_env(github, tmp_path, number=7, sha="b" * 40),
        "GITHUB_TOKEN": github.token,
        "GITHUB_WORKFLOW": "pre-merge",
        "GITHUB_JOB": "driftcheck",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }


def check(job: dict[str, str]) -> tuple[int, str, str]:
    result = run_cli(
        "check", "specs", "--live-snapshot", "live.json", "--report-json", "report.json", env=job
    )
    return result.code, result.out, result.err


def test_every_problem_is_an_annotation_at_its_place_capped_like_drift(
    job: dict[str, str],
) -> None:
    code, out, err = check(job)
    assert code == 3
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 10
    assert errors[0].startswith("::error file=specs/users.yaml,line=5,col=9,")
    assert "::notice title=driftcheck%3A more problems::8 more problems not annotated" in out
    assert out.splitlines()[-1] == "driftcheck: spec invalid: 18 problems in 1 file"
    assert err.count("error:") == 18  # the log keeps every problem


def test_the_job_summary_and_the_json_report_hold_the_problems(
    job: dict[str, str], tmp_path: Path
) -> None:
    check(job)
    summary = (tmp_path / "summary.md").read_text("utf-8")
    assert "**The spec is invalid: 18 problems in 1 file**" in summary
    assert "/blob/" + "b" * 40 + "/specs/users.yaml#L5" in summary
    document = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert document["status"] == "invalid"
    assert len(document["problems"]) == 18
    assert document["problems"][0]["file"] == "specs/users.yaml"


def test_the_comment_says_the_spec_is_invalid_and_a_valid_run_replaces_it(
    job: dict[str, str], tmp_path: Path, github: FakeGitHub
) -> None:
    check(job)
    result = run_cli("comment", "report.json", env=job)
    assert result.code == 0, result.err
    (body,) = github.bodies(7)
    assert "The spec is invalid: 18 problems in 1 file" in body
    assert "[specs\\/users\\.yaml\\:5](https://github.com/" in body
    # the author fixes the spec: the next run is in sync and replaces the verdict
    write_exported_specs(tmp_path / "specs", {"users": [CONNECTION]})
    code, _, _ = check(job)
    assert code == 0
    result = run_cli("comment", "report.json", env=job)
    assert result.code == 0, result.err
    (body,) = github.bodies(7)
    assert "invalid" not in body and "in sync" in body


def test_validate_github_annotates_and_summarizes(job: dict[str, str], tmp_path: Path) -> None:
    result = run_cli("validate", "specs", "--format", "github", env=job)
    assert result.code == 3
    assert result.out.count("::error file=specs/users.yaml,line=") == 10
    assert "18 problems" in (tmp_path / "summary.md").read_text("utf-8")
    write_exported_specs(tmp_path / "specs", {"users": [CONNECTION]})
    result = run_cli("validate", "specs", "--format", "github", env=job)
    assert (result.code, result.out.startswith("driftcheck: ok: 1 file valid")) == (0, True)
