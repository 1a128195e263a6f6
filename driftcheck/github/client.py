"""A small GitHub REST client: one session, a timeout on every request, retries with back-off.

Retried: 5xx, 429 and GitHub's rate limits (403 with ``Retry-After``,
``x-ratelimit-remaining: 0`` or a "rate limit" message), and transport errors of requests
that cannot have been applied twice. A create (POST) that may have reached GitHub is not
sent again: a duplicate comment would outlive the next update. The waits follow
:mod:`driftcheck.retry`, as for Datadog (jittered back-off, ``Retry-After`` as seconds or a
date). Every failure is a :class:`GitHubFailure` whose text never holds the token.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from driftcheck import __version__
from driftcheck.http import is_loopback
from driftcheck.retry import backoff, parse_retry_after

TIMEOUT = (5.0, 30.0)  # (connect, read) seconds of every request
RETRIES = 3  # after the first attempt
MAX_TOTAL_WAIT = 120.0  # seconds of back-off over all retries; a longer wait gives up

Log = Callable[[str], None]


class GitHubFailure(Exception):
    """A GitHub request failed for good; the message says why, without the token."""


@dataclass(frozen=True)
class Answer:
    """A successful answer: the status, the JSON body (None if not JSON), the next page."""

    status: int
    data: Any
    next_url: str | None


@dataclass(frozen=True)
class _Retry:
    wait: float
    reason: str


def checked_api_url(url: str) -> str:
    """The API URL without a trailing slash; the token goes over https only (or loopback)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(host)):
        raise GitHubFailure(f"GITHUB_API_URL {url!r} must be an https:// URL")
    return url.rstrip("/")


class _Bearer(requests.auth.AuthBase):
    """The token as an auth object: requests drops it on a redirect to another host."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request


class GitHubClient:
    """One session to the REST API at ``base`` (github.com or a GitHub Enterprise Server)."""

    def __init__(
        self,
        base: str,
        token: str,
        *,
        sleep: Callable[[float], None],
        timeout: tuple[float, float],
        log: Log,
    ) -> None:
        self.base, self.sleep, self.timeout, self.log = base, sleep, timeout, log
        self.session = requests.Session()
        self.session.auth = _Bearer(token)
        self.session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": f"driftcheck/{__version__}",
            }
        )
        self.waited = 0.0

    def close(self) -> None:
        self.session.close()

    def call(self, method: str, url: str, payload: Any = None) -> Answer:
        """Send one request (``url`` absolute or below the base), retrying what may pass."""
        if url.startswith("/"):
            url = self.base + url
        elif not url.startswith(self.base + "/"):  # a pagination link elsewhere: no token there
            raise GitHubFailure("GitHub sent a link to another host; not following it")
        for attempt in range(RETRIES + 1):
            result = self._attempt(method, url, payload, attempt)
            if isinstance(result, Answer):
                return result
            if attempt == RETRIES or self.waited + result.wait > MAX_TOTAL_WAIT:
                raise GitHubFailure(f"{result.reason} (gave up after {attempt + 1} attempts)")
            self.log(f"github: {result.reason}; retrying in {result.wait:g}s")
            self.sleep(result.wait)
            self.waited += result.wait
        raise AssertionError("unreachable")

    def _attempt(self, method: str, url: str, payload: Any, attempt: int) -> Answer | _Retry:
        shown = f"{method} {urlsplit(url).path}"
        try:
            response = self.session.request(method, url, json=payload, timeout=self.timeout)
        except requests.RequestException as exc:
            reason = f"{shown}: {'timed out' if isinstance(exc, requests.Timeout) else 'failed'}"
            reason += f" ({type(exc).__name__})"
            if method == "POST" and not isinstance(exc, requests.ConnectTimeout):
                raise GitHubFailure(reason) from exc
            return _Retry(backoff(attempt + 1), reason)
        self.log(f"github: {shown} -> HTTP {response.status_code}")
        if response.status_code < 300:
            return Answer(
                response.status_code, _json(response), response.links.get("next", {}).get("url")
            )
        wait = _retry_wait(response, attempt)
        if wait is None:
            raise GitHubFailure(f"{shown}: {_describe(response)}")
        return _Retry(wait, f"{shown}: HTTP {response.status_code}")


def _retry_wait(response: requests.Response, attempt: int) -> float | None:
    """Seconds to wait before retrying, or None when retrying cannot help."""
    headers, status = response.headers, response.status_code
    rate_limited = status == 429 or (
        status == 403
        and (
            "retry-after" in headers
            or headers.get("x-ratelimit-remaining") == "0"
            or "rate limit" in _message(response).lower()
        )
    )
    if not rate_limited and status not in (500, 502, 503, 504):
        return None
    after = parse_retry_after(headers.get("retry-after"), dt.datetime.now(dt.UTC))
    if after is not None:
        return after
    reset = headers.get("x-ratelimit-reset", "")  # GitHub's is a Unix time, Datadog's relative
    if headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(0.0, float(reset) - time.time()) + 1.0
    # GitHub asks for at least a minute after a secondary rate limit without hints.
    return 60.0 if rate_limited else backoff(attempt + 1)


def _describe(response: requests.Response) -> str:
    status, message = response.status_code, _message(response)
    text = f"HTTP {status}" + (f" ({message})" if message else "")
    if status in (403, 404):
        return (
            f"{text}: the token may not write comments here; a pull request from a fork "
            "gets a read-only token, otherwise grant 'pull-requests: write'"
        )
    if status == 401:
        return f"{text}: GITHUB_TOKEN was refused"
    return text


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _message(response: requests.Response) -> str:
    data = _json(response)
    message = data.get("message") if isinstance(data, dict) else None
    return str(message)[:200] if message else ""
