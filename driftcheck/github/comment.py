"""The sticky pull-request comment: one comment per key, found again by a hidden marker.

``post_comment`` reads a JSON report, finds the pull request in the GitHub Actions
environment, renders the markdown report and creates, updates or leaves alone the one
comment that starts with its marker. A GitHub failure is a warning outcome, never an
exception: the comment must not change the verdict of the check.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard
from urllib.parse import quote

from driftcheck.errors import DriftcheckError, UsageError
from driftcheck.github.client import (
    Answer,
    GitHubClient,
    GitHubFailure,
    checked_api_url,
)

if TYPE_CHECKING:
    from driftcheck.github.sticky import ClientSettings
    from driftcheck.model import Report

MAX_BODY = 65_536  # GitHub's limit for a comment body
PR_EVENTS = ("pull_request", "pull_request_target")
MAX_PAGES = 100  # of 100 comments each
#: The login of the workflow's GITHUB_TOKEN; another token's identity is given with --author.
DEFAULT_AUTHOR = "github-actions[bot]"
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_SHA = re.compile(r"[0-9a-f]{7,64}")
_SUMMARY_HINT = "the report is in the job summary"


@dataclass(frozen=True)
class CommentOutcome:
    """What ``driftcheck comment`` did, in one line; ``warning`` when it could not do it."""

    message: str
    warning: bool = False


@dataclass(frozen=True)
class PullRequest:
    """The pull request of the running workflow, and where its API lives."""

    api_url: str  # e.g. https://api.github.com or https://ghes.example/api/v3, no trailing /
    repository: str  # owner/name
    number: int


def post_comment(
    report_path: str,
    *,
    key: str | None,
    env: Mapping[str, str],
    client: ClientSettings,
    author: str = DEFAULT_AUTHOR,
) -> CommentOutcome:
    """Create or update the pull-request comment for the report at ``report_path``.

    Only a comment written by ``author`` (the login the token acts for) is ever adopted:
    a copy of the marker in anybody else's comment is ignored, never edited.

    Raises :class:`UsageError` only for a missing or invalid report; everything that goes
    wrong on GitHub's side (or in its environment) is returned as a warning outcome.
    """
    from driftcheck.github.sticky import post_sticky

    report = read_report(report_path)
    return post_sticky(
        env,
        key=key or default_key(env, report),
        body=lambda marker: comment_body(report, marker, link_base_from_env(env)),
        drifted=worth_a_comment(report),
        hint=_SUMMARY_HINT,
        client=client,
        author=author,
    )


def worth_a_comment(report: Report) -> bool:
    """Whether a report creates a comment when there is none yet: anything but in sync,
    and with a base also drift that existed before the change or that it fixes (the
    reviewer should know the state the change merges into). An existing comment is always
    updated, also for warnings only: a stale verdict must never stay."""
    if report.status != "in_sync":
        return True
    existing = any(item.severity == "error" for item in report.items)
    return report.base is not None and (existing or bool(report.resolved))


def read_report(path: str) -> Report:
    """Load a report written by ``check --report-json``; a bad file is a usage error."""
    from driftcheck.reporters.json_ import load_report

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"{path}: cannot read the report: {reason}") from exc
    try:
        return load_report(text)
    except (ValueError, KeyError, TypeError, DriftcheckError) as exc:
        raise UsageError(
            f"{path}: not a driftcheck JSON report ({exc}); write one with "
            "'driftcheck check --report-json FILE'"
        ) from exc


def pull_request_from_env(env: Mapping[str, str]) -> PullRequest:
    """The pull request from ``GITHUB_EVENT_PATH``, ``GITHUB_REPOSITORY`` and the API URL."""
    repository = env.get("GITHUB_REPOSITORY", "")
    if not _REPOSITORY.fullmatch(repository):
        raise GitHubFailure(f"GITHUB_REPOSITORY is {repository!r}, expected owner/name")
    try:
        number = _event(env)["pull_request"]["number"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GitHubFailure(
            f"cannot read the pull request number from GITHUB_EVENT_PATH ({type(exc).__name__})"
        ) from exc
    if not isinstance(number, int) or isinstance(number, bool):
        raise GitHubFailure("the event payload holds no pull request number")
    api_url = checked_api_url(env.get("GITHUB_API_URL") or "https://api.github.com")
    return PullRequest(api_url, repository, number)


def link_base_from_env(env: Mapping[str, str]) -> str | None:
    """``{server}/{owner}/{name}/blob/{sha}/``, the prefix of links to spec lines; None
    outside GitHub Actions.

    On a pull request the commit is the head of the pull request (``GITHUB_SHA`` is then a
    merge commit that nobody reviews); otherwise ``GITHUB_SHA``.
    """
    repository, sha = env.get("GITHUB_REPOSITORY", ""), env.get("GITHUB_SHA", "")
    if env.get("GITHUB_EVENT_NAME") in PR_EVENTS:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            head = _event(env)["pull_request"]["head"]["sha"]
            sha = head if isinstance(head, str) and _SHA.fullmatch(head) else sha
    if not (_REPOSITORY.fullmatch(repository) and _SHA.fullmatch(sha)):
        return None
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    return f"{server}/{repository}/blob/{sha}/"


def _event(env: Mapping[str, str]) -> Any:
    with open(env.get("GITHUB_EVENT_PATH", ""), encoding="utf-8") as handle:
        return json.load(handle)


def default_key(env: Mapping[str, str], report: Report) -> str:
    """The key when none is given: workflow, job and Datadog site.

    The key must stay the same from one push to the next, so it is built from the job's
    configuration, never from the outcome (the set of entities can change in the PR).
    Matrix legs share workflow and job: they must pass ``--key`` (the action does).
    """
    workflow = env.get("GITHUB_WORKFLOW", "").strip() or "driftcheck"
    job = env.get("GITHUB_JOB", "").strip() or "check"
    return f"{workflow}/{job} site={report.site}"


def marker_for(key: str) -> str:
    """The hidden first line that identifies the comment of ``key``.

    The key is percent-encoded and no ``--`` remains, so it cannot end the HTML comment;
    a very long key is shortened with a hash of the whole, so it stays unique and stable.
    """
    escaped = re.sub(r"-(?=-|$)", "%2D", quote(key, safe="/:=,@+._~", errors="surrogatepass"))
    if len(escaped) > 200:
        escaped = f"{escaped[:150]}~{hashlib.sha256(escaped.encode()).hexdigest()[:16]}"
    return f"<!-- driftcheck:comment key={escaped} -->"


def comment_body(report: Report, marker: str, link_base: str | None) -> str:
    """The marker line, a digest line, then the markdown report within GitHub's limit.

    The digest covers everything but the time of the read, so that a rerun that finds the
    same drift leaves the comment alone instead of editing it for a new timestamp. The limit
    is counted in UTF-16 units (an emoji counts twice): the report is rendered again with a
    smaller budget when its characters are wider than the renderer assumed.
    """
    from driftcheck.reporters import MARKDOWN_BUDGET, RenderOptions, render
    from driftcheck.reporters.markdown_head import read_time

    budget = min(MARKDOWN_BUDGET, MAX_BODY - len(marker) - 100)
    for _ in range(3):
        options = RenderOptions(link_base=link_base, markdown_budget=budget)
        shown = render(report, "markdown", options)
        # every run reads anew: the time of the read changes with each, the drift may not
        timeless = shown.replace(read_time(report), "read at", 1)
        digest = hashlib.sha256(timeless.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        body = f"{marker}\n<!-- driftcheck:digest {digest} -->\n{shown}"
        excess = _width(body) - MAX_BODY
        if excess <= 0:
            return body
        budget -= excess + 1000
    return body[: len(body) - excess - 200] + f"\n\n… (cut; {_SUMMARY_HINT})\n"


def _width(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def upsert(
    api: GitHubClient,
    pr: PullRequest,
    marker: str,
    body: str,
    *,
    drifted: bool,
    author: str = DEFAULT_AUTHOR,
) -> CommentOutcome:
    """Create, update or keep the comment of ``author`` that starts with ``marker``."""
    found = find_comment(api, pr, marker, author)
    where = f"pull request #{pr.number}"
    if found is None:
        if not drifted:
            return CommentOutcome(
                f"in sync and no earlier driftcheck comment on {where}: nothing to post"
            )
        created = api.call(
            "POST", f"/repos/{pr.repository}/issues/{pr.number}/comments", {"body": body}
        )
        if created.status != 201:
            raise GitHubFailure(
                f"GitHub answered the new comment with HTTP {created.status}, not 201 Created"
            )
        return CommentOutcome(f"created the comment on {where}{_html_url(created)}")
    if _head(str(found.get("body") or "")) == _head(body):  # same marker, same digest
        return CommentOutcome(f"the comment on {where} is up to date{_html_url(found)}")
    updated = api.call(
        "PATCH", f"/repos/{pr.repository}/issues/comments/{found['id']}", {"body": body}
    )
    verb = "updated" if drifted else "updated (back in sync)"
    return CommentOutcome(f"{verb} the comment on {where}{_html_url(updated)}")


def find_comment(
    api: GitHubClient, pr: PullRequest, marker: str, author: str = DEFAULT_AUTHOR
) -> dict[str, Any] | None:
    """The oldest comment by ``author`` whose body starts with ``marker``, on any page.

    Anybody can paste the marker into a comment of their own: only the author's is ours.
    """
    url: str | None = f"/repos/{pr.repository}/issues/{pr.number}/comments?per_page=100"
    for _ in range(MAX_PAGES):
        if url is None:
            return None
        answer = api.call("GET", url)
        if not isinstance(answer.data, list):
            raise GitHubFailure(
                "GitHub answered the comment list with something other than a JSON list"
            )
        for comment in answer.data:
            if _written_by(comment, author) and str(comment.get("body") or "").startswith(marker):
                if not isinstance(comment.get("id"), int):
                    raise GitHubFailure("GitHub answered a comment without an id")
                return comment
        url = answer.next_url
    raise GitHubFailure(f"more than {MAX_PAGES * 100} comments on the pull request")


def _written_by(comment: object, author: str) -> TypeGuard[dict[str, Any]]:
    if not isinstance(comment, dict):
        return False
    user = comment.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    return isinstance(login, str) and login.casefold() == author.casefold()


def _head(body: str) -> list[str]:
    return body.replace("\r\n", "\n").split("\n", 2)[:2]


def _html_url(found: Answer | dict[str, Any]) -> str:
    data = found.data if isinstance(found, Answer) else found
    url = data.get("html_url") if isinstance(data, dict) else None
    return f": {url}" if url else ""
