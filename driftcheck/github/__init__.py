"""GitHub: the sticky pull-request comment and the small REST client it uses.

Its public names, re-exported."""

from __future__ import annotations

from driftcheck.github.client import GitHubClient, GitHubFailure
from driftcheck.github.comment import CommentOutcome, PullRequest, post_comment, read_report
from driftcheck.github.step_summary import STEP_SUMMARY_LIMIT, append_step_summary

__all__ = [
    "STEP_SUMMARY_LIMIT",
    "CommentOutcome",
    "GitHubClient",
    "GitHubFailure",
    "PullRequest",
    "append_step_summary",
    "post_comment",
    "read_report",
]
