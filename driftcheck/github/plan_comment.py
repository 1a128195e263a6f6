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

_SLACK = 100  # for what GitHub may add (a line ending normalized, ...)


def default_plan_key(env: Mapping[str, str], plan: Plan) -> str:
    """Workflow, job, ``plan`` and the Datadog site: never the same as the check's key."""
    workflow = env.get("GITHUB_WORKFLOW", "").strip() or "driftcheck"
    job = env.get("GITHUB_JOB", "").strip() or "plan"
    return f"{workflow}/{job} plan site={plan.site}"


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units, as GitHub's limit counts it (a
    character outside the BMP, an emoji, counts twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def plan_comment_body(plan: Plan, marker: str) -> str:
    """Marker, digest (of the rendering: a rerun with the same plan edits nothing), plan,
    within GitHub's limit: whole lines only, and a line saying what was left out."""
    from driftcheck.plan.render import render_markdown

    prefix = f"{marker}\n<!-- driftcheck:digest {'0' * 32} -->\n"
    budget = MAX_BODY - utf16_length(prefix) - _SLACK
    text = render_markdown(plan, budget, utf16_length)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{marker}\n<!-- driftcheck:digest {digest} -->\n{text}"


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
