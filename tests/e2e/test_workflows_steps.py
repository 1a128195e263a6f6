"""The scripts of action.yml and scheduled-drift.yml, run with bash as a runner runs them.

A small harness resolves the ``${{ }}`` expressions of each step's ``env:`` from a context
the test gives (nothing else may hold one: see test_workflows_lint.py), runs ``run:`` with
``bash --noprofile --norc -eo pipefail`` and reads ``$GITHUB_OUTPUT`` back. The action's
check runs the real driftcheck against the fake Datadog API; the comment goes to the fake
GitHub API; ``gh`` is a stub that records its arguments.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from fakes.datadog_api import FakeDatadog, error, running, sample_connection
from fakes.github_api import FakeGitHub
from helpers import pull_request_env

from driftcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PR = 3


def load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


ACTION = load(ROOT / "action.yml")
SCHEDULED = load(ROOT / "examples" / "workflows" / "scheduled-drift.yml")


def find_step(steps: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(s for s in steps if name in (s.get("id"), s.get("name")))


class Runner:
    """A fake runner: one RUNNER_TEMP, one job summary, step outputs by step id."""

    def __init__(self, tmp_path: Path, env: Mapping[str, str]) -> None:
        self.tmp = tmp_path
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir()
        self.summary = tmp_path / "summary.md"
        self.outputs: dict[str, dict[str, str]] = {}
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "LANG": "C.UTF-8",
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_WORKFLOW": "driftcheck",
            "GITHUB_JOB": "check",
            **env,
        }

    def run(
        self, step: dict[str, Any], context: Mapping[str, str], step_id: str = ""
    ) -> subprocess.CompletedProcess[str]:
        assert "${{" not in step["run"], "expressions belong in env:, not in run:"
        output = self.tmp / f"output-{len(self.outputs)}"
        output.touch()
        env = {**self.env, "GITHUB_OUTPUT": str(output)}
        env.update(
            {name: resolve(str(value), context) for name, value in (step.get("env") or {}).items()}
        )
        script = self.tmp / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            env=env,
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.outputs[step_id or str(len(self.outputs))] = dict(
            line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines()
        )
        return done


def resolve(text: str, context: Mapping[str, str]) -> str:
    """Replace each ``${{ expr }}`` by ``context[expr]``; an unknown expression fails the test."""

    def value(match: re.Match[str]) -> str:
        expression = match.group(1)
        assert expression in context, f"the test gives no value for ${{{{ {expression} }}}}"
        return resolve(context[expression], context)

    return EXPRESSION.sub(value, text)


def fake_venv(runner: Runner, driftcheck: str | None = None) -> None:
    """driftcheck 'installed' in RUNNER_TEMP: the real one from this checkout, or a stub."""
    bin_dir = runner.temp / "driftcheck-venv" / "bin"
    bin_dir.mkdir(parents=True)
    real = f'#!/bin/sh\nexec "{sys.executable}" -m driftcheck "$@"\n'
    for name, text in (
        ("driftcheck", driftcheck or real),
        ("python", f'#!/bin/sh\nexec "{sys.executable}" "$@"\n'),
    ):
        (bin_dir / name).write_text(text, encoding="utf-8")
        (bin_dir / name).chmod(0o755)


# ---------------------------------------------------------------- the action, end to end

SPEC = """\
version: 1
entities:
  users:
    connections:
      - id: user-profiles-connection
        type: ref_table
        join: {attribute: user_email, type: email}
"""


@pytest.fixture
def datadog() -> Iterator[FakeDatadog]:
    connection = sample_connection()
    with running(connections={"users": [connection]}) as fake:
        yield fake


def action_context(inputs: Mapping[str, str], runner: Runner, token: str) -> dict[str, str]:
    context = {
        f"inputs.{name}": str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()
    }
    context.update({f"inputs.{name}": value for name, value in inputs.items()})
    context["github.token"] = token
    for name, value in runner.outputs.get("check", {}).items():
        context[f"steps.check.outputs.{name}"] = value
    return context


def run_action(runner: Runner, inputs: Mapping[str, str], token: str = "unused") -> dict[str, Any]:
    """Run check, then comment, then the exit step; returns what each did."""
    steps = ACTION["runs"]["steps"]
    check = runner.run(find_step(steps, "check"), action_context(inputs, runner, token), "check")
    comment = runner.run(
        find_step(steps, "Comment on the pull request"),
        action_context(inputs, runner, token),
        "comment",
    )
    exit_step = runner.run(
        find_step(steps, "Exit with the check's exit code"),
        action_context(inputs, runner, token),
        "exit",
    )
    return {
        "check": check,
        "comment": comment,
        "exit": exit_step.returncode,
        "outputs": runner.outputs["check"],
    }


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


def test_invalid_spec_exits_3_without_reports(pr_runner: Runner, tmp_path: Path) -> None:
    (tmp_path / "specs" / "users.yaml").write_text("version: 1\nentities: 7\n", encoding="utf-8")
    result = run_action(pr_runner, {"paths": "specs"})
    outputs = result["outputs"]
    assert (outputs["status"], outputs["exit-code"], outputs["report-json"]) == (
        "spec_invalid",
        "3",
        "",
    )
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

RECORDER = """#!/bin/sh
printf '%s\\n' "$@" > "$RUNNER_TEMP/argv"
exit 0
"""


@pytest.fixture
def stub_runner(tmp_path: Path) -> Runner:
    runner = Runner(tmp_path, {})
    fake_venv(runner, driftcheck=RECORDER)
    return runner


def test_inputs_are_data_never_shell(stub_runner: Runner, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").touch()
    (tmp_path / "b.yaml").touch()
    inputs = {
        "paths": "specs/$(touch pwned1) `touch pwned2`\n*.yaml ;touch${IFS}pwned3",
        "entities": "users,accounts $(touch pwned4)",
        "site": 'datadoghq.eu"; touch pwned5',
    }
    step = find_step(ACTION["runs"]["steps"], "check")
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
    steps = ACTION["runs"]["steps"]
    done = stub_runner.run(
        find_step(steps, "check"), action_context(inputs, stub_runner, "t"), "check"
    )
    assert f"::error title=driftcheck::{message}" in done.stdout
    assert stub_runner.outputs["check"]["exit-code"] == "1"
    assert not (stub_runner.temp / "argv").exists()
    exit_step = find_step(steps, "Exit with the check's exit code")
    assert stub_runner.run(exit_step, action_context(inputs, stub_runner, "t")).returncode == 1


# ---------------------------------------------------------------- scheduled-drift.yml

GH_STUB = """#!{python}
import json, os, sys
args = sys.argv[1:]
record = {{"args": args}}
if "--body-file" in args:
    with open(args[args.index("--body-file") + 1], encoding="utf-8") as handle:
        record["body"] = handle.read()
with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(record) + "\\n")
if args[:2] == ["issue", "list"]:
    print(os.environ.get("GH_OPEN_ISSUE", ""))
elif args[:2] == ["issue", "create"]:
    print("https://github.com/octo/specs/issues/99")
"""


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
