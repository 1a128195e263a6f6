"""examples/workflows/adopt-drift.yml run with bash as a runner runs it: the adopt step runs
the real driftcheck against the fake Datadog API in a real git checkout, the pull-request
step runs a stub ``gh`` and pushes to a local bare repository standing in for GitHub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from action_runner import ROOT, Runner, find_step, load
from fakes.datadog_api import FakeDatadog, error, running, sample_connection
from helpers import gh_stub

from driftcheck import __version__
from driftcheck.export.exporter import render_spec

WORKFLOW = load(ROOT / "examples" / "workflows" / "adopt-drift.yml")
JOB = WORKFLOW["jobs"]["adopt"]
GH_STUB = gh_stub("pr", "GH_OPEN_PR", "pull")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=30
    )
    return done.stdout


class Job:
    """A checkout of the default branch (``datadog/users.yaml`` as export wrote it), the
    fake Datadog API, and the two steps of the job."""

    def __init__(self, tmp_path: Path, datadog: FakeDatadog) -> None:
        self.datadog = datadog
        self.origin = tmp_path / "origin.git"
        git(tmp_path, "init", "-q", "--bare", "-b", "main", str(self.origin))
        self.work = tmp_path / "work"
        (self.work / "datadog").mkdir(parents=True)
        spec = render_spec(
            "users", [sample_connection()], site="s", read_at="t", version=__version__
        )
        (self.work / "datadog" / "users.yaml").write_text(spec, encoding="utf-8")
        git(self.work, "init", "-q", "-b", "main")
        git(self.work, "add", "datadog")
        git(self.work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "specs")
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "gh").write_text(GH_STUB.format(python=sys.executable), encoding="utf-8")
        (bin_dir / "gh").chmod(0o755)
        self.log = tmp_path / "gh.log"
        path = f"{bin_dir}:{Path(sys.executable).parent}:{os.environ['PATH']}"
        self.runner = Runner(
            self.work,
            {
                "PATH": path,
                "GH_LOG": str(self.log),
                **JOB["env"],
                # "GitHub" is the bare repository next to the checkout.
                "GIT_CONFIG_COUNT": "1",
                "GIT_CONFIG_KEY_0": f"url.{self.origin}.insteadOf",
                "GIT_CONFIG_VALUE_0": "https://github.com/octo/specs.git",
            },
        )

    def adopt(self) -> subprocess.CompletedProcess[str]:
        step = find_step(JOB["steps"], "adopt")
        env = self.datadog.env()
        self.runner.env["DRIFTCHECK_API_URL"] = env["DRIFTCHECK_API_URL"]
        keys = {"secrets.DD_API_KEY": env["DD_API_KEY"], "secrets.DD_APP_KEY": env["DD_APP_KEY"]}
        return self.runner.run(step, keys, "adopt")

    def pull_request(self, open_pr: str = "") -> subprocess.CompletedProcess[str]:
        self.runner.env["GH_OPEN_PR"] = open_pr
        step = find_step(JOB["steps"], "Open, update or close the pull request")
        context = {
            "github.token": "ghs_x",
            "github.repository": "octo/specs",
            "github.event.repository.default_branch": "main",
            "github.server_url": "https://github.com",
            "github.run_id": "42",
            "steps.adopt.outputs.exit-code": self.runner.outputs["adopt"]["exit-code"],
        }
        return self.runner.run(step, context)

    def calls(self) -> list[dict[str, Any]]:
        lines = self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []
        return [json.loads(line) for line in lines]

    def writes(self) -> list[list[str]]:
        return [c["args"] for c in self.calls() if c["args"][:2] not in (["pr", "list"],)]


@pytest.fixture
def drifted() -> Iterator[FakeDatadog]:
    changed = sample_connection(metadata={"owner": "marketing"})
    with running(connections={"users": [changed]}) as fake:
        yield fake


@pytest.fixture
def in_sync() -> Iterator[FakeDatadog]:
    with running(connections={"users": [sample_connection()]}) as fake:
        yield fake


def test_drift_opens_one_pull_request_on_the_fixed_branch(
    tmp_path: Path, drifted: FakeDatadog
) -> None:
    job = Job(tmp_path, drifted)
    adopted = job.adopt()
    assert adopted.returncode == 0, adopted.stderr
    assert job.runner.outputs["adopt"]["exit-code"] == "0"
    done = job.pull_request()
    assert done.returncode == 0, done.stderr
    [create] = [w for w in job.writes() if w[:2] == ["pr", "create"]]
    assert create[create.index("--head") + 1] == "driftcheck/adopt"
    assert create[create.index("--base") + 1] == "main"
    body = next(c["body"] for c in job.calls() if c["args"][:2] == ["pr", "create"])
    assert body.startswith("<!-- driftcheck:adopt -->")
    assert "metadata.owner" in body and "jane\\.doe@\u2060example\\.com" in body
    assert "2026\\-11\\-20T10\\:02\\:11Z" in body and "runs/42" in body
    pushed = git(job.origin, "show", "driftcheck/adopt:datadog/users.yaml")
    assert "metadata: {owner: marketing}" in pushed
    assert git(job.origin, "log", "-1", "--format=%an", "driftcheck/adopt").strip() == (
        "github-actions[bot]"
    )


def test_lasting_drift_updates_the_open_pull_request(tmp_path: Path, drifted: FakeDatadog) -> None:
    job = Job(tmp_path, drifted)
    job.adopt()
    done = job.pull_request(open_pr="7")
    assert done.returncode == 0, done.stderr
    assert [w[:3] for w in job.writes()] == [["auth", "setup-git"], ["pr", "edit", "7"]]
    assert "metadata: {owner: marketing}" in git(
        job.origin, "show", "driftcheck/adopt:datadog/users.yaml"
    )


def test_back_in_sync_closes_the_pull_request(tmp_path: Path, in_sync: FakeDatadog) -> None:
    job = Job(tmp_path, in_sync)
    assert job.adopt().returncode == 0
    done = job.pull_request(open_pr="7")
    assert done.returncode == 0, done.stderr
    [close] = job.writes()
    assert close[:3] == ["pr", "close", "7"] and "--delete-branch" in close
    assert git(job.origin, "branch", "--list") == ""  # nothing pushed


def test_in_sync_without_a_pull_request_does_nothing(tmp_path: Path, in_sync: FakeDatadog) -> None:
    job = Job(tmp_path, in_sync)
    job.adopt()
    done = job.pull_request()
    assert done.returncode == 0 and job.writes() == []
    assert "In sync: nothing to adopt." in done.stdout


@pytest.mark.parametrize(
    ("code", "words"), [("4", "not drift"), ("2", "edit by hand"), ("3", "invalid spec")]
)
def test_failures_push_nothing_and_fail_the_run(
    tmp_path: Path, in_sync: FakeDatadog, code: str, words: str
) -> None:
    job = Job(tmp_path, in_sync)
    job.runner.outputs["adopt"] = {"exit-code": code}
    done = job.pull_request(open_pr="7")
    assert done.returncode == (int(code) if code in ("2", "4") else 1)
    assert "::error title=driftcheck adopt::" in done.stdout and words in done.stdout
    assert job.writes() == [] and git(job.origin, "branch", "--list") == ""


def test_an_unreadable_datadog_is_exit_4_from_the_adopt_step(
    tmp_path: Path, in_sync: FakeDatadog
) -> None:
    in_sync.fail_always("users", error(403, "Forbidden"))
    job = Job(tmp_path, in_sync)
    job.adopt()
    assert job.runner.outputs["adopt"]["exit-code"] == "4"
    assert git(job.work, "status", "--porcelain", "--", "datadog") == ""
