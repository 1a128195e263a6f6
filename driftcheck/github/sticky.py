"""Posting one sticky comment: the machinery shared by the report's comment (``comment.py``)
and the plan's (``plan_comment.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from driftcheck.github.client import READ_TIMEOUT, TIMEOUT, GitHubClient, GitHubFailure, Log
from driftcheck.github.comment import (
    PR_EVENTS,
    CommentOutcome,
    marker_for,
    pull_request_from_env,
    upsert,
)
from driftcheck.redact import redact, secrets_from_env


@dataclass(frozen=True, kw_only=True)
class ClientSettings:
    """How the GitHub client of one comment runs: its log, clocks and timeouts."""

    log: Log
    sleep: Callable[[float], None] = time.sleep
    timeout: float = TIMEOUT
    clock: Callable[[], float] = time.monotonic
    read_timeout: float = READ_TIMEOUT


def post_sticky(
    env: Mapping[str, str],
    *,
    key: str,
    body: Callable[[str], str],
    drifted: bool,
    hint: str,
    client: ClientSettings,
    author: str,
) -> CommentOutcome:
    """The sticky-comment machinery shared by the report's and the plan's comments: the
    pull request from the environment, the marker of ``key``, ``body(marker)`` masked, and
    an upsert that adopts only ``author``'s comment. Failures are warning outcomes that end
    with ``hint`` (where the reader finds the report instead)."""
    event = env.get("GITHUB_EVENT_NAME", "")
    if event not in PR_EVENTS:
        where = f"the event is {event!r}" if event else "not running in GitHub Actions"
        return CommentOutcome(f"no pull request ({where}): no comment posted")
    secrets = secrets_from_env(env)
    try:
        pr = pull_request_from_env(env)
        token = env.get("GITHUB_TOKEN", "").strip()
        if not token:
            raise GitHubFailure(
                "GITHUB_TOKEN is not set (pass env: GITHUB_TOKEN: ${{ github.token }})"
            )
        marker = marker_for(key)
        # Masked: the body may hold a key's value (pasted into live data, or a spec).
        text = redact(body(marker), secrets)
        api = GitHubClient(
            pr.api_url,
            token,
            sleep=client.sleep,
            timeout=client.timeout,
            log=client.log,
            clock=client.clock,
            read_timeout=client.read_timeout,
            secrets=secrets,
        )
        try:
            return upsert(api, pr, marker, text, drifted=drifted, author=author)
        finally:
            api.close()
    except GitHubFailure as exc:  # GitHub may echo what it got: mask the token all the same
        message = redact(f"pull-request comment not posted: {exc}", secrets)
        return CommentOutcome(f"{message}; {hint}", warning=True)
