"""The plan's sticky comment (``driftcheck comment PLAN.json``): its own key beside the
check's comment, updated in place, values escaped."""

from __future__ import annotations

from pathlib import Path

from fakes.datadog_api import FakeDatadog, sample_connection
from fakes.github_api import FakeGitHub
from helpers import pull_request_env, run_cli


def test_the_plan_gets_a_sticky_comment_of_its_own(
    github: FakeGitHub, fake_datadog: FakeDatadog, tmp_path: Path
) -> None:
    fake_datadog.set_connections("users", [sample_connection(), sample_connection("@admin`x")])
    spec = tmp_path / "users.yaml"
    spec.write_text(
        "version: 1\nentities:\n  users:\n    unmanaged_connections: delete\n    connections: []\n",
        "utf-8",
    )
    plan = tmp_path / "plan.json"
    assert run_cli("plan", str(spec), "-o", str(plan), env=fake_datadog.env()).code == 2
    github.add_comment(
        12, "<!-- driftcheck:comment key=pre-merge/driftcheck site=datadoghq.com -->"
    )
    env = {
        **pull_request_env(github, tmp_path, number=12, sha="a" * 40),
        "GITHUB_TOKEN": github.token,
        "GITHUB_WORKFLOW": "pre-merge",
        "GITHUB_JOB": "driftcheck",
    }
    first = run_cli("comment", str(plan), env=env)
    assert first.code == 0 and "created the comment" in first.out, first
    body = github.bodies(12)[-1]
    assert body.startswith("<!-- driftcheck:comment key=pre-merge/driftcheck%20plan")
    assert "<!-- driftcheck:plan -->" in body and "[!CAUTION]" in body
    assert "``users/@admin`x``" in body  # in a code span: no mention, no markup
    assert len(github.bodies(12)) == 2  # the check's comment is left alone
    again = run_cli("comment", str(plan), env=env)
    assert "up to date" in again.out and len(github.bodies(12)) == 2
