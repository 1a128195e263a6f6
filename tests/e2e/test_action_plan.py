"""The action's ``command`` input: plan and apply run by the action's own scripts (bash, as a
runner runs them) against the fake Datadog and GitHub APIs."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_runner import STEPS, Runner, action_context, fake_venv, find_step, run_action
from fakes.datadog_api import FakeDatadog, running, sample_connection
from fakes.github_api import FakeGitHub
from helpers import pull_request_env

PR = 5
SPEC = """version: 1
entities:
  users:
    unmanaged_connections: delete
    connections:
      - id: crm
        type: ref_table
        join: {attribute: user_email, type: email}
"""


@pytest.fixture
def datadog() -> FakeDatadog:
    with running(connections={"users": [sample_connection()]}) as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def runner(tmp_path: Path, datadog: FakeDatadog, github: FakeGitHub) -> Runner:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "users.yaml").write_text(SPEC, encoding="utf-8")
    env = {**datadog.env(), **pull_request_env(github, tmp_path, number=PR, sha="d" * 40)}
    made = Runner(tmp_path, env)
    fake_venv(made)
    return made


def test_plan_posts_its_own_comment_and_succeeds_with_changes(
    runner: Runner, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    result = run_action(runner, {"command": "plan", "paths": "specs"}, token=github.token)
    outputs = result["outputs"]
    assert (outputs["exit-code"], outputs["status"], result["exit"]) == ("2", "changes", 0)
    assert Path(outputs["plan-json"]).is_file()
    assert "<!-- driftcheck:plan -->" in runner.summary.read_text("utf-8")
    [body] = github.bodies(PR)
    assert body.startswith("<!-- driftcheck:comment key=driftcheck/check%20paths=specs%20plan")
    assert "users/user-profiles-connection" in body and datadog.writes == []


def test_apply_refuses_destructive_steps_unless_allowed(
    runner: Runner, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    refused = run_action(runner, {"command": "apply", "paths": "specs"}, token=github.token)
    assert (refused["outputs"]["exit-code"], refused["exit"]) == ("1", 1)
    assert "needs --allow-delete" in refused["check"].stderr and datadog.writes == []
    allowed = run_action(
        runner, {"command": "apply", "paths": "specs", "allow-delete": "true"}, token=github.token
    )
    assert (allowed["outputs"]["status"], allowed["exit"]) == ("applied", 0), allowed["check"]
    assert [c["id"] for c in datadog.connections("users")] == ["crm"]
    assert "Verified" in runner.summary.read_text("utf-8")
    assert github.bodies(PR) == []  # apply posts no comment


def test_a_bad_command_or_flag_fails_with_a_message(runner: Runner) -> None:
    for inputs in ({"command": "destroy"}, {"command": "apply", "allow-delete": "yes"}):
        context = action_context({"paths": "specs", **inputs}, runner, "t")
        done = runner.run(find_step(STEPS, "check"), context, "check")
        assert "::error title=driftcheck::" in done.stdout
        assert runner.outputs["check"]["step-code"] == "1"
        exit_step = runner.run(
            find_step(STEPS, "Exit with the check's exit code"),
            action_context({"paths": "specs", **inputs}, runner, "t"),
            "exit",
        )
        assert exit_step.returncode == 1
