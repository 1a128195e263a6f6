"""`driftcheck comment` through the real CLI: messages, streams and exit codes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fakes.datadog_api import FakeDatadog
from fakes.github_api import FakeGitHub
from fakes.hostile_http import hostile
from helpers import Result, pull_request_env, run_cli

from driftcheck.model import DriftItem, EntityStatus, Location, Report
from driftcheck.reporters import render

PR = 12


@pytest.fixture
def env(github: FakeGitHub, tmp_path: Path) -> dict[str, str]:
    return {
        "GITHUB_ACTIONS": "true",
        **pull_request_env(github, tmp_path, number=PR, sha="a" * 40),
        "GITHUB_TOKEN": github.token,
        "GITHUB_WORKFLOW": "pre-merge",
        "GITHUB_JOB": "driftcheck",
    }


@pytest.fixture
def report(tmp_path: Path) -> str:
    item = DriftItem(
        kind="missing",
        severity="error",
        entity="users",
        connection="crm",
        field=None,
        attribute=None,
        expected={"type": "ref_table"},
        actual=None,
        source=Location("specs/users.yaml", 4, 9),
    )
    drifted = Report(
        items=(item,),
        notices=(),
        errors=(),
        entities=(EntityStatus(name="users", status="drift", connections_checked=1),),
        site="datadoghq.eu",
        generated_at="2026-11-20T10:02:11Z",
        driftcheck_version="0.1.0",
    )
    path = tmp_path / "report.json"
    path.write_text(render(drifted, "json"), encoding="utf-8")
    return str(path)


def run(env: dict[str, str], *argv: str) -> Result:
    return run_cli(*argv, env=env)


def test_comment_is_created_and_reported_on_stdout(
    env: dict[str, str], report: str, github: FakeGitHub
) -> None:
    code, out, err = run(env, "comment", report)
    assert (code, err) == (0, "")
    assert out.startswith(f"created the comment on pull request #{PR}")
    [body] = github.bodies(PR)
    assert body.startswith(
        "<!-- driftcheck:comment key=pre-merge/driftcheck%20site=datadoghq.eu -->\n"
    )


def test_key_option_names_the_marker(env: dict[str, str], report: str, github: FakeGitHub) -> None:
    run(env, "comment", report, "--key", "matrix leg 2")
    assert github.bodies(PR)[0].startswith("<!-- driftcheck:comment key=matrix%20leg%202 -->")


def test_fork_pull_request_warns_on_stderr_and_exits_0(
    env: dict[str, str], report: str, github: FakeGitHub
) -> None:
    github.read_only = True
    code, out, err = run(env, "comment", report)
    assert (code, out) == (0, "")
    assert err.startswith("warning: pull-request comment not posted: ")
    assert "job summary" in err


def test_outside_a_pull_request_says_so(
    env: dict[str, str], report: str, github: FakeGitHub
) -> None:
    env["GITHUB_EVENT_NAME"] = "push"
    code, out, _ = run(env, "comment", report)
    assert code == 0
    assert out == "no pull request (the event is 'push'): no comment posted\n"
    assert github.requests == []


@pytest.mark.parametrize("content", [None, "", "[1, 2]"])
def test_missing_or_invalid_report_is_a_usage_error(
    env: dict[str, str], tmp_path: Path, github: FakeGitHub, content: str | None
) -> None:
    path = tmp_path / "given.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(env, "comment", str(path))
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {path}: ")
    assert github.requests == []


def test_debug_log_never_shows_the_token(
    env: dict[str, str], report: str, github: FakeGitHub
) -> None:
    github.fail_next("GET", 429, headers={"Retry-After": "0"})  # no real wait
    github.fail_next("POST", 422, {"message": f"Bearer {github.token}"})
    code, out, err = run(env, "--debug", "comment", report)
    text = out + err
    assert code == 0
    assert "debug: github: GET /repos/octo/specs/issues/12/comments -> HTTP 429" in text
    assert "HTTP 422" in err
    assert github.token not in text


@pytest.mark.parametrize("behaviour", ["drip_headers", "drip_body", "silent"])
def test_comment_timeout_is_a_total_deadline(
    env: dict[str, str], report: str, behaviour: str
) -> None:
    # A byte every 0.2 s keeps every socket read alive; the server would go on for 6 s.
    with hostile(behaviour, interval=0.2, limit=6.0) as server:
        started = time.monotonic()
        result = run({**env, "GITHUB_API_URL": server.url}, "comment", report, "--timeout", "0.5")
        seconds = time.monotonic() - started
    assert seconds < 3.5
    assert result.code == 0  # a comment never changes the verdict
    assert "warning: pull-request comment not posted" in result.err
    assert "--timeout deadline of 0.5 s" in result.err


def test_comment_reads_at_most_the_body_cap(
    env: dict[str, str], report: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from driftcheck.github import client

    monkeypatch.setattr(client, "MAX_BODY_BYTES", 100_000)
    with hostile("endless", interval=0.0) as server:
        result = run({**env, "GITHUB_API_URL": server.url}, "comment", report)
    assert "warning: pull-request comment not posted" in result.err
    assert "larger than 100000 bytes" in result.err


def test_comment_timeout_must_be_positive(env: dict[str, str], report: str) -> None:
    result = run(env, "comment", report, "--timeout", "0")
    assert result.code == 1
    assert "--timeout must be a positive number of seconds" in result.err


def test_a_warnings_only_run_updates_the_earlier_verdict(
    env: dict[str, str], report: str, github: FakeGitHub, tmp_path: Path
) -> None:
    assert run(env, "comment", report).code == 0
    warned = Report(
        items=(
            DriftItem(
                kind="unexpected",
                severity="warning",
                entity="users",
                connection="crm",
                field="extra",
                source=Location("specs/users.yaml", 4, 9),
            ),
        ),
        notices=(),
        errors=(),
        entities=(EntityStatus(name="users", status="in_sync", connections_checked=1),),
        site="datadoghq.eu",
        generated_at="2026-11-21T10:02:11Z",
        driftcheck_version="0.1.0",
    )
    path = tmp_path / "warned.json"
    path.write_text(render(warned, "json"), encoding="utf-8")
    result = run(env, "comment", str(path))
    assert result.code == 0 and "updated (back in sync)" in result.out
    (body,) = github.bodies(PR)
    assert "in sync, with warnings" in body and "drift found" not in body


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_author_of_our_comment_can_be_named(
    env: dict[str, str], report: str, github: FakeGitHub, how: str
) -> None:
    # A GitHub App's token: its comments are by drift-app[bot], not github-actions[bot].
    github.login = "drift-app[bot]"
    extra = ["--author", "drift-app[bot]"] if how == "option" else []
    if how == "environment":
        env = {**env, "DRIFTCHECK_COMMENT_AUTHOR": "drift-app[bot]"}
    assert run(env, "comment", report, *extra).out.startswith("created")
    github.comments[PR][0]["body"] = github.comments[PR][0]["body"].replace(
        "<!-- driftcheck:digest", "<!-- driftcheck:digest 0"
    )  # a report that changed since: the comment must be found and edited
    code, out, _ = run(env, "comment", report, *extra)
    assert code == 0
    assert out.startswith("updated the comment"), out
    assert len(github.bodies(PR)) == 1


def test_a_rerun_of_a_live_check_finding_the_same_drift_leaves_the_comment_alone(
    env: dict[str, str], github: FakeGitHub, tmp_path: Path, fake_datadog: FakeDatadog
) -> None:
    # Each run reads Datadog anew (the read time is the time of the run): a rerun that finds
    # the same drift must not edit the comment for a new time; new drift must.
    import datetime as dt

    from fakes.datadog_api import sample_connection
    from helpers import ONE_CONNECTION_SPEC

    fake_datadog.set_connections("users", [sample_connection("user-profiles-connection")])
    spec = tmp_path / "users.yaml"
    spec.write_text(ONE_CONNECTION_SPEC.replace("ref_table", "lookup_table"), encoding="utf-8")
    report = tmp_path / "report.json"
    outcomes = []
    for hour in (10, 11, 12):
        if hour == 12:
            spec.write_text(ONE_CONNECTION_SPEC.replace("email", "user_id"), encoding="utf-8")
        now = dt.datetime(2026, 11, 20, hour, 0, tzinfo=dt.UTC)
        argv = ("check", str(spec), "--report-json", str(report), "--entity", "users")
        assert run_cli(*argv, env={**env, **fake_datadog.env()}, now=now).code == 2
        outcomes.append(run(env, "comment", str(report), "--key", "k").out)
    assert outcomes[0].startswith("created the comment"), outcomes
    assert "is up to date" in outcomes[1], outcomes
    assert outcomes[2].startswith("updated the comment"), outcomes
