"""Writing to the Datadog API: create, update and delete a data connection. The only module
that sends writes.

A write is never repeated blindly. A 429 was refused before it did anything: it waits as reads
do (one gate for every worker) and is sent again. A connection error after the request may
have left, a timeout, or a 5xx are *ambiguous*: the write may have taken effect (Datadog's
create answers with no body, so nothing tells). The writer then re-reads the entity and asks
the caller's ``took_effect`` whether the connection now looks as the write intended: if so the
write counts as applied, if not it is sent again; if the re-read fails, the write is reported
as failed *and uncertain*. A 4xx is final: it is reported with Datadog's message.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from driftcheck import __version__, http
from driftcheck.live.client import read_live, redact_headers
from driftcheck.live.credentials import Credentials
from driftcheck.live.failures import connection_reason
from driftcheck.live.payload import describe_error_body
from driftcheck.live.sites import Target
from driftcheck.redact import redact
from driftcheck.retry import Deadline, RateGate, backoff, server_hint

Method = Literal["POST", "PUT", "DELETE"]
#: Given the entity's live connections after an ambiguous failure: did the write take effect?
TookEffect = Callable[[tuple[Mapping[str, Any], ...]], bool]

MAX_SENDS = 3  # a write goes out at most this often (after re-reads showed it did not apply)
MAX_RATE_LIMITED = 5  # 429s tolerated for one write
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
MAX_BODY_BYTES = 1024 * 1024
USER_AGENT = f"driftcheck/{__version__}"


def request_path(method: Method, entity: str, connection: str) -> str:
    """The API path of a write (the connection id is in the body, except for DELETE)."""
    base = f"/api/v2/product-analytics/{quote(entity, safe='')}/mapping/connection"
    return f"{base}/{quote(connection, safe='')}" if method == "DELETE" else base


@dataclass(frozen=True, kw_only=True)
class WriteRequest:
    """One write: method, where, and the exact JSON body (None for DELETE)."""

    method: Method
    entity: str
    connection: str
    body: Mapping[str, Any] | None

    @property
    def path(self) -> str:
        return request_path(self.method, self.entity, self.connection)


@dataclass(frozen=True, kw_only=True)
class WriteResult:
    """What became of one write. ``uncertain``: it failed and may still have taken effect."""

    applied: bool
    status: int | None
    message: str = ""
    sends: int = 1
    confirmed_by_read: bool = False
    uncertain: bool = False


@dataclass(frozen=True)
class _Reply:
    status: int | None  # None: no answer
    body: bytes = b""
    headers: Mapping[str, str] | None = None
    reason: str = ""
    sent: bool = True  # False: the request certainly never reached the server


class Writer:
    """Sends writes for one apply: one session, one deadline, one rate-limit gate."""

    def __init__(
        self,
        *,
        target: Target,
        credentials: Credentials,
        deadline: Deadline,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        log: Callable[[str], None] | None = None,
        workers: int = 8,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self.target, self.credentials, self.deadline = target, credentials, deadline
        self.sleep, self.now, self.read_timeout = sleep, now, read_timeout
        self.gate = RateGate(deadline.clock, sleep)
        self._log, self._lock = log, threading.Lock()
        self.session = http.new_session(workers)
        self.headers = {
            "DD-API-KEY": credentials.api_key,
            "DD-APPLICATION-KEY": credentials.app_key,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }

    def close(self) -> None:
        self.session.close()

    def log(self, message: str) -> None:
        if self._log is not None:
            with self._lock:
                self._log(redact(message, self.credentials.secrets))

    def send(self, request: WriteRequest, took_effect: TookEffect) -> WriteResult:
        """Send ``request`` until it is applied, refused, or shown not to have applied
        ``MAX_SENDS`` times; see the module docstring."""
        sends = limited = 0
        last = _Reply(None, reason="not sent")
        while sends < MAX_SENDS:
            if not self.gate.wait(self.deadline) or self.deadline.remaining() <= 0:
                return self._result(last, sends, "the --timeout deadline was reached")
            reply = self._once(request)
            sends += reply.sent
            last = reply
            if reply.status is not None and 200 <= reply.status < 300:
                return WriteResult(applied=True, status=reply.status, sends=sends)
            if reply.status == 429:
                limited += 1
                if limited >= MAX_RATE_LIMITED:
                    return self._result(reply, sends, "rate limited too often")
                self._wait_rate_limit(reply)
                continue
            if reply.status is not None and reply.status < 500:
                return self._result(reply, sends)
            if reply.sent:
                verdict = self._reread(request, took_effect)
                if verdict is None:
                    return self._result(reply, sends, uncertain=True)
                if verdict:
                    return WriteResult(
                        applied=True, status=reply.status, sends=sends, confirmed_by_read=True
                    )
            wait = backoff(sends)
            if wait >= self.deadline.remaining():
                return self._result(reply, sends, "no time was left to retry")
            self.log(f"{request.method} {request.path}: did not take effect; retry in {wait:.1f} s")
            self.sleep(wait)
        return self._result(last, sends, f"it did not take effect after {sends} sends")

    def _wait_rate_limit(self, reply: _Reply) -> None:
        headers = reply.headers or {}
        hint = server_hint(headers.get("X-RateLimit-Reset"), headers.get("Retry-After"), self.now())
        self.gate.close_for(hint if hint is not None else backoff(1))

    def _reread(self, request: WriteRequest, took_effect: TookEffect) -> bool | None:
        """Whether the write took effect, from a fresh read; None if the read failed."""
        remaining = self.deadline.remaining()
        if remaining <= 0:
            return None
        state = read_live(
            [request.entity],
            target=self.target,
            credentials=self.credentials,
            timeout=remaining,
            sleep=self.sleep,
            clock=self.deadline.clock,
            now=self.now,
            session=self.session,
            log=self._log,
        )
        read = state.entities[request.entity]
        if not read.ok:
            self.log(f"re-read of {request.entity} failed: {read.error}")
            return None
        found = took_effect(read.connections or ())
        self.log(f"{request.method} {request.path}: re-read shows it took effect: {found}")
        return found

    def _result(
        self, reply: _Reply, sends: int, why: str = "", *, uncertain: bool = False
    ) -> WriteResult:
        if reply.status is None:
            text = reply.reason
        else:
            text = f"HTTP {reply.status}"
            said = describe_error_body(reply.body, (reply.headers or {}).get("Content-Type", ""))
            if said:
                text += f"; Datadog said: {said}"
        if why:
            text += f"; gave up: {why}"
        if uncertain:
            text += "; the re-read failed too, so it is unknown whether this write took effect"
        return WriteResult(
            applied=False,
            status=reply.status,
            message=redact(text, self.credentials.secrets),
            sends=sends,
            uncertain=uncertain,
        )

    def _once(self, request: WriteRequest) -> _Reply:
        url = self.target.base_url + request.path
        headers = dict(self.headers)
        if request.body is not None:
            headers["Content-Type"] = "application/json"
        remaining = self.deadline.remaining()
        self.log(f"{request.method} {url} ({remaining:.1f} s left) {redact_headers(headers)}")
        try:
            reply = http.send(
                self.session,
                request.method,
                url,
                seconds=remaining,
                max_bytes=MAX_BODY_BYTES,
                headers=headers,
                json=request.body,
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=self.read_timeout,
                on_time=lambda: self.deadline.remaining() > 0,
            )
        except http.HttpFailure as exc:
            self.log(f"{request.method} {url}: failed: {exc.kind}: {exc.detail}")
            return _Reply(None, reason=exc.detail, sent=_maybe_sent(exc))
        self.log(f"{request.method} {url}: HTTP {reply.status} in {reply.seconds:.2f} s")
        return _Reply(reply.status, reply.body, reply.headers)


def _maybe_sent(failure: http.HttpFailure) -> bool:
    """Whether a failed request may have reached the server (and so may have taken effect).

    No connection in time, a refused connection and a failed TLS handshake never sent it."""
    if failure.kind in ("connect_timeout", "tls"):
        return False
    cause = failure.__cause__
    return not (
        failure.kind == "connection" and cause and connection_reason(cause) == "connection refused"
    )
