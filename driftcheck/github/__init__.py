"""GitHub: the sticky pull-request comment, the job summary and the small REST client.

Public names are re-exported here and imported on first use: appending the job summary
(every check in GitHub Actions) must not import requests, which only the comment needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck import lazy_exports

if TYPE_CHECKING:
    from driftcheck.github.client import GitHubClient, GitHubFailure
    from driftcheck.github.comment import CommentOutcome, PullRequest, post_comment, read_report
    from driftcheck.github.step_summary import STEP_SUMMARY_LIMIT, append_step_summary

_EXPORTS = {
    "STEP_SUMMARY_LIMIT": "step_summary",
    "CommentOutcome": "comment",
    "GitHubClient": "client",
    "GitHubFailure": "client",
    "PullRequest": "comment",
    "append_step_summary": "step_summary",
    "post_comment": "comment",
    "read_report": "comment",
}
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
__getattr__ = lazy_exports(__name__, _EXPORTS)
