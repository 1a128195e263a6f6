"""The action's three-way view (issue 13): the ``base`` input, the fetch of a base commit
that a shallow checkout lacks, ``fail-on``, and the outputs per origin. The workspace is a
real shallow git clone of a repository made in the test; Datadog and GitHub are fakes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from action_runner import STEPS, Runner, action_context, fake_venv, find_step, run_action
from fakes.datadog_api import FakeDatadog, running, sample_connection
from fakes.github_api import FakeGitHub
from helpers import git, pull_request_env

PR = 9
BASE_SPEC = """\
version: 1
entities:
  users:
    unmanaged_fields: fail
    connections:
      - id: user-profiles-connection
        type: ref_table
        join: {attribute: user_email, type: email}
"""
# The change declares a new connection, which Datadog does not have yet: introduced.
# The live connection's two fields are declared by neither: existing drift.
HEAD_SPEC = (
    BASE_SPEC
    + """\
      - id: warehouse-sync
        type: snowflake
        join: {attribute: user_id, type: user_id}
"""
)


@pytest.fixture
def datadog() -> Iterator[FakeDatadog]:
    with running(connections={"users": [sample_connection()]}) as fake:
        yield fake


def shallow_workspace(tmp_path: Path, head_spec: str) -> tuple[Path, str]:
    """A repository with a base and a head commit, and the workspace: a shallow clone of the
    head (as actions/checkout makes it). Returns the workspace and the base commit."""
    origin = tmp_path / "origin"
    (origin / "specs").mkdir(parents=True)
    git(origin, "init", "-q", "-b", "main")
    (origin / "specs" / "users.yaml").write_text(BASE_SPEC, encoding="utf-8")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "base")
    base = git(origin, "rev-parse", "HEAD")
    (origin / "specs" / "users.yaml").write_text(head_spec, encoding="utf-8")
    git(origin, "commit", "-qam", "the change")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    git(workspace, "init", "-q")
    git(workspace, "remote", "add", "origin", origin.as_uri())
    git(workspace, "fetch", "-q", "--depth=1", "origin", "main")
    git(workspace, "checkout", "-q", "FETCH_HEAD")
    with pytest.raises(subprocess.CalledProcessError):
        git(workspace, "cat-file", "-e", f"{base}^{{commit}}")  # shallow: the base is missing
    return workspace, base


def check_step(runner: Runner, inputs: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return runner.run(find_step(STEPS, "check"), action_context(inputs, runner, "t"), "check")


def runner_for(workspace: Path, datadog: FakeDatadog, github: FakeGitHub) -> Runner:
    runner = Runner(
        workspace,
        {**datadog.env(), **pull_request_env(github, workspace, number=PR, sha="d" * 40)},
    )
    fake_venv(runner)
    return runner


def test_base_is_fetched_and_only_introduced_drift_fails(
    tmp_path: Path, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    workspace, base = shallow_workspace(tmp_path, HEAD_SPEC)
    runner = runner_for(workspace, datadog, github)
    result = run_action(runner, {"paths": "specs", "base": base}, token=github.token)
    outputs = result["outputs"]
    assert result["check"].returncode == 0, result["check"].stderr
    assert (outputs["exit-code"], outputs["status"], outputs["drift-count"]) == ("2", "drift", "1")
    counts = [outputs[f"{o}-count"] for o in ("introduced", "conflict", "existing", "resolved")]
    assert counts == ["1", "0", "2", "0"]
    report = json.loads(Path(outputs["report-json"]).read_text("utf-8"))
    assert report["base"]["commit"] == base
    assert json.loads(Path(outputs["report-sarif"]).read_text("utf-8"))["version"] == "2.1.0"
    [body] = github.bodies(PR)
    assert "**0 conflicts · 1 introduced · 2 existing · 0 resolved**" in body
    assert result["exit"] == 2


def test_existing_drift_alone_passes_and_still_comments(
    tmp_path: Path, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    workspace, base = shallow_workspace(tmp_path, "# reformatted\n" + BASE_SPEC)
    runner = runner_for(workspace, datadog, github)
    result = run_action(runner, {"paths": "specs", "base": base}, token=github.token)
    outputs = result["outputs"]
    assert (outputs["exit-code"], outputs["status"], outputs["existing-count"]) == (
        "0",
        "in_sync",
        "2",
    )
    [body] = github.bodies(PR)
    assert "no new drift from this change" in body
    assert result["exit"] == 0
    strict = run_action(
        runner, {"paths": "specs", "base": base, "fail-on": "all"}, token=github.token
    )
    assert (strict["outputs"]["status"], strict["exit"]) == ("drift", 2)


def test_without_base_everything_counts_and_origin_outputs_are_empty(
    tmp_path: Path, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    workspace, _ = shallow_workspace(tmp_path, "# reformatted\n" + BASE_SPEC)
    result = run_action(
        runner_for(workspace, datadog, github), {"paths": "specs"}, token=github.token
    )
    outputs = result["outputs"]
    assert (outputs["exit-code"], outputs["drift-count"], outputs["existing-count"]) == (
        "2",
        "2",
        "",
    )


def test_a_base_that_cannot_be_fetched_fails_the_step_with_a_message(
    tmp_path: Path, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    workspace, _ = shallow_workspace(tmp_path, HEAD_SPEC)
    runner = runner_for(workspace, datadog, github)
    done = check_step(runner, {"paths": "specs", "base": "f" * 40})
    assert (runner.outputs["check"]["exit-code"], runner.outputs["check"]["status"]) == (
        "1",
        "failed",
    )
    assert "cannot fetch the base commit " + "f" * 40 in done.stdout


@pytest.mark.parametrize("bad", ["--upload-pack=evil", "a b", "$(id)", "main\n::error::x"])
def test_a_base_that_is_not_a_revision_is_refused(
    tmp_path: Path, datadog: FakeDatadog, github: FakeGitHub, bad: str
) -> None:
    workspace, _ = shallow_workspace(tmp_path, HEAD_SPEC)
    runner = runner_for(workspace, datadog, github)
    done = check_step(runner, {"paths": "specs", "base": bad})
    assert "base must be a git revision" in done.stdout
    assert runner.outputs["check"]["exit-code"] == "1"
    assert not (workspace / "evil").exists()


def test_fail_on_must_be_introduced_or_all(
    tmp_path: Path, datadog: FakeDatadog, github: FakeGitHub
) -> None:
    workspace, _ = shallow_workspace(tmp_path, HEAD_SPEC)
    done = check_step(runner_for(workspace, datadog, github), {"paths": "specs", "fail-on": "new"})
    assert "fail-on must be introduced or all" in done.stdout
