"""Retries: which failures, how long to wait, the bounds, and the 429 gate shared by workers.

Every wait goes through an injected virtual clock: the sleeps requested are asserted, none
is taken (one test waits 50 ms for a real socket read timeout).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import socket
import threading
import time
from typing import Any

import pytest
import requests
from fakes import VirtualTime
from fakes.datadog_api import (
    API_KEY,
    APP_KEY,
    FakeDatadog,
    dropped,
    dropped_mid_body,
    error,
    held,
    html_page,
    rate_limited,
    server_error,
    slow,
)

from driftcheck.live import client as live
from driftcheck.live.client import Credentials, read_live, resolve_target
from driftcheck.model import LiveState
from driftcheck.retry import (
    MAX_ATTEMPTS,
    Deadline,
    RateGate,
    backoff,
    parse_retry_after,
    parse_seconds,
    server_hint,
)

CREDS = Credentials(api_key=API_KEY, app_key=APP_KEY)


def read(
    fake: FakeDatadog | str, *entities: str, clock: VirtualTime, timeout: float = 60, **options: Any
) -> LiveState:
    url = fake if isinstance(fake, str) else fake.url
    return read_live(
        entities or ("users",),
        target=resolve_target(site=None, api_url=url),
        credentials=CREDS,
        timeout=timeout,
        sleep=clock.sleep,
        clock=clock.clock,
        **options,
    )


@pytest.fixture
def fake(fake_datadog: FakeDatadog) -> FakeDatadog:
    fake_datadog.set_connections("users", [{"id": "c"}])
    fake_datadog.set_connections("accounts", [])
    return fake_datadog


# ------------------------------------------------------------ the sequence and its bound


def test_a_persistent_server_error_is_retried_with_growing_jittered_backoff(
    fake: FakeDatadog,
) -> None:
    fake.fail_always("users", server_error(503))
    clock = VirtualTime()
    state = read(fake, clock=clock)
    assert len(fake.requests) == MAX_ATTEMPTS == 5
    assert len(clock.sleeps) == 4
    for sleep, (low, high) in zip(clock.sleeps, [(0.5, 1), (1, 2), (2, 4), (4, 8)], strict=True):
        assert low <= sleep <= high
    message = state.entities["users"].error or ""
    assert "could not read entity 'users'" in message
    assert "HTTP 503 Service Unavailable, a server error (after 5 attempts)" in message
    assert "Datadog said: Internal Server Error" in message
    assert "retry later" in message


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n, lambda: 1.0) for n in (1, 2, 3, 4, 5, 10)] == [1, 2, 4, 8, 16, 30]
    assert [backoff(n, lambda: 0.0) for n in (1, 2, 3)] == [0.5, 1, 2]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_transient_server_error_is_retried_then_read(fake: FakeDatadog, status: int) -> None:
    fake.fail("users", server_error(status))
    clock = VirtualTime()
    state = read(fake, clock=clock)
    assert state.entities["users"].connections == ({"id": "c"},)
    assert len(fake.requests) == 2


def test_an_html_gateway_page_is_a_retried_server_error(fake: FakeDatadog) -> None:
    fake.fail_always("users", html_page(502, "502 Bad Gateway"))
    state = read(fake, clock=VirtualTime())
    message = state.entities["users"].error or ""
    assert "HTTP 502 Bad Gateway" in message
    assert "Datadog said: an HTML page titled '502 Bad Gateway'" in message


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 408, 409, 422])
def test_other_client_errors_are_not_retried(fake: FakeDatadog, status: int) -> None:
    fake.fail("users", error(status, "no"))
    clock = VirtualTime()
    state = read(fake, clock=clock)
    assert not state.entities["users"].ok
    assert f"HTTP {status}" in (state.entities["users"].error or "")
    assert len(fake.requests) == 1
    assert clock.sleeps == []


# ------------------------------------------------------------ rate limits


def test_429_waits_for_x_ratelimit_reset(fake: FakeDatadog) -> None:
    fake.fail("users", rate_limited(reset="3"))
    clock = VirtualTime()
    state = read(fake, clock=clock)
    assert state.entities["users"].ok
    assert clock.sleeps == [3.0]
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    ("reset", "expected"),
    [
        ("1.5", 1.5),
        (" 2 ", 2.0),
        ("7", 7.0),
        ("abc", None),
        ("", None),
        ("-4", None),
        ("nan", None),
        ("inf", None),
        ("3s", None),
        ("1e400", None),
        ("0x10", None),
        (None, None),
    ],
)
def test_x_ratelimit_reset_junk_falls_back_to_backoff(
    fake: FakeDatadog, reset: str | None, expected: float | None
) -> None:
    fake.fail("users", rate_limited(reset=reset))
    clock = VirtualTime()
    assert read(fake, clock=clock).entities["users"].ok
    [sleep] = clock.sleeps
    if expected is None:
        assert 0.5 <= sleep <= 1.0
    else:
        assert sleep == expected


def test_a_zero_reset_retries_at_once(fake: FakeDatadog) -> None:
    fake.fail("users", rate_limited(reset="0"))
    clock = VirtualTime()
    assert read(fake, clock=clock).entities["users"].ok
    assert clock.sleeps == []
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (rate_limited(reset=None, retry_after="7"), 7.0),
        (rate_limited(reset="2", retry_after="5"), 5.0),
        (rate_limited(reset="6", retry_after="junk"), 6.0),
        (server_error(503, retry_after="4"), 4.0),
    ],
)
def test_retry_after_is_honoured(fake: FakeDatadog, fault: Any, expected: float) -> None:
    fake.fail("users", fault)
    clock = VirtualTime()
    assert read(fake, clock=clock).entities["users"].ok
    assert clock.sleeps == [expected]


def test_persistent_rate_limit_is_bounded(fake: FakeDatadog) -> None:
    fake.fail_always("users", rate_limited(reset="1"))
    clock = VirtualTime()
    message = read(fake, clock=clock).entities["users"].error or ""
    assert clock.sleeps == [1.0] * 4
    assert len(fake.requests) == 5
    assert "HTTP 429 Too Many Requests, rate limited (after 5 attempts)" in message
    assert "Datadog said: Too many requests" in message
    assert "raise --timeout" in message


def test_a_reset_beyond_the_deadline_gives_up_at_once(fake: FakeDatadog) -> None:
    fake.fail_always("users", rate_limited(reset="120"))
    clock = VirtualTime()
    message = read(fake, clock=clock, timeout=60).entities["users"].error or ""
    assert clock.sleeps == []
    assert len(fake.requests) == 1
    assert "gave up: the next retry (in 120.0 s) would pass the --timeout deadline of 60 s" in (
        message
    )


def test_a_429_seen_by_one_worker_makes_the_others_wait(fake: FakeDatadog) -> None:
    # users gets a 429 (reset 7 s). accounts' first answer (a 503) is held until the users
    # worker has closed the gate and started waiting; its retry must then wait for the gate,
    # not just for its own short backoff.
    # The users 429 is itself held until the accounts request has arrived, so that both
    # requests are in flight on two workers (else one worker may run both, one after the other).
    gate_closed, accounts_arrived = threading.Event(), threading.Event()

    def watch() -> None:
        give_up = time.monotonic() + 5
        while not fake.requests_for("accounts") and time.monotonic() < give_up:
            time.sleep(0.001)
        accounts_arrived.set()

    threading.Thread(target=watch, daemon=True).start()
    fake.fail("users", held(accounts_arrived, rate_limited(reset="7")))
    fake.fail("accounts", held(gate_closed, server_error(503)))
    clock = VirtualTime(on_sleep=lambda seconds: gate_closed.set() if seconds == 7 else None)
    state = read(fake, "users", "accounts", clock=clock, workers=2)
    assert state.entities["users"].ok
    assert state.entities["accounts"].ok
    users_thread = next(t for t, s in clock.sleeps_by_thread.items() if s == [7.0])
    [accounts_sleeps] = [s for t, s in clock.sleeps_by_thread.items() if t != users_thread]
    own_backoff = accounts_sleeps[0]
    assert 0.5 <= own_backoff <= 1.0
    assert sum(accounts_sleeps) == pytest.approx(7.0)  # waited until the gate opened


def test_gate_never_shortens_and_refuses_waits_past_the_deadline() -> None:
    clock = VirtualTime()
    gate = RateGate(clock.clock, clock.sleep)
    assert gate.wait(Deadline.after(10, clock.clock))
    gate.close_for(5)
    gate.close_for(2)  # does not reopen earlier
    assert not gate.wait(Deadline.after(4, clock.clock))
    assert clock.sleeps == []
    assert gate.wait(Deadline.after(10, clock.clock))
    assert clock.sleeps == [5.0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("0", 0.0),
        ("2.5", 2.5),
        (" 4 ", 4.0),
        (None, None),
        ("", None),
        ("-1", None),
        ("abc", None),
        ("nan", None),
        ("-inf", None),
        ("1e999", None),
        ("1,5", None),
    ],
)
def test_parse_seconds(value: str | None, expected: float | None) -> None:
    assert parse_seconds(value) == expected


NOW = dt.datetime(2026, 11, 29, 21, 40, 58, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("Sun, 29 Nov 2026 21:41:28 GMT", 30.0),
        ("Sun, 29 Nov 2026 21:00:00 GMT", 0.0),  # in the past: go now
        ("Sun, 29 Nov 2026 21:41:28", None),  # no zone: ambiguous
        ("tomorrow", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_server_hint_takes_the_longer_header() -> None:
    assert server_hint("3", "10", NOW) == 10.0
    assert server_hint("junk", None, NOW) is None


# ------------------------------------------------------------ the deadline


def test_a_persistent_outage_ends_within_the_deadline(fake: FakeDatadog) -> None:
    fake.fail_always("users", server_error(503))
    clock = VirtualTime()
    message = read(fake, clock=clock, timeout=5).entities["users"].error or ""
    assert sum(clock.sleeps) < 5
    assert len(fake.requests) < MAX_ATTEMPTS
    assert "would pass the --timeout deadline of 5 s" in message


def test_no_request_starts_after_the_deadline(fake: FakeDatadog) -> None:
    # The backoff fits, but the clock runs past the deadline while the first request is out.
    clock = VirtualTime()
    fake.fail("users", server_error(503))

    class LateSession(requests.Session):
        def request(self, method: Any, url: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
            response = super().request(method, url, **kwargs)
            clock.advance(9.5)
            return response

    with LateSession() as session:
        message = read(fake, clock=clock, timeout=10, session=session).entities["users"].error
    assert len(fake.requests) == 1
    assert "deadline of 10 s" in (message or "")


# ------------------------------------------------------------ network failures


@pytest.mark.parametrize("fault", [dropped(), dropped_mid_body()])
def test_dropped_connections_are_retried(fake: FakeDatadog, fault: Any) -> None:
    fake.fail("users", fault, fault)
    clock = VirtualTime()
    assert read(fake, clock=clock).entities["users"].connections == ({"id": "c"},)
    assert len(fake.requests) == 3
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (dropped(), "the server closed the connection without answering"),
        (dropped_mid_body(), "the connection broke off in the middle of the response"),
    ],
)
def test_persistent_drops_are_reported_after_the_last_attempt(
    fake: FakeDatadog, fault: Any, reason: str
) -> None:
    fake.fail_always("users", fault)
    message = read(fake, clock=VirtualTime()).entities["users"].error or ""
    assert f"{reason} (after 5 attempts)" in message
    assert "Check the network" in message


def test_connection_refused_is_retried_and_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = VirtualTime()
    message = read(f"http://127.0.0.1:{port}", clock=clock).entities["users"].error or ""
    assert "connection refused (after 5 attempts)" in message
    assert len(clock.sleeps) == 4


def test_a_read_timeout_is_retried(fake: FakeDatadog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "READ_TIMEOUT", 0.05)
    fake.fail("users", slow(0.5))
    clock = VirtualTime()
    state = read(fake, clock=clock)
    assert state.entities["users"].ok
    assert len(fake.requests) == 2
    assert len(clock.sleeps) == 1


class ScriptedSession(requests.Session):
    """Raises the scripted exceptions, then answers with an empty list."""

    def __init__(self, *failures: Exception) -> None:
        super().__init__()
        self.failures = list(failures)
        self.calls = 0

    def request(self, method: Any, url: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        response = requests.Response()
        response.status_code = 200
        response.raw = io.BytesIO(
            json.dumps({"data": {"type": "list_connections_response"}}).encode()
        )
        return response


def read_with(session: requests.Session, clock: VirtualTime) -> LiveState:
    return read_live(
        ["users"],
        target=resolve_target(site=None, api_url=None),
        credentials=CREDS,
        timeout=60,
        sleep=clock.sleep,
        clock=clock.clock,
        session=session,
    )


@pytest.mark.parametrize(
    "failure",
    [
        requests.ReadTimeout("slow"),
        requests.ConnectTimeout("x"),
        requests.ConnectionError("reset"),
        requests.exceptions.ChunkedEncodingError("cut"),
    ],
)
def test_network_failures_are_retried(failure: Exception) -> None:
    session, clock = ScriptedSession(failure, failure), VirtualTime()
    assert read_with(session, clock).entities["users"].connections == ()
    assert session.calls == 3


def test_timeouts_name_the_wait() -> None:
    session = ScriptedSession(*[requests.ReadTimeout("slow")] * 5)
    message = read_with(session, VirtualTime()).entities["users"].error or ""
    assert "no answer within 30.0 s (after 5 attempts)" in message


@pytest.mark.parametrize(
    ("failure", "needle"),
    [
        (requests.exceptions.SSLError("bad cert"), "TLS handshake failed"),
        (requests.exceptions.InvalidHeader("bad"), "the request failed (InvalidHeader)"),
    ],
)
def test_failures_a_retry_cannot_fix_are_not_retried(failure: Exception, needle: str) -> None:
    session, clock = ScriptedSession(failure), VirtualTime()
    message = read_with(session, clock).entities["users"].error or ""
    assert needle in message
    assert session.calls == 1
    assert clock.sleeps == []


def test_an_oversized_body_is_refused(fake: FakeDatadog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "MAX_BODY_BYTES", 10)
    message = read(fake, clock=VirtualTime()).entities["users"].error or ""
    assert "the body is larger than 10 bytes" in message
    assert len(fake.requests) == 1


def test_a_body_still_arriving_at_the_deadline_is_abandoned() -> None:
    clock = VirtualTime()

    class Trickle(io.RawIOBase):
        """A body whose every chunk takes 4 s of (virtual) time."""

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            clock.advance(4)
            buffer[:1] = b" "
            return 1

    class TrickleSession(requests.Session):
        def request(self, method: Any, url: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
            response = requests.Response()
            response.status_code = 200
            response.raw = Trickle()
            return response

    message = read_with(TrickleSession(), clock).entities["users"].error or ""
    assert "no complete answer by the --timeout deadline of 60 s" in message
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [429, 503])
def test_an_absurd_retry_after_is_shown_sanely(fake: FakeDatadog, status: int) -> None:
    fault = (
        rate_limited(None, retry_after="1e308")
        if status == 429
        else server_error(503, retry_after="1e308")
    )
    fake.fail_always("users", fault)
    clock = VirtualTime()
    message = read(fake, clock=clock, timeout=60).entities["users"].error or ""
    assert clock.sleeps == []  # never waited for it
    assert len(message) < 600, message
    assert "0000000000" not in message
    assert f"HTTP {status}" in message
