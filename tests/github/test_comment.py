"""The sticky pull-request comment against a fake GitHub API on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fakes.github_api import FakeGitHub, serve
from helpers import pull_request_env
from hypothesis import given
from hypothesis import strategies as st

from driftcheck.errors import UsageError
from driftcheck.github.comment import (
    DEFAULT_AUTHOR,
    MAX_BODY,
    CommentOutcome,
    link_base_from_env,
    marker_for,
    post_comment,
)
from driftcheck.github.sticky import ClientSettings
from driftcheck.model import DriftItem, EntityError, EntityStatus, LiveSource, Location, Report
from driftcheck.reporters import render

PR = 7
HEAD_SHA = "0123456789abcdef0123456789abcdef01234567"


def make_report(
    *,
    drift: bool = True,
    error: bool = False,
    items: int = 1,
    value: str = "ref_table",
    read_at: str = "2026-11-20T10:02:11Z",
) -> Report:
    """A small hand-made report: ``items`` changed types in users, or in sync."""
    drift_items = tuple(
        DriftItem(
            kind="changed",
            severity="error",
            entity="users",
            connection=f"crm{n}",
            field=None,
            attribute="type",
            expected=value,
            actual="other",
            source=Location("specs/users.yaml", 12 + n, 7),
        )
        for n in range(items if drift else 0)
    )
    errors = (EntityError(entity="accounts", message="HTTP 503 from Datadog"),) if error else ()
    return Report(
        items=drift_items,
        notices=(),
        errors=errors,
        entities=(
            EntityStatus(
                name="users", status="drift" if drift else "in_sync", connections_checked=items
            ),
        ),
        site="datadoghq.com",
        generated_at=read_at,
        driftcheck_version="0.1.0",
    )


@pytest.fixture
def env(github: FakeGitHub, tmp_path: Path) -> dict[str, str]:
    return {
        **pull_request_env(github, tmp_path, number=PR, sha=HEAD_SHA),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_TOKEN": github.token,
        "GITHUB_WORKFLOW": "driftcheck",
        "GITHUB_JOB": "check",
        "GITHUB_SHA": "f" * 40,
    }


class Runner:
    """Writes a report and posts it, recording the back-off sleeps and the debug log."""

    def __init__(self, env: dict[str, str], tmp_path: Path) -> None:
        self.env, self.tmp_path = env, tmp_path
        self.sleeps: list[float] = []
        self.log: list[str] = []

    def __call__(
        self,
        report: Report,
        key: str | None = None,
        read_timeout: float = 5.0,
        **options: Any,
    ) -> CommentOutcome:
        path = self.tmp_path / "report.json"
        path.write_text(render(report, "json"), encoding="utf-8")
        author = options.pop("author", DEFAULT_AUTHOR)
        client = ClientSettings(
            log=self.log.append, sleep=self.sleeps.append, read_timeout=read_timeout, **options
        )
        return post_comment(str(path), key=key, env=self.env, client=client, author=author)


@pytest.fixture
def post(env: dict[str, str], tmp_path: Path) -> Runner:
    return Runner(env, tmp_path)


def assert_backoff(sleeps: list[float], ceilings: list[float]) -> None:
    """Jittered exponential back-off: each wait between half and all of its ceiling."""
    assert len(sleeps) == len(ceilings), sleeps
    assert all(c / 2 <= s <= c for s, c in zip(sleeps, ceilings, strict=True)), sleeps


def ours(github: FakeGitHub) -> list[str]:
    return [body for body in github.bodies(PR) if body.startswith("<!-- driftcheck:comment")]


# ---------------------------------------------------------------- create, update, keep


def test_drift_creates_one_comment_with_marker_report_and_links(
    post: Runner, github: FakeGitHub
) -> None:
    outcome = post(make_report())
    assert not outcome.warning
    assert outcome.message.startswith(f"created the comment on pull request #{PR}: https://")
    [body] = github.bodies(PR)
    first_line, _, rest = body.partition("\n")
    assert first_line == marker_for("driftcheck/check site=datadoghq.com")
    assert "<!-- driftcheck:report -->" in rest
    assert f"https://github.com/octo/specs/blob/{HEAD_SHA}/specs/users.yaml" in body
    listing = github.requests[0]
    assert (listing.method, listing.query["per_page"]) == ("GET", ["100"])
    assert listing.headers["authorization"] == f"Bearer {github.token}"
    assert listing.headers["accept"] == "application/vnd.github+json"


def test_changed_report_updates_the_existing_comment_in_place(
    post: Runner, github: FakeGitHub
) -> None:
    github.add_comment(PR, "LGTM", user={"login": "alice", "type": "User"})
    post(make_report(items=1))
    outcome = post(make_report(items=3))
    assert outcome.message.startswith("updated the comment")
    assert github.bodies(PR)[0] == "LGTM"
    [body] = ours(github)
    assert "crm2" in body
    assert [seen.method for seen in github.writes()] == ["POST", "PATCH"]


def test_unchanged_report_writes_nothing(post: Runner, github: FakeGitHub) -> None:
    post(make_report(read_at="2026-11-20T10:02:11Z"))
    outcome = post(make_report(read_at="2026-11-21T04:17:00Z"))  # a rerun: same drift, later
    assert outcome.message.startswith(f"the comment on pull request #{PR} is up to date")
    assert len(github.writes()) == 1
    assert "2026-11-20T10:02:11Z" in ours(github)[0]


def test_a_rerun_on_the_same_live_state_keeps_the_comment_and_new_drift_updates_it(
    post: Runner, github: FakeGitHub
) -> None:
    """With a live state (here a snapshot) the body is rendered once and is what the
    digest covers: the time of the check is not in it, a changed item is."""
    snapshot = LiveSource(read_at="2026-11-20T09:00:00Z", snapshot="live.json")
    first = dataclasses.replace(make_report(read_at="2026-11-20T10:02:11Z"), live=snapshot)
    rerun = dataclasses.replace(first, generated_at="2026-11-21T04:17:00Z")
    post(first)
    assert post(rerun).message.startswith(f"the comment on pull request #{PR} is up to date")
    changed = dataclasses.replace(make_report(value="lookup_table"), live=snapshot)
    assert post(changed).message.startswith("updated the comment")
    assert [seen.method for seen in github.writes()] == ["POST", "PATCH"]
    assert "lookup_table" in ours(github)[0]


def test_a_new_head_commit_updates_the_links(post: Runner, github: FakeGitHub) -> None:
    post(make_report())
    event = Path(post.env["GITHUB_EVENT_PATH"])
    event.write_text(
        json.dumps({"pull_request": {"number": PR, "head": {"sha": "b" * 40}}}), encoding="utf-8"
    )
    assert post(make_report()).message.startswith("updated the comment")
    assert f"/blob/{'b' * 40}/specs/users.yaml" in ours(github)[0]


def test_marker_on_page_three_is_found_and_updated(post: Runner, github: FakeGitHub) -> None:
    for n in range(230):
        github.add_comment(PR, f"chatter {n}", user={"login": "bob", "type": "User"})
    post(make_report(items=1))  # creates comment number 231: on page 3
    github.requests.clear()
    post(make_report(items=2))
    pages = [seen.query.get("page", ["1"])[0] for seen in github.requests if seen.method == "GET"]
    assert pages == ["1", "2", "3"]
    assert [seen.method for seen in github.writes()] == ["PATCH"]
    assert len(ours(github)) == 1 and "crm1" in ours(github)[0]


def test_two_keys_keep_two_comments_side_by_side(post: Runner, github: FakeGitHub) -> None:
    post(make_report(items=1), key="specs/eu")
    post(make_report(items=1), key="specs/us")
    post(make_report(items=2), key="specs/eu")
    bodies = ours(github)
    assert len(bodies) == 2
    eu = next(b for b in bodies if b.startswith(marker_for("specs/eu")))
    us = next(b for b in bodies if b.startswith(marker_for("specs/us")))
    assert "crm1" in eu and "crm1" not in us


def test_a_key_that_is_a_prefix_of_another_does_not_match_it(
    post: Runner, github: FakeGitHub
) -> None:
    post(make_report(), key="specs")
    post(make_report(), key="specs/eu")
    assert len(ours(github)) == 2


def test_a_quoted_marker_in_someone_elses_reply_is_not_ours(
    post: Runner, github: FakeGitHub
) -> None:
    marker = marker_for("driftcheck/check site=datadoghq.com")
    github.add_comment(PR, f"> {marker}\n> drift!\n\nwhy?", user={"login": "carol"})
    post(make_report())
    assert len(github.bodies(PR)) == 2
    assert [seen.method for seen in github.writes()] == ["POST"]


# ---------------------------------------------------------------- only our own comment


def test_the_marker_in_someone_elses_comment_is_never_adopted(
    post: Runner, github: FakeGitHub
) -> None:
    marker = marker_for("driftcheck/check site=datadoghq.com")
    stolen = f"{marker}\n<!-- driftcheck:digest 0 -->\nall good, merge it"
    planted = github.add_comment(PR, stolen, user={"login": "mallory", "type": "User"})
    outcome = post(make_report())
    assert outcome.message.startswith("created the comment")
    assert github.bodies(PR)[0] == stolen  # never edited
    assert [seen.method for seen in github.writes()] == ["POST"]
    assert all(str(planted) not in seen.path for seen in github.writes())


def test_a_stolen_marker_does_not_make_an_in_sync_run_skip_or_edit(
    post: Runner, github: FakeGitHub
) -> None:
    marker = marker_for("driftcheck/check site=datadoghq.com")
    github.add_comment(PR, f"{marker}\nlies", user={"login": "mallory", "type": "User"})
    outcome = post(make_report(drift=False))
    assert "no earlier driftcheck comment" in outcome.message
    assert github.writes() == []


def test_a_configured_author_is_the_one_adopted(post: Runner, github: FakeGitHub) -> None:
    github.login = "drift-app[bot]"  # a GitHub App's token
    post(make_report(items=1), author="drift-app[bot]")
    outcome = post(make_report(items=2), author="drift-app[bot]")
    assert outcome.message.startswith("updated the comment")
    assert [seen.method for seen in github.writes()] == ["POST", "PATCH"]


def test_the_workflow_bot_is_the_default_author(post: Runner, github: FakeGitHub) -> None:
    github.login = "someone-else"
    post(make_report(items=1))
    post(make_report(items=2))  # the first comment is not the bot's: a second one is made
    assert [seen.method for seen in github.writes()] == ["POST", "POST"]


# ---------------------------------------------------------------- redirects and proxies


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_followed_nor_called_created(
    post: Runner, github: FakeGitHub, status: int
) -> None:
    listing = f"{github.url}/repos/{github.repository}/issues/{PR}/comments"
    github.fail_next("POST", status, "", {"Location": listing})
    outcome = post(make_report())
    assert outcome.warning
    assert "created" not in outcome.message
    assert f"HTTP {status}, a redirect: not followed" in outcome.message
    assert [seen.method for seen in github.requests] == ["GET", "POST"]


def test_an_environment_proxy_never_sees_a_loopback_github(
    post: Runner, github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://10.255.255.1:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    outcome = post(make_report())
    assert not outcome.warning, outcome.message
    assert len(ours(github)) == 1


def test_a_token_in_githubs_error_is_masked_before_it_is_cut(
    post: Runner, github: FakeGitHub
) -> None:
    # The message is cut at 200 characters: the token straddles the cut.
    message = "x" * 190 + github.token + " more text"
    github.fail_next("GET", 422, {"message": message})
    outcome = post(make_report())
    assert outcome.warning
    for size in range(4, len(github.token) + 1):
        assert github.token[:size] not in outcome.message
    assert "***" in outcome.message


# ---------------------------------------------------------------- in sync


def test_back_in_sync_updates_the_drift_comment_to_say_so(post: Runner, github: FakeGitHub) -> None:
    post(make_report())
    outcome = post(make_report(drift=False))
    assert "back in sync" in outcome.message
    [body] = ours(github)
    assert "crm0" not in body
    assert re.search(r"in sync", body, re.IGNORECASE)


def test_never_drifted_pull_request_gets_no_comment(post: Runner, github: FakeGitHub) -> None:
    outcome = post(make_report(drift=False))
    assert not outcome.warning
    assert "nothing to post" in outcome.message
    assert github.writes() == []


def test_unreadable_live_state_is_commented_too(post: Runner, github: FakeGitHub) -> None:
    post(make_report(drift=False, error=True))
    [body] = ours(github)
    assert "accounts" in body


# ---------------------------------------------------------------- not a pull request


@pytest.mark.parametrize("event", ["push", "schedule", "workflow_dispatch", ""])
def test_outside_a_pull_request_nothing_is_sent(
    post: Runner, github: FakeGitHub, event: str
) -> None:
    post.env["GITHUB_EVENT_NAME"] = event
    outcome = post(make_report())
    assert not outcome.warning
    assert "no comment posted" in outcome.message
    assert github.requests == []


def test_pull_request_target_is_a_pull_request(post: Runner, github: FakeGitHub) -> None:
    post.env["GITHUB_EVENT_NAME"] = "pull_request_target"
    post(make_report())
    assert len(ours(github)) == 1


# ---------------------------------------------------------------- GitHub failures


def test_read_only_token_from_a_fork_is_a_warning_pointing_to_the_summary(
    post: Runner, github: FakeGitHub
) -> None:
    github.read_only = True
    outcome = post(make_report())
    assert outcome.warning
    assert "HTTP 403 (Resource not accessible by integration)" in outcome.message
    assert "fork" in outcome.message and "job summary" in outcome.message
    assert post.sleeps == []  # a permission problem is not retried


def test_not_found_is_a_warning(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("GET", 404, {"message": "Not Found"})
    outcome = post(make_report())
    assert outcome.warning and "HTTP 404" in outcome.message


def test_server_errors_then_success_back_off_and_post(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("GET", 502, "<html>bad gateway</html>", times=2)
    github.fail_next("POST", 503, times=1)
    outcome = post(make_report())
    assert not outcome.warning
    assert len(ours(github)) == 1
    assert_backoff(post.sleeps, [1, 2, 1])


def test_persistent_server_errors_give_up_with_a_warning(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("GET", 500, times=10)
    outcome = post(make_report())
    assert outcome.warning
    assert "HTTP 500 (gave up after 4 attempts)" in outcome.message
    assert_backoff(post.sleeps, [1, 2, 4])
    assert github.writes() == []


def test_rate_limit_honours_retry_after(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("POST", 429, {"message": "slow down"}, {"Retry-After": "7"})
    post(make_report())
    assert post.sleeps == [7.0]
    assert len(ours(github)) == 1


def test_secondary_rate_limit_waits_a_minute(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("POST", 403, {"message": "You have exceeded a secondary rate limit."})
    outcome = post(make_report())
    assert not outcome.warning
    assert post.sleeps == [60.0]


def test_retry_after_as_an_http_date_is_understood(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("GET", 503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert not post(make_report()).warning
    assert post.sleeps == [0.0]  # a date in the past: retry at once


def test_an_exhausted_primary_rate_limit_waits_for_the_reset(
    post: Runner, github: FakeGitHub
) -> None:
    github.fail_next(
        "GET",
        403,
        {"message": "API rate limit exceeded"},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "0"},
    )
    assert not post(make_report()).warning
    assert post.sleeps == [1.0]  # the reset has passed: one second of margin


def test_a_wait_longer_than_the_budget_gives_up(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("GET", 429, headers={"Retry-After": "3600"})
    outcome = post(make_report())
    assert outcome.warning and "HTTP 429" in outcome.message
    assert post.sleeps == []


def test_a_timed_out_read_is_retried(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("GET", 200, "[]", hang=True)
    outcome = post(make_report(), read_timeout=0.2)
    assert not outcome.warning
    assert_backoff(post.sleeps, [1])
    assert len(ours(github)) == 1


def test_a_timed_out_create_is_not_sent_twice(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("POST", 201, "{}", hang=True)
    outcome = post(make_report(), read_timeout=0.2)
    assert outcome.warning and "timed out" in outcome.message
    assert len(github.writes()) == 1


def test_invalid_json_from_github_is_a_warning(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("GET", 200, "<html>maintenance</html>")
    outcome = post(make_report())
    assert outcome.warning and "something other than a JSON list" in outcome.message


def test_a_pagination_link_to_another_host_is_not_followed(
    post: Runner, github: FakeGitHub
) -> None:
    github.fail_next("GET", 200, "[]", {"Link": '<https://evil.example/steal?page=2>; rel="next"'})
    outcome = post(make_report())
    assert outcome.warning and "another host" in outcome.message


def test_enterprise_server_api_url_is_honoured(env: dict[str, str], tmp_path: Path) -> None:
    for fake in serve(FakeGitHub(prefix="/api/v3")):
        env.update(GITHUB_API_URL=f"{fake.url}/api/v3/", GITHUB_TOKEN=fake.token)
        for n in range(120):
            fake.add_comment(PR, f"chatter {n}")
        Runner(env, tmp_path)(make_report())
        assert all(seen.path.startswith("/api/v3/") for seen in fake.requests)
        assert len(ours(fake)) == 1


def test_plain_http_to_a_remote_host_is_refused(post: Runner, github: FakeGitHub) -> None:
    post.env["GITHUB_API_URL"] = "http://github.example.com/api/v3"
    outcome = post(make_report())
    assert outcome.warning and "must be an https:// URL" in outcome.message


# ---------------------------------------------------------------- environment


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("GITHUB_TOKEN", "", "GITHUB_TOKEN is not set"),
        ("GITHUB_REPOSITORY", "", "expected owner/name"),
        ("GITHUB_REPOSITORY", "octo/specs/../../x", "expected owner/name"),
        ("GITHUB_EVENT_PATH", "/nonexistent/event.json", "GITHUB_EVENT_PATH"),
    ],
)
def test_a_broken_environment_is_a_warning(
    post: Runner, github: FakeGitHub, name: str, value: str, expected: str
) -> None:
    post.env[name] = value
    outcome = post(make_report())
    assert outcome.warning and expected in outcome.message
    assert github.requests == []


def test_an_event_without_a_pull_request_number_is_a_warning(post: Runner, tmp_path: Path) -> None:
    Path(post.env["GITHUB_EVENT_PATH"]).write_text('{"pull_request": {}}', encoding="utf-8")
    assert post(make_report()).warning


def test_head_sha_falls_back_to_github_sha(post: Runner, github: FakeGitHub) -> None:
    Path(post.env["GITHUB_EVENT_PATH"]).write_text(
        '{"pull_request": {"number": 7}}', encoding="utf-8"
    )
    post(make_report())
    assert f"/blob/{'f' * 40}/" in ours(github)[0]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, f"https://github.com/octo/specs/blob/{HEAD_SHA}/"),
        ({"GITHUB_EVENT_NAME": "push"}, f"https://github.com/octo/specs/blob/{'f' * 40}/"),
        (
            {"GITHUB_SERVER_URL": "https://ghes.example/"},
            f"https://ghes.example/octo/specs/blob/{HEAD_SHA}/",
        ),
        ({"GITHUB_EVENT_PATH": "/nonexistent"}, f"https://github.com/octo/specs/blob/{'f' * 40}/"),
        ({"GITHUB_EVENT_NAME": "push", "GITHUB_SHA": "../../evil"}, None),
        ({"GITHUB_REPOSITORY": ""}, None),
    ],
)
def test_links_point_at_the_reviewed_commit(
    env: dict[str, str], changes: dict[str, str], expected: str | None
) -> None:
    assert link_base_from_env({**env, **changes}) == expected


def test_the_token_never_appears_in_messages_or_logs(post: Runner, github: FakeGitHub) -> None:
    github.fail_next("POST", 422, {"message": f"bad token {github.token} echoed"})
    outcome = post(make_report())
    assert outcome.warning
    assert github.token not in outcome.message
    assert post.log and all(github.token not in line for line in post.log)


@pytest.mark.parametrize("content", ["", "{}", "not json", '{"version": 99, "drift": []}'])
def test_an_invalid_report_is_a_usage_error(
    env: dict[str, str], tmp_path: Path, content: str
) -> None:
    path = tmp_path / "report.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=r"report\.json"):
        post_comment(str(path), key=None, env=env, client=ClientSettings(log=lambda _: None))


def test_a_missing_report_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the report"):
        post_comment(
            str(tmp_path / "nope.json"),
            key=None,
            env=env,
            client=ClientSettings(log=lambda _: None),
        )


# ---------------------------------------------------------------- body and marker


def test_a_huge_report_stays_under_githubs_limit(post: Runner, github: FakeGitHub) -> None:
    post(make_report(items=3000, value="x" * 300), key="k" * 500)
    [body] = ours(github)
    assert len(body) <= MAX_BODY
    assert body.startswith(marker_for("k" * 500))


@given(st.text(max_size=80))
def test_a_key_cannot_close_the_marker_comment(key: str) -> None:
    marker = marker_for(key)
    inner = marker.removeprefix("<!-- ").removesuffix(" -->")
    assert "--" not in inner and ">" not in inner and "<" not in inner
    assert not inner.endswith("-") and "\n" not in inner
    assert marker.isascii()


@given(st.text(max_size=40), st.text(max_size=40))
def test_distinct_keys_get_distinct_markers(a: str, b: str) -> None:
    if a != b:
        assert marker_for(a) != marker_for(b)


def test_wide_characters_count_twice_towards_the_limit(post: Runner, github: FakeGitHub) -> None:
    post(make_report(items=3000, value="😀" * 100))
    [body] = ours(github)
    assert len(body.encode("utf-16-le")) // 2 <= MAX_BODY
    assert "left out" in body and "(cut;" not in body  # re-rendered shorter, not chopped
