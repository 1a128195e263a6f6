"""GitHub: the sticky pull-request comment and the small REST client it uses.

Public names are re-exported here and imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck import lazy_exports

if TYPE_CHECKING:
    from driftcheck.github.client import GitHubClient, GitHubFailure
    from driftcheck.github.comment import CommentOutcome, PullRequest, post_comment, read_report

_EXPORTS = {
    "CommentOutcome": "comment",
    "GitHubClient": "client",
    "GitHubFailure": "client",
    "PullRequest": "comment",
    "post_comment": "comment",
    "read_report": "comment",
}
__all__ = [
    "CommentOutcome",
    "GitHubClient",
    "GitHubFailure",
    "PullRequest",
    "post_comment",
    "read_report",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
