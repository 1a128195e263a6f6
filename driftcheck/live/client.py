"""Reading the live state from the Datadog API: credentials, one pooled session, retries,
parallel reads. The only module that sends requests to Datadog (the GitHub client in
``driftcheck.github.client`` is the other user of ``requests``).

``read_live`` never raises for one entity's failure: an unreadable entity is an
:class:`~driftcheck.model.EntityRead` carrying a message that names the entity, the HTTP
status, what was wrong and how to fix it. Keys are sent as headers only; they never appear
in a message or a debug log line.
"""

from __future__ import annotations

import datetime as dt
import queue
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from driftcheck import __version__, http
from driftcheck.errors import UsageError
from driftcheck.live.credentials import Credentials, credentials_from_env
from driftcheck.live.failures import (
    DEBUG_ADVICE,
    Answer,
    GiveUp,
    answer_for_response,
    connection_reason,
    network_advice,
)
from driftcheck.live.payload import OddConnectionsError, connections_from_response, parse_json
from driftcheck.live.sites import Target, resolve_target
from driftcheck.model import EntityRead, LiveState
from driftcheck.redact import MASK, redact, redact_bytes, redact_data
from driftcheck.retry import MAX_ATTEMPTS, Deadline, RateGate, backoff, server_hint
from driftcheck.wording import seconds

__all__ = ["Credentials", "Target", "credentials_from_env", "read_live", "resolve_target"]

USER_AGENT = f"driftcheck/{__version__}"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
MAX_BODY_BYTES = 32 * 1024 * 1024
_SENSITIVE_HEADER = re.compile("key|auth|token|cookie", re.IGNORECASE)
_LOGGED_RESPONSE_HEADERS = (
    "content-type",
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-ratelimit-name",
)


def read_live(
    entities: Sequence[str],
    *,
    target: Target,
    credentials: Credentials,
    timeout: float,
    log: Callable[[str], None] | None = None,
    workers: int = 4,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    session: requests.Session | None = None,
    mask: tuple[str, ...] = (),
) -> LiveState:
    """Read the connections of ``entities`` in parallel, within ``timeout`` seconds in total.

    ``sleep``, ``clock``, ``now`` (the wall clock of the read time and of rate-limit
    resets) and ``session`` are injectable for tests; ``mask`` holds more values to mask
    besides the keys (the GitHub token); a session passed in is
    used but not closed.
    """
    if not timeout > 0:
        raise UsageError("the timeout must be a positive number of seconds")
    wanted = tuple(dict.fromkeys(entities))
    read_at = now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    pool = session if session is not None else http.new_session(workers)
    reader = _Reader(
        target=target,
        credentials=credentials,
        session=pool,
        deadline=Deadline.after(timeout, clock),
        timeout=timeout,
        gate=RateGate(clock, sleep),
        sleep=sleep,
        now=now,
        log=_SafeLog(log, credentials),
        mask=tuple(sorted({*credentials.secrets, *mask}, key=len, reverse=True)),
    )
    try:
        reads = _in_parallel(reader, wanted, workers)
    finally:
        if session is None:
            pool.close()
    return LiveState(site=target.site, read_at=read_at, entities={r.entity: r for r in reads})


