"""The plan's sticky pull-request comment: the same machinery as the report's comment
(``comment.py``: marker per key, only our own comment adopted, failures are warnings), with a
key of its own so that the plan and the check keep one comment each."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from driftcheck.github.comment import (
    DEFAULT_AUTHOR,
    MAX_BODY,
    CommentOutcome,
)
from driftcheck.github.sticky import ClientSettings, post_sticky
from driftcheck.plan.operation import Plan

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
    client: ClientSettings,
    author: str = DEFAULT_AUTHOR,
) -> CommentOutcome:
    """Create or update the plan's comment on the pull request of the running workflow."""
    return post_sticky(
        env,
        key=key or default_plan_key(env, plan),
        body=lambda marker: plan_comment_body(plan, marker),
        drifted=bool(plan.operations),
        hint="the plan is in the job log",
        client=client,
        author=author,
    )
