"""The scripts of action.yml and scheduled-drift.yml, run with bash as a runner runs them.

The harness is ``action_runner.py``. The action's check runs the real driftcheck against the
fake Datadog API; the comment goes to the fake GitHub API; ``gh`` is a stub that records its
arguments.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from action_runner import (
    ROOT,
    STEPS,
    Runner,
    action_context,
    fake_venv,
    find_step,
    load,
    run_action,
)
from fakes.datadog_api import FakeDatadog, error, running, sample_connection
from fakes.github_api import FakeGitHub
from helpers import ONE_CONNECTION_SPEC, check_examples, gh_stub, pull_request_env, run_cli

from driftcheck.cli import main

SCHEDULED = load(ROOT / "examples" / "workflows" / "scheduled-drift.yml")
PR = 3


# ---------------------------------------------------------------- the action, end to end

SPEC = ONE_CONNECTION_SPEC


@pytest.fixture
def datadog() -> Iterator[FakeDatadog]:
    connection = sample_connection()
    with running(connections={"users": [connection]}) as fake:
        yield fake


@pytest.fixture
def pr_runner(tmp_path: Path, datadog: FakeDatadog, github: FakeGitHub) -> Runner:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "users.yaml").write_text(SPEC, encoding="utf-8")
    runner = Runner(
        tmp_path,
        {**datadog.env(), **pull_request_env(github, tmp_path, number=PR, sha="c" * 40)},
    )
    fake_venv(runner)
    return runner


def test_drift_on_a_pull_request_annotates_summarises_comments_and_exits_2(
    pr_runner: Runner, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    datadog.set_connections("users", [])
    result = run_action(pr_runner, {"paths": "specs/"}, token=github.token)
    outputs = result["outputs"]
    assert (outputs["exit-code"], outputs["status"], outputs["drift-count"]) == ("2", "drift", "1")
    assert json.loads(Path(outputs["report-json"]).read_text(encoding="utf-8"))["status"] == "drift"
    assert "<!-- driftcheck:report -->" in Path(outputs["report-markdown"]).read_text("utf-8")
    assert "::error file=specs/users.yaml,line=5" in result["check"].stdout
    assert pr_runner.summary.read_text(encoding="utf-8").count("<!-- driftcheck:report -->") == 1
    assert result["comment"].returncode == 0, result["comment"].stderr
    [body] = github.bodies(PR)
    assert body.startswith("<!-- driftcheck:comment key=driftcheck/check%20paths=specs/ -->")
    assert result["exit"] == 2


def test_in_sync_exits_0_and_creates_no_comment(
    pr_runner: Runner, datadog: FakeDatadog, github: FakeGitHub, tmp_path: Path
) -> None:
    exported = tmp_path / "exported"
    assert (
        main(
            ["export", "--entity", "users", "-o", str(exported)],
            env=datadog.env(),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        == 0
    )
    result = run_action(pr_runner, {"paths": "exported"}, token=github.token)
    assert result["outputs"]["status"] == "in_sync", result["check"].stdout
    assert (result["outputs"]["drift-count"], result["exit"]) == ("0", 0)
    assert "nothing to post" in result["comment"].stdout
    assert github.bodies(PR) == []


def test_unreadable_datadog_exits_4_with_status_error(
    pr_runner: Runner, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    datadog.fail_always("users", error(403, "Forbidden"))
    result = run_action(pr_runner, {"paths": "specs"}, token=github.token)
    assert (result["outputs"]["status"], result["outputs"]["exit-code"]) == ("error", "4")
    assert result["exit"] == 4


def test_report_only_turns_drift_into_success_but_says_drift(
    pr_runner: Runner, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    datadog.set_connections("users", [])
    result = run_action(pr_runner, {"paths": "specs", "report-only": "true"}, token=github.token)
    outputs = result["outputs"]
    assert (outputs["status"], outputs["drift-count"], outputs["exit-code"]) == ("drift", "1", "0")
    assert result["exit"] == 0


def test_invalid_spec_exits_3_and_the_comment_shows_the_problems(
    pr_runner: Runner, tmp_path: Path, github: FakeGitHub
) -> None:
    (tmp_path / "specs" / "users.yaml").write_text("version: 1\nentities: 7\n", encoding="utf-8")
    result = run_action(pr_runner, {"paths": "specs"}, token=github.token)
    outputs = result["outputs"]
    assert (outputs["status"], outputs["exit-code"], outputs["drift-count"]) == (
        "spec_invalid",
        "3",
        "",
    )
    assert json.loads(Path(outputs["report-json"]).read_text("utf-8"))["status"] == "invalid"
    assert "::error file=specs/users.yaml,line=2" in result["check"].stdout
    assert "The spec is invalid: 1 problem in 1 file" in pr_runner.summary.read_text("utf-8")
    [body] = github.bodies(PR)
    assert "The spec is invalid: 1 problem in 1 file" in body
    assert result["exit"] == 3


def test_a_fork_token_is_a_warning_and_keeps_the_exit_code(
    pr_runner: Runner, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    datadog.set_connections("users", [])
    github.read_only = True
    result = run_action(pr_runner, {"paths": "specs"}, token=github.token)
    assert result["comment"].returncode == 0
    assert re.search(
        r"^::warning title=driftcheck comment::pull-request comment not posted: .*"
        r"fork.*job summary$",
        result["comment"].stdout,
        re.MULTILINE,
    )
    assert result["exit"] == 2


def test_comment_key_input_is_used_as_is(
    pr_runner: Runner, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    datadog.set_connections("users", [])
    run_action(pr_runner, {"paths": "specs", "comment-key": "eu"}, token=github.token)
    assert github.bodies(PR)[0].startswith("<!-- driftcheck:comment key=eu -->")


def test_matrix_legs_with_other_paths_get_their_own_comments(
    pr_runner: Runner, datadog: FakeDatadog, github: FakeGitHub, tmp_path: Path
) -> None:
    datadog.set_connections("users", [])
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "users.yaml").write_text(SPEC, encoding="utf-8")
    run_action(pr_runner, {"paths": "specs"}, token=github.token)
    run_action(pr_runner, {"paths": "other", "entities": "users"}, token=github.token)
    assert len(github.bodies(PR)) == 2


# ---------------------------------------------------------------- the action, hostile inputs


@pytest.fixture
def stub_runner(tmp_path: Path) -> Runner:
    runner = Runner(tmp_path, {})
    fake_venv(runner, record=True)
    return runner


def test_inputs_are_data_never_shell(stub_runner: Runner, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").touch()
    (tmp_path / "b.yaml").touch()
    inputs = {
        "paths": "specs/$(touch pwned1) `touch pwned2`\n*.yaml ;touch${IFS}pwned3",
        "entities": "users,accounts $(touch pwned4)",
        "site": 'datadoghq.eu"; touch pwned5',
    }
    step = find_step(STEPS, "check")
    done = stub_runner.run(step, action_context(inputs, stub_runner, "t"), "check")
    assert done.returncode == 0, done.stderr
    argv = (stub_runner.temp / "argv").read_text(encoding="utf-8").splitlines()
    assert argv[argv.index("--") + 1 :] == [
        "specs/$(touch",
        "pwned1)",
        "`touch",
        "pwned2`",
        "*.yaml",
        ";touch${IFS}pwned3",
    ]
    assert argv[argv.index("--site") + 1] == 'datadoghq.eu"; touch pwned5'
    entities = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--entity"]
    assert entities == ["users", "accounts", "$(touch", "pwned4)"]
    assert not list(tmp_path.glob("pwned*"))


def test_the_args_input_is_split_into_words_before_the_actions_own_options(
    stub_runner: Runner, tmp_path: Path
) -> None:
    inputs = {"paths": "specs", "args": "--timeout 30\n--format json $(touch pwned)"}
    done = stub_runner.run(find_step(STEPS, "check"), action_context(inputs, stub_runner, "t"))
    assert done.returncode == 0, done.stderr
    argv = (stub_runner.temp / "argv").read_text(encoding="utf-8").splitlines()
    assert argv[:6] == ["check", "--timeout", "30", "--format", "json", "$(touch"]
    # The action's --format comes later, so its annotations and reports still happen.
    assert argv[argv.index("github") - 1] == "--format" and argv.index("github") > 6
    assert argv[argv.index("--") + 1 :] == ["specs"]
    assert not list(tmp_path.glob("pwned*"))


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"paths": " \n "}, "the paths input is empty"),
        ({"paths": "specs", "report-only": "yes"}, "report-only must be true or false"),
        ({"paths": "specs", "comment": "always"}, "comment must be auto, true or false"),
    ],
)
def test_bad_inputs_fail_the_step_with_a_message(
    stub_runner: Runner, inputs: dict[str, str], message: str
) -> None:
    done = stub_runner.run(
        find_step(STEPS, "check"), action_context(inputs, stub_runner, "t"), "check"
    )
    assert f"::error title=driftcheck::{message}" in done.stdout
    assert stub_runner.outputs["check"]["exit-code"] == "1"
    assert not (stub_runner.temp / "argv").exists()
    exit_step = find_step(STEPS, "Exit with the check's exit code")
    assert stub_runner.run(exit_step, action_context(inputs, stub_runner, "t")).returncode == 1


# ---------------------------------------------------------------- scheduled-drift.yml

GH_STUB = gh_stub("issue", "GH_OPEN_ISSUE", "issues")


class Scheduled:
    """The issue step of scheduled-drift.yml with a stub ``gh``."""

    def __init__(self, tmp_path: Path) -> None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "gh").write_text(GH_STUB.format(python=sys.executable), encoding="utf-8")
        (bin_dir / "gh").chmod(0o755)
        self.log = tmp_path / "gh.log"
        self.report = tmp_path / "report.md"
        self.report.write_text("<!-- driftcheck:report -->\n## drift in users\n", "utf-8")
        self.runner = Runner(
            tmp_path, {"PATH": f"{bin_dir}:{os.environ['PATH']}", "GH_LOG": str(self.log)}
        )

    def __call__(self, exit_code: str, open_issue: str = "") -> subprocess.CompletedProcess[str]:
        self.runner.env["GH_OPEN_ISSUE"] = open_issue
        steps = SCHEDULED["jobs"]["drift"]["steps"]
        step = find_step(steps, "Open, update or close the drift issue")
        context = {
            "github.token": "ghs_x",
            "github.repository": "octo/specs",
            "github.server_url": "https://github.com",
            "github.run_id": "42",
            "steps.driftcheck.outputs.exit-code": exit_code,
            "steps.driftcheck.outputs.report-markdown": str(self.report),
        }
        return self.runner.run(step, context)

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def writes(self) -> list[list[str]]:
        return [call["args"][:2] for call in self.calls() if call["args"][:2] != ["issue", "list"]]


@pytest.fixture
def scheduled(tmp_path: Path) -> Scheduled:
    return Scheduled(tmp_path)


def test_drift_opens_an_issue_with_the_report(scheduled: Scheduled) -> None:
    done = scheduled("2")
    assert done.returncode == 0, done.stderr
    assert scheduled.writes() == [["label", "create"], ["issue", "create"]]
    created = scheduled.calls()[-1]
    assert "## drift in users" in created["body"]
    assert "https://github.com/octo/specs/actions/runs/42" in created["body"]
    assert "::warning title=driftcheck::drift found; opened https://" in done.stdout


def test_lasting_drift_updates_the_open_issue(scheduled: Scheduled) -> None:
    done = scheduled("2", open_issue="17")
    assert done.returncode == 0, done.stderr
    assert [call["args"][:3] for call in scheduled.calls()][1:] == [["issue", "edit", "17"]]


def test_back_in_sync_closes_the_open_issue(scheduled: Scheduled) -> None:
    done = scheduled("0", open_issue="17")
    assert done.returncode == 0, done.stderr
    [close] = [call["args"] for call in scheduled.calls() if call["args"][:2] == ["issue", "close"]]
    assert close[2] == "17" and "Back in sync" in close[close.index("--comment") + 1]


def test_in_sync_without_an_issue_does_nothing(scheduled: Scheduled) -> None:
    assert scheduled("0").returncode == 0
    assert scheduled.writes() == []


@pytest.mark.parametrize("open_issue", ["", "17"])
def test_an_outage_opens_no_issue_and_fails_the_run(scheduled: Scheduled, open_issue: str) -> None:
    done = scheduled("4", open_issue=open_issue)
    assert done.returncode == 4
    assert "not drift. No drift issue was opened or closed." in done.stdout
    assert scheduled.writes() == []


@pytest.mark.parametrize("code", ["1", "3", ""])
def test_other_failures_fail_the_run_without_touching_issues(
    scheduled: Scheduled, code: str
) -> None:
    done = scheduled(code)
    assert done.returncode == 1
    assert "::error title=driftcheck::driftcheck failed" in done.stdout
    assert scheduled.writes() == []


def test_a_report_too_long_for_an_issue_points_to_the_run(scheduled: Scheduled) -> None:
    scheduled.report.write_text("x" * 70_000, encoding="utf-8")
    scheduled("2")
    body = scheduled.calls()[-1]["body"]
    assert len(body) < 1000 and "job summary" in body


def test_the_scheduled_workflow_keeps_the_exit_code_of_the_check() -> None:
    step = find_step(SCHEDULED["jobs"]["drift"]["steps"], "driftcheck")
    assert step["continue-on-error"] is True
    assert step["with"]["comment"] == "false"


# ---------------------------------------------------------------- CI's own run of the action


def test_ci_can_serve_the_fake_datadog_api_for_the_action(tmp_path: Path) -> None:
    """The `action` job of ci.yml starts this server, then runs `uses: ./` against it."""
    env_file = tmp_path / "fake.env"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fakes.serve_datadog",
            str(ROOT / "examples" / "live-snapshot.json"),
            str(env_file),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT / "tests")},
    )
    try:
        for _ in range(200):
            assert server.poll() is None, "the fake server exited"
            if env_file.exists():
                break
            time.sleep(0.05)
        env = dict(line.split("=", 1) for line in env_file.read_text("utf-8").splitlines())
        assert set(env) == {"DD_API_KEY", "DD_APP_KEY", "DRIFTCHECK_API_URL"}
        done = run_cli("check", str(ROOT / "examples" / "specs"), env=env)
        assert done.code == 2, done.err  # the examples' drift, read over HTTP from the fake
    finally:
        server.kill()
        server.wait(timeout=10)
    ci = load(ROOT / ".github" / "workflows" / "ci.yml")
    steps = ci["jobs"]["action"]["steps"]
    assert any("fakes.serve_datadog" in step.get("run", "") for step in steps)
    assert [step["with"]["paths"] for step in steps if step.get("uses") == "./"]


# ---------------------------------------------------------------- multi-org.yml


def test_multi_org_summary_merges_every_legs_report(tmp_path: Path) -> None:
    workflow = load(ROOT / "examples" / "workflows" / "multi-org.yml")
    legs = tmp_path / "legs"
    for org, code in (("production", "2"), ("disaster-recovery", "4")):
        (legs / f"driftcheck-{org}").mkdir(parents=True)
        (legs / f"driftcheck-{org}" / "leg.json").write_text(
            json.dumps({"org": org, "exit_code": code}), encoding="utf-8"
        )
    report = legs / "driftcheck-production" / "report.json"
    done = check_examples("--report-json", str(report))
    assert done.code == 2, done.err
    errors = json.loads(report.read_text(encoding="utf-8"))["summary"]["by_severity"]["error"]
    runner = Runner(tmp_path, {})
    step = find_step(workflow["jobs"]["summary"]["steps"], "One summary for every organisation")
    ran = runner.run(step, {})
    assert ran.returncode == 0, ran.stderr
    summary = runner.summary.read_text(encoding="utf-8")
    assert "| `disaster-recovery` | live state unreadable | 4 |  |  |" in summary
    assert f"| `production` | drift | 2 | {errors} | 0 |" in summary
    legs_step = workflow["jobs"]["drift"]["steps"]
    assert find_step(legs_step, "driftcheck")["with"]["comment-key"] == "${{ matrix.org }}"
