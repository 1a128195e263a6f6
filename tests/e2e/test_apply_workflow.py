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


def test_apply_on_merge_applies_the_merge_against_its_first_parent_and_fails_on_any_error() -> None:
    [job] = load("apply-on-merge.yml")["jobs"].values()
    checkout = job["steps"][0]
    assert checkout["with"]["fetch-depth"] >= 2
    script = next(s["run"] for s in job["steps"] if "driftcheck apply" in s.get("run", ""))
    assert "git rev-parse HEAD^1" in script and '--base "$base"' in script
    assert "GITHUB_STEP_SUMMARY" in script and 'exit "$code"' in script
    assert "--allow-delete" not in script.split("flags=()")[0]  # never allowed by default


def test_pre_merge_posts_the_plan_limited_to_the_pull_request() -> None:
    job = load("pre-merge.yml")["jobs"]["plan"]
    step = next(s for s in job["steps"] if "driftcheck plan" in s.get("run", ""))
    assert '--base "$BASE_SHA"' in step["run"] and "driftcheck comment plan.json" in step["run"]
    assert step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