def _in_parallel(reader: _Reader, wanted: Sequence[str], workers: int) -> list[EntityRead]:
    """Every entity read by at most ``workers`` threads, in the order of ``wanted``.

    The threads are daemons and the wait for them can be interrupted: on ^C the reader stops
    starting requests and the interrupt goes up at once, instead of after the requests in
    flight and their retries (up to the whole --timeout). A bug in a worker is raised here.
    """
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for entity in wanted:
        todo.put(entity)
    done: dict[str, EntityRead] = {}
    crashed: list[BaseException] = []

    def work() -> None:
        while not reader.stop.is_set():
            try:
                entity = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done[entity] = reader.read(entity)
            except BaseException as exc:  # handed to the waiting thread, which raises it
                crashed.append(exc)
                reader.stop.set()

    threads = [
        threading.Thread(target=work, name=f"driftcheck-read-{n}", daemon=True)
        for n in range(max(1, min(workers, len(wanted))))
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        reader.stop.set()  # after ^C: no new request, no retry
    if crashed:
        raise crashed[0]
    return [done[entity] for entity in wanted]


class _SafeLog:
    """The debug log: serialized across workers, with the key values masked as a last resort."""

    def __init__(self, log: Callable[[str], None] | None, credentials: Credentials) -> None:
        self._log = log
        self._secrets = credentials.secrets
        self._lock = threading.Lock()

    def __call__(self, message: str) -> None:
        if self._log is not None:
            with self._lock:
                self._log(redact(message, self._secrets))


def redact_headers(headers: Mapping[str, str]) -> str:
    """Headers for a log line, with every credential-like value replaced by ``***``."""
    return ", ".join(
        f"{name}: {MASK if _SENSITIVE_HEADER.search(name) else value}"
        for name, value in headers.items()
    )


@dataclass
class _Reader:
    """Reads one entity at a time with retries; shared by the workers of one ``read_live``."""

    target: Target
    credentials: Credentials
    session: requests.Session
    deadline: Deadline
    timeout: float
    gate: RateGate
    sleep: Callable[[float], None]
    now: Callable[[], dt.datetime]
    log: _SafeLog
    mask: tuple[str, ...] = ()  # every secret value, longest first
    stop: threading.Event = field(default_factory=threading.Event)  # set on ^C or a crash

    def __post_init__(self) -> None:
        self.headers = {
            "DD-API-KEY": self.credentials.api_key,
            "DD-APPLICATION-KEY": self.credentials.app_key,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }

    def read(self, entity: str) -> EntityRead:
        try:
            return EntityRead(entity=entity, connections=self._fetch(entity))
        except GiveUp as stop:
            message = stop.render(entity, self.target)
            return EntityRead(
                entity=entity, connections=None, error=redact(message, self.credentials.secrets)
            )

    def _fetch(self, entity: str) -> tuple[Mapping[str, Any], ...]:
        last: Answer | None = None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if self.stop.is_set():
                raise GiveUp(last or Answer.interrupted(), attempt - 1)
            if not self.gate.wait(self.deadline):
                raise GiveUp(
                    last or Answer.rate_limited_elsewhere(),
                    attempt - 1,
                    f"the rate limit resets after the --timeout deadline of {self.timeout:g} s",
                )
            if self.deadline.remaining() <= 0:
                raise GiveUp(
                    last or Answer.no_time(),
                    attempt - 1,
                    f"the --timeout deadline of {self.timeout:g} s was reached",
                )
            answer = self._attempt(entity, attempt)
            if not isinstance(answer, Answer):
                return answer
            last = answer
            if not answer.retryable:
                raise GiveUp(answer, attempt)
            if attempt < MAX_ATTEMPTS:
                self._pause(entity, answer, attempt)
        assert last is not None
        raise GiveUp(last, MAX_ATTEMPTS)

    def _pause(self, entity: str, answer: Answer, attempt: int) -> None:
        wait = answer.hint if answer.hint is not None else backoff(attempt)
        if answer.status == 429:
            self.gate.close_for(wait)  # every worker waits, not just this one
        if wait >= self.deadline.remaining():
            raise GiveUp(
                answer,
                attempt,
                f"the next retry (in {seconds(wait)}) would pass the "
                f"--timeout deadline of {self.timeout:g} s",
            )
        self.log(
            f"{entity}: {answer.summary()}; retrying in {seconds(wait)} "
            f"(attempt {attempt + 1} of {MAX_ATTEMPTS})"
        )
        if answer.status != 429:
            self.sleep(wait)

    def _attempt(self, entity: str, attempt: int) -> tuple[Mapping[str, Any], ...] | Answer:
        url = (
            f"{self.target.base_url}/api/v2/product-analytics/"
            f"{quote(entity, safe='')}/mapping/connections"
        )
        remaining = self.deadline.remaining()
        timeouts = (min(CONNECT_TIMEOUT, remaining), min(READ_TIMEOUT, remaining))
        self.log(
            f"GET {url} (attempt {attempt} of {MAX_ATTEMPTS}, timeouts "
            f"{timeouts[0]:.1f}/{timeouts[1]:.1f} s, {remaining:.1f} s in all) "
            f"{redact_headers(self.headers)}"
        )
        try:
            reply = http.send(
                self.session,
                "GET",
                url,
                seconds=remaining,
                max_bytes=MAX_BODY_BYTES,
                headers=self.headers,
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=READ_TIMEOUT,
                on_time=lambda: self.deadline.remaining() > 0,
            )
        except http.HttpFailure as exc:
            self.log(f"{entity}: request failed: {exc.kind}: {exc.detail}")
            return _answer_for_failure(exc, timeouts[1], self.timeout, self.target)
        headers, status, body = reply.headers, reply.status, reply.body
        self.log(
            f"{entity}: HTTP {status} in {reply.seconds:.2f} s, {len(body)} bytes; "
            + redact_headers({k: headers[k] for k in _LOGGED_RESPONSE_HEADERS if k in headers})
        )
        if 200 <= status < 300:
            try:
                # A key pasted into live data (a description) is masked as it is read, so
                # that no report, snapshot, export or comment can carry it.
                return tuple(
                    redact_data(connection, self.mask)
                    for connection in connections_from_response(parse_json(body))
                )
            except ValueError as exc:
                body = redact_bytes(body, self.mask)
                return answer_for_response(
                    status,
                    headers,
                    body,
                    self.target,
                    entity,
                    problem=str(exc),
                    odd_data=isinstance(exc, OddConnectionsError),
                )
        body = redact_bytes(body, self.mask)  # before any of it is cut to a snippet
        hint = server_hint(
            headers.get("X-RateLimit-Reset") if status == 429 else None,
            headers.get("Retry-After"),
            self.now(),
        )
        return answer_for_response(status, headers, body, self.target, entity, hint=hint)


def _answer_for_failure(
    exc: http.HttpFailure, read_timeout: float, timeout: float, target: Target
) -> Answer:
    """The answer for a request that brought no whole response: network trouble is retried."""
    if exc.kind == "deadline":
        return Answer(
            None,
            f"no complete answer by the --timeout deadline of {timeout:g} s",
            "Raise --timeout, or check --site and --api-url",
        )
    if exc.kind == "too_large":
        return Answer(None, exc.detail, "Check --site and --api-url")
    if exc.kind == "tls":
        return Answer(None, exc.detail, "Check the proxy and the CA bundle (REQUESTS_CA_BUNDLE)")
    if exc.kind in ("timeout", "connect_timeout"):
        return Answer(
            None, f"no answer within {read_timeout:.1f} s", network_advice(target), retryable=True
        )
    if exc.kind == "connection":
        cause = exc.__cause__ or exc
        return Answer(None, connection_reason(cause), network_advice(target), retryable=True)
    return Answer(None, exc.detail, DEBUG_ADVICE)
