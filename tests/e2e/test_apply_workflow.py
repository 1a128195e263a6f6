"""The workflow after merge (examples/workflows/apply-on-merge.yml) and the plan job of the
pre-merge workflow: what they promise, read from the files (actionlint and GitHub's schema
run on them in test_workflows_lint.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / "examples" / "workflows"


def load(name: str) -> Any:
    return yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))


def test_apply_on_merge_runs_on_pushes_of_the_specs_one_org_at_a_time_never_cancelled() -> None:
    workflow = load("apply-on-merge.yml")
    on = workflow[True]
    assert on["push"]["branches"] and on["push"]["paths"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert "datadog" in workflow["concurrency"]["group"]
    assert workflow["permissions"] == {"contents": "read"}


def step_with(job: dict[str, Any], command: str) -> dict[str, Any]:
    return next(s for s in job["steps"] if s.get("with", {}).get("command") == command)


def test_apply_on_merge_applies_the_merge_against_its_first_parent() -> None:
    [job] = load("apply-on-merge.yml")["jobs"].values()
    assert job["steps"][0]["with"]["fetch-depth"] >= 2  # the first parent is there
    step = step_with(job, "apply")
    assert step["uses"].startswith("your-org/driftcheck@")
    assert step["with"]["base"] == "HEAD^1"
    # destructive steps only from a run by hand with the box ticked
    assert step["with"]["allow-delete"] == "${{ inputs.allow-delete == true }}"
    assert step["with"]["allow-replace"] == "${{ inputs.allow-replace == true }}"
    assert "continue-on-error" not in step  # any exit code but 0 fails the run


def test_pre_merge_posts_the_plan_limited_to_the_pull_request() -> None:
    job = load("pre-merge.yml")["jobs"]["plan"]
    step = step_with(job, "plan")
    assert step["with"]["base"] == "${{ github.event.pull_request.base.sha }}"
    assert job["steps"][0]["with"]["fetch-depth"] == 0
