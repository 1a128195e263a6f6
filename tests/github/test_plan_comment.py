"""The plan's sticky comment (``driftcheck comment PLAN.json``): its own key beside the
check's comment, updated in place, values escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fakes.datadog_api import FakeDatadog, sample_connection
from fakes.github_api import FakeGitHub
from helpers import pull_request_env, run_cli

from driftcheck.github.comment import MAX_BODY
from driftcheck.github.plan_comment import plan_comment_body
from driftcheck.plan.planfile import read_plan
from driftcheck.plan.render import render_markdown
from driftcheck.reporters import MARKDOWN_BUDGET


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


def _big_plan(fake_datadog: FakeDatadog, tmp_path: Path, connections: int) -> Path:
    """A saved plan creating ``connections`` connections of 6 fields (astral characters in
    the values: each counts twice toward GitHub's limit, in UTF-16 units)."""
    fake_datadog.set_connections("users", [])
    conns = [
        {
            "id": f"conn-{n:04}-🚀🛰️",
            "type": "ref_table",
            "join": {"attribute": "user_email", "type": "email"},
            "fields": [
                {"id": f"field_{k}", "source_name": f"🌍src_{k}", "type": "string"}
                for k in range(6)
            ],
        }
        for n in range(connections)
    ]
    spec = tmp_path / "users.yaml"
    spec.write_text(
        json.dumps(
            {"version": 1, "entities": {"users": {"connections": conns}}}, ensure_ascii=False
        ),
        "utf-8",
    )
    plan = tmp_path / "plan.json"
    assert run_cli("plan", str(spec), "-o", str(plan), env=fake_datadog.env()).code == 2
    return plan


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_a_big_plan_comment_keeps_whole_lines_and_says_what_was_left_out(
    fake_datadog: FakeDatadog, tmp_path: Path
) -> None:
    saved = _big_plan(fake_datadog, tmp_path, 400)
    plan = read_plan(str(saved))
    full = render_markdown(plan)
    assert _utf16(full) > MAX_BODY  # too big for one comment
    body = plan_comment_body(plan, "<!-- driftcheck:comment key=k -->")
    assert _utf16(body) <= MAX_BODY
    whole = set(full.splitlines())
    lines = body.splitlines()
    note = lines[-1]
    assert note.startswith("✂️ **") and "left out** to keep it under" in note
    assert "driftcheck plan --format text" in note  # where the whole plan is
    shown = [line for line in lines[2:-1] if line]
    assert all(line in whole for line in shown)  # no line cut: each one as the plan has it
    changes = sum(len(op.changes) for op in plan.operations)
    listed = sum(1 for line in shown if line.startswith("  - "))
    left = int(re.search(r"\*\*([\d,]+) changes", note).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert listed + left == changes and listed > 0
    assert "[!CAUTION]" not in body or body.index("[!CAUTION]") < body.index("- **")


def test_a_plan_that_fits_is_whole(fake_datadog: FakeDatadog, tmp_path: Path) -> None:
    plan = read_plan(str(_big_plan(fake_datadog, tmp_path, 3)))
    body = plan_comment_body(plan, "<!-- m -->")
    assert body.endswith(render_markdown(plan)) and "left out" not in body


def test_the_plan_in_the_job_summary_keeps_the_checks_budget(
    fake_datadog: FakeDatadog, tmp_path: Path
) -> None:
    saved = _big_plan(fake_datadog, tmp_path, 400)
    spec = str(tmp_path / "users.yaml")
    result = run_cli("plan", spec, "--format", "markdown", env=fake_datadog.env())
    assert result.code == 2 and len(result.out) <= MARKDOWN_BUDGET
    assert result.out.rstrip().splitlines()[-1].startswith("✂️ **")
    whole = set(render_markdown(read_plan(str(saved))).splitlines())
    assert all(line in whole for line in result.out.splitlines()[:-1])
