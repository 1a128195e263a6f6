"""A small GitHub REST client: one session, a timeout on every request, retries with back-off.

Retried: 5xx, 429 and GitHub's rate limits (403 with ``Retry-After``,
``x-ratelimit-remaining: 0`` or a "rate limit" message), and transport errors of requests
that cannot have been applied twice. A create (POST) that may have reached GitHub is not
sent again: a duplicate comment would outlive the next update. The waits follow
:mod:`driftcheck.retry`, as for Datadog (jittered back-off, ``Retry-After`` as seconds or a
date). Every failure is a :class:`GitHubFailure` whose text never holds the token.

Every request goes through :func:`driftcheck.http.send`: the whole run (requests and waits)
ends within the client's total deadline, whatever the server does; a body is read up to
:data:`MAX_BODY_BYTES`; a redirect is a failure, never followed (the token stays with the
host it was meant for); no proxy is used for a loopback API.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from driftcheck import __version__, http
from driftcheck.redact import redact
from driftcheck.retry import Deadline, backoff, parse_retry_after
from driftcheck.wording import clip

TIMEOUT = 120.0  # seconds for the whole comment: every request and every wait
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0  # of silence between two reads (the deadline bounds the whole answer)
MAX_BODY_BYTES = 64 * 1024 * 1024  # a page of 100 comments of GitHub's largest size fits
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
    loopback = http.is_loopback(parts.hostname or "")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise GitHubFailure(f"GITHUB_API_URL {url!r} must be an https:// URL")
    return url.rstrip("/")


class GitHubClient:
    """One session to the REST API at ``base`` (github.com or a GitHub Enterprise Server)."""

    def __init__(
        self,
        base: str,
        token: str,
        *,
        sleep: Callable[[float], None],
        timeout: float,
        log: Log,
        clock: Callable[[], float] = time.monotonic,
        read_timeout: float = READ_TIMEOUT,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.base, self.sleep, self.timeout, self.log = base, sleep, timeout, log
        self.secrets = tuple(sorted({token, *secrets}, key=len, reverse=True))
        self.read_timeout = read_timeout
        self.deadline = Deadline.after(timeout, clock)
        self.session = http.new_session()
        self.headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": f"driftcheck/{__version__}",
            "Authorization": f"Bearer {token}",
        }
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
            if result.wait >= self.deadline.remaining():
                raise GitHubFailure(
                    f"{result.reason} (gave up: the next retry, in {result.wait:g} s, would "
                    f"pass the --timeout deadline of {self.timeout:g} s)"
                )
            self.log(f"github: {result.reason}; retrying in {result.wait:g}s")
            self.sleep(result.wait)
            self.waited += result.wait
        raise AssertionError("unreachable")

    def _attempt(self, method: str, url: str, payload: Any, attempt: int) -> Answer | _Retry:
        shown = f"{method} {urlsplit(url).path}"
        try:
            reply = http.send(
                self.session,
                method,
                url,
                seconds=self.deadline.remaining(),
                max_bytes=MAX_BODY_BYTES,
                headers=self.headers,
                json=payload,
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=self.read_timeout,
                on_time=lambda: self.deadline.remaining() > 0,
            )
        except http.HttpFailure as exc:
            if exc.kind == "deadline":
                raise GitHubFailure(
                    f"{shown}: no complete answer by the --timeout deadline of {self.timeout:g} s"
                ) from exc
            timed_out = exc.kind in ("timeout", "connect_timeout")
            reason = f"{shown}: {'timed out' if timed_out else 'failed'} ({exc.detail})"
            if exc.kind == "too_large" or (method == "POST" and exc.kind != "connect_timeout"):
                raise GitHubFailure(reason) from exc  # a create may have been applied
            return _Retry(backoff(attempt + 1), reason)
        self.log(f"github: {shown} -> HTTP {reply.status}")
        if 200 <= reply.status < 300:
            return Answer(reply.status, _json(reply.body), reply.links.get("next", {}).get("url"))
        if 300 <= reply.status < 400:
            raise GitHubFailure(
                f"{shown}: HTTP {reply.status}, a redirect: not followed (the token is sent "
                "only to GITHUB_API_URL); check GITHUB_API_URL"
            )
        wait = _retry_wait(reply, attempt)
        if wait is None:
            raise GitHubFailure(f"{shown}: {_describe(reply, self.secrets)}")
        return _Retry(wait, f"{shown}: HTTP {reply.status}")


def _retry_wait(response: http.Reply, attempt: int) -> float | None:
    """Seconds to wait before retrying, or None when retrying cannot help."""
    headers, status = response.headers, response.status
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


def _describe(response: http.Reply, secrets: tuple[str, ...]) -> str:
    status, message = response.status, _message(response, secrets)
    text = f"HTTP {status}" + (f" ({message})" if message else "")
    if status in (403, 404):
        return (
            f"{text}: the token may not write comments here; a pull request from a fork "
            "gets a read-only token, otherwise grant 'pull-requests: write'"
        )
    if status == 401:
        return f"{text}: GITHUB_TOKEN was refused"
    return text


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to parse
        return None


def _message(response: http.Reply, secrets: tuple[str, ...] = ()) -> str:
    """GitHub's error message, masked before it is cut (a cut key would show its start)."""
    data = _json(response.body)
    message = data.get("message") if isinstance(data, dict) else None
    return clip(redact(str(message), secrets), 200) if message else ""
