"""The plan's sticky pull-request comment: the same machinery as the report's comment
(``comment.py``: marker per key, only our own comment adopted, failures are warnings), with a
key of its own so that the plan and the check keep one comment each."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping

from driftcheck.github.client import READ_TIMEOUT, TIMEOUT, GitHubClient, GitHubFailure, Log
from driftcheck.github.comment import (
    DEFAULT_AUTHOR,
    MAX_BODY,
    PR_EVENTS,
    CommentOutcome,
    marker_for,
    pull_request_from_env,
    upsert,
)
from driftcheck.plan.operation import Plan
from driftcheck.redact import redact, secrets_from_env

_CUT = "\n\n… (cut to GitHub's comment limit; the whole plan is in the job log)\n"


def default_plan_key(env: Mapping[str, str], plan: Plan) -> str:
    """Workflow, job, ``plan`` and the Datadog site: never the same as the check's key."""
    workflow = env.get("GITHUB_WORKFLOW", "").strip() or "driftcheck"
    job = env.get("GITHUB_JOB", "").strip() or "plan"
    return f"{workflow}/{job} plan site={plan.site}"


def plan_comment_body(plan: Plan, marker: str) -> str:
    """Marker, digest (of the rendering: a rerun with the same plan edits nothing), plan."""
    from driftcheck.plan.render import render_markdown

    text = render_markdown(plan)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    body = f"{marker}\n<!-- driftcheck:digest {digest} -->\n{text}"
    limit = MAX_BODY // 2 - len(_CUT)  # UTF-16 units: every character may count twice
    return body if len(body) <= limit else body[:limit] + _CUT


def post_plan_comment(
    plan: Plan,
    *,
    key: str | None,
    env: Mapping[str, str],
    log: Log,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    timeout: float = TIMEOUT,
    author: str = DEFAULT_AUTHOR,
) -> CommentOutcome:
    """Create or update the plan's comment on the pull request of the running workflow."""
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
        marker = marker_for(key or default_plan_key(env, plan))
        body = redact(plan_comment_body(plan, marker), secrets)
        api = GitHubClient(
            pr.api_url,
            token,
            sleep=sleep,
            timeout=timeout,
            log=log,
            clock=clock,
            read_timeout=READ_TIMEOUT,
            secrets=secrets,
        )
        try:
            return upsert(api, pr, marker, body, drifted=bool(plan.operations), author=author)
        finally:
            api.close()
    except GitHubFailure as exc:
        message = redact(f"pull-request comment not posted: {exc}", secrets)
        return CommentOutcome(f"{message}; the plan is in the job log", warning=True)
