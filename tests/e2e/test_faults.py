"""Fault matrix: every command that reads live state (check, snapshot, export), through
``driftcheck.cli.main`` against the fake Datadog API, under every fault the API or the
network can throw at it.

Each case ends as the "Live state" issue says: recovered (exit 0, the whole state written),
or exit 4 with a message that names the entity and the cause, and no file for what could not
be read. Every run is on a virtual clock (``main``'s ``sleep`` and ``clock``): no test waits
for a real backoff.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakes import VirtualTime
from fakes.datadog_api import (
    FakeDatadog,
    Fault,
    dropped,
    dropped_mid_body,
    empty,
    error,
    html_page,
    rate_limited,
    raw,
    running,
    sample_connection,
    server_error,
    slow,
    truncated,
)
from helpers import run_cli, write_exported_specs

from driftcheck.live import client as live
from driftcheck.retry import MAX_ATTEMPTS

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
TIMEOUT = 60.0
USERS = [sample_connection(), sample_connection("crm-integration", metadata={"owner": "sales"})]
ACCOUNTS = [sample_connection("warehouse-accounts")]
BAD = "accounts"  # the entity each fault is aimed at; users always answers


@pytest.fixture
def fake() -> Iterator[FakeDatadog]:
    with running(connections={"users": USERS, "accounts": ACCOUNTS}) as server:
        yield server


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    """Spec files that match the fake's state exactly: a full read checks clean."""
    return write_exported_specs(tmp_path / "specs", {"users": USERS, "accounts": ACCOUNTS})


@dataclass(frozen=True)
class World:
    """The fake API (users and accounts), the virtual clock, matching specs, a work folder."""

    fake: FakeDatadog
    clock: VirtualTime
    specs: Path
    tmp: Path


@pytest.fixture
def world(fake: FakeDatadog, specs: Path, tmp_path: Path) -> World:
    return World(fake, VirtualTime(), specs, tmp_path)


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    seconds: float  # of real time


def run(world: World, *argv: str, env: dict[str, str] | None = None) -> Run:
    """``main`` against the world's fake (or ``env``), on the world's virtual clock."""
    started = time.monotonic()
    code, out, err = run_cli(*argv, env=env or world.fake.env(), now=NOW, clock=world.clock)
    return Run(code, out, err, time.monotonic() - started)


# ------------------------------------------------------------ the three commands


@dataclass(frozen=True)
class Command:
    """How to run one command, and how to read what it left behind."""

    name: str
    argv: Callable[[Path, Path], list[str]]

    def outcome(self, result: Run, tmp_path: Path) -> dict[str, Any]:
        """What the user got: the entities read, and the error text shown for the bad one."""
        if self.name == "check":
            report = json.loads(result.out)
            return {
                "read": {e["name"] for e in report["entities"] if e["status"] != "error"},
                "errors": {e["entity"]: e["message"] for e in report["errors"]},
                "status": report["status"],
            }
        if self.name == "snapshot":
            path = tmp_path / "live.json"
            saved = json.loads(path.read_text("utf-8"))["entities"] if path.exists() else {}
            return {"read": set(saved), "errors": _stderr_errors(result.err)}
        written = {p.stem for p in (tmp_path / "out").glob("*.yaml")}
        return {"read": written, "errors": _stderr_errors(result.err)}


def _stderr_errors(err: str) -> dict[str, str]:
    found = {}
    for line in err.splitlines():
        if line.startswith("error: ") and ": " in line[7:]:
            entity, message = line[7:].split(": ", 1)
            found[entity] = message
    return found


COMMANDS = [
    Command(
        "check",
        lambda specs, tmp: ["check", str(specs), "--format", "json", "--timeout", str(TIMEOUT)],
    ),
    Command(
        "snapshot",
        lambda specs, tmp: [
            "snapshot",
            str(specs),
            "-o",
            str(tmp / "live.json"),
            "--timeout",
            str(TIMEOUT),
        ],
    ),
    Command(
        "export", lambda specs, tmp: ["export", "-o", str(tmp / "out"), "--timeout", str(TIMEOUT)]
    ),
]
COMMAND_IDS = [c.name for c in COMMANDS]


def assert_recovered(command: Command, result: Run, tmp_path: Path) -> None:
    assert result.code == 0, result.out + result.err
    outcome = command.outcome(result, tmp_path)
    assert outcome["read"] == {"users", "accounts"}
    assert outcome["errors"] == {}
    if command.name == "check":
        assert outcome["status"] == "in_sync"


def assert_unreadable(command: Command, result: Run, tmp_path: Path, *causes: str) -> str:
    """Exit 4, a message naming the entity and the cause, nothing written for it."""
    assert result.code == 4, result.out + result.err
    outcome = command.outcome(result, tmp_path)
    message = outcome["errors"].get(BAD, "")
    assert f"could not read entity {BAD!r}" in message, result.out + result.err
    for cause in causes:
        assert cause in message, message
    assert "Traceback" not in result.out + result.err
    assert BAD not in outcome["read"]
    if command.name == "snapshot":
        assert outcome["read"] == set(), "a snapshot is all or nothing"
        assert "no snapshot written" in result.err
    else:
        assert "users" in outcome["read"], "one unreadable entity spoils no other"
    if command.name == "check":
        assert outcome["status"] == "error"
    return message


# ------------------------------------------------------------ faults that pass


TRANSIENT: dict[str, list[Fault]] = {
    "429 storm with X-RateLimit-Reset": [rate_limited("2")] * 4,
    "429 without X-RateLimit-Reset": [rate_limited(None)] * 2,
    "429 with junk resets": [
        rate_limited("soon"),
        rate_limited("-3"),
        rate_limited("inf"),
        rate_limited(""),
    ],
    "429 with a Retry-After date": [
        rate_limited(None, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    ],
    "500 then success": [server_error(500)],
    "502 then success": [server_error(502)],
    "503 twice then success": [server_error(503), server_error(503, retry_after="1")],
    "HTML gateway page then success": [html_page(502), html_page(504, "Gateway Timeout")],
    "connection dropped": [dropped(), dropped()],
    "connection dropped mid-body": [dropped_mid_body()],
    "a mix of everything": [rate_limited("1"), server_error(503), dropped_mid_body(), dropped()],
}


@pytest.mark.parametrize("command", COMMANDS, ids=COMMAND_IDS)
@pytest.mark.parametrize("faults", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_transient_faults_are_retried_until_everything_is_read(
    command: Command, faults: list[Fault], world: World
) -> None:
    assert len(faults) < MAX_ATTEMPTS
    world.fake.fail(BAD, *faults)
    result = run(world, *command.argv(world.specs, world.tmp))
    assert_recovered(command, result, world.tmp)
    assert len(world.fake.requests_for(BAD)) == len(faults) + 1
    assert len(world.fake.requests_for("users")) == 1
    assert sum(world.clock.sleeps) < TIMEOUT
    assert result.seconds < 10


# ------------------------------------------------------------ faults that end in exit 4


PERSISTENT: dict[str, tuple[Fault, tuple[str, ...]]] = {
    "persistent 429": (rate_limited("1"), ("HTTP 429", "rate limited", "after 5 attempts")),
    "persistent 500": (server_error(500), ("HTTP 500", "a server error", "after 5 attempts")),
    "persistent 503": (server_error(503), ("HTTP 503", "after 5 attempts")),
    "persistent HTML 502 page": (
        html_page(502),
        ("HTTP 502", "an HTML page titled '502 Bad Gateway'"),
    ),
    "persistent drops": (dropped(), ("closed the connection without answering",)),
    "persistent drops mid-body": (dropped_mid_body(), ("broke off in the middle",)),
}


@pytest.mark.parametrize("command", COMMANDS, ids=COMMAND_IDS)
@pytest.mark.parametrize(("fault", "causes"), PERSISTENT.values(), ids=PERSISTENT.keys())
def test_persistent_faults_end_in_exit_4_after_bounded_retries(
    command: Command, fault: Fault, causes: tuple[str, ...], world: World
) -> None:
    world.fake.fail_always(BAD, fault)
    result = run(world, *command.argv(world.specs, world.tmp))
    assert_unreadable(command, result, world.tmp, *causes)
    assert len(world.fake.requests_for(BAD)) == MAX_ATTEMPTS
    assert len(world.clock.sleeps) >= MAX_ATTEMPTS - 1, "each retry waits, on the virtual clock"
    assert sum(world.clock.sleeps) < TIMEOUT
    assert result.seconds < 10


NOT_RETRIED: dict[str, tuple[Fault, tuple[str, ...]]] = {
    "truncated body": (truncated(), ("HTTP 200", "not valid JSON", "truncated")),
    "empty body": (empty(200), ("HTTP 200", "the body is empty")),
    "HTML page with 200": (html_page(200, "Sign in"), ("an HTML page titled 'Sign in'",)),
    "JSON list": (raw("[]"), ("expected a JSON object, got a list",)),
    "data is a list": (raw('{"data": []}'), ("'data' is a list",)),
    "wrong data.type": (raw('{"data": {"type": "dashboards"}}'), ("data.type is 'dashboards'",)),
    "connections not a list": (
        raw(
            '{"data": {"type": "list_connections_response", '
            '"attributes": {"connections": {"id": "x"}}}}'
        ),
        ("data.attributes.connections is an object, expected a list",),
    ),
    "connection id not a string": (
        raw(
            '{"data": {"type": "list_connections_response", '
            '"attributes": {"connections": [{"id": 7}]}}}'
        ),
        ("connections[0].id is 7",),
    ),
    "repeated connection id": (
        raw(
            '{"data": {"type": "list_connections_response", '
            '"attributes": {"connections": [{"id": "a"}, {"id": "a"}]}}}'
        ),
        ("'a' appears twice",),
    ),
    "NaN in the body": (raw('{"data": NaN}'), ("not valid JSON",)),
    "invalid UTF-8": (raw(b'{"data": "\xff"}'), ("not UTF-8",)),
    "401": (
        error(401, {"status": "401", "title": "Unauthorized"}),
        ("HTTP 401", "the keys were not accepted", "DD_APP_KEY"),
    ),
    "403": (error(403, "Forbidden"), ("HTTP 403", "may not read data connections", "DD_API_KEY")),
    "404": (error(404, {"status": "404", "title": "Not Found"}), ("HTTP 404", "does not exist")),
    "400 with a text body": (
        raw("bad request", status=400, content_type="text/plain"),
        ("HTTP 400", "Datadog said: bad request"),
    ),
    "redirect": (
        raw("", status=302, headers={"Location": "https://evil.example/steal"}),
        ("HTTP 302", "does not follow redirects"),
    ),
}


@pytest.mark.parametrize("command", COMMANDS, ids=COMMAND_IDS)
@pytest.mark.parametrize(("fault", "causes"), NOT_RETRIED.values(), ids=NOT_RETRIED.keys())
def test_answers_a_retry_cannot_fix_end_in_exit_4_at_once(
    command: Command, fault: Fault, causes: tuple[str, ...], world: World
) -> None:
    world.fake.fail_always(BAD, fault)
    result = run(world, *command.argv(world.specs, world.tmp))
    assert_unreadable(command, result, world.tmp, *causes)
    assert len(world.fake.requests_for(BAD)) == 1
    assert world.clock.sleeps == []


@pytest.mark.parametrize("command", COMMANDS, ids=COMMAND_IDS)
def test_a_rate_limit_reset_past_the_deadline_gives_up_without_waiting(
    command: Command, world: World
) -> None:
    world.fake.fail_always(BAD, rate_limited("3600"))
    result = run(world, *command.argv(world.specs, world.tmp))
    assert result.code == 4
    outcome = command.outcome(result, world.tmp)
    assert "HTTP 429" in outcome["errors"][BAD]
    assert "deadline" in outcome["errors"][BAD]
    assert len(world.fake.requests_for(BAD)) == 1
    assert world.clock.sleeps == []
    # The bucket is shared: a worker that had not sent yet may give up too, never wait.
    if command.name != "snapshot" and "users" not in outcome["read"]:
        assert "another request of this run was rate limited" in outcome["errors"]["users"]


@pytest.mark.parametrize("command", COMMANDS, ids=COMMAND_IDS)
def test_every_entity_failing_is_exit_4_and_never_empty(command: Command, world: World) -> None:
    world.fake.fail_always("*", server_error(503))
    result = run(world, *command.argv(world.specs, world.tmp))
    assert result.code == 4
    outcome = command.outcome(result, world.tmp)
    assert outcome["read"] == set()
    assert set(outcome["errors"]) == {"users", "accounts"}
    assert len(world.fake.requests) == 2 * MAX_ATTEMPTS


# ------------------------------------------------------------ timeouts and refused connections


@pytest.mark.parametrize("command", COMMANDS, ids=COMMAND_IDS)
def test_a_read_timeout_is_retried_and_recovers(
    command: Command, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "READ_TIMEOUT", 0.05)
    world.fake.fail(BAD, slow(0.5))
    result = run(world, *command.argv(world.specs, world.tmp))
    assert_recovered(command, result, world.tmp)
    assert len(world.fake.requests_for(BAD)) == 2


@pytest.mark.parametrize("command", COMMANDS, ids=COMMAND_IDS)
def test_persistent_read_timeouts_end_in_exit_4(
    command: Command, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "READ_TIMEOUT", 0.05)
    world.fake.fail_always(BAD, slow(0.3))
    result = run(world, *command.argv(world.specs, world.tmp))
    assert_unreadable(command, result, world.tmp, "no answer within 0.1 s", "after 5 attempts")
    assert len(world.fake.requests_for(BAD)) == MAX_ATTEMPTS


@pytest.mark.parametrize("command", COMMANDS, ids=COMMAND_IDS)
def test_a_refused_connection_is_exit_4_for_every_entity(command: Command, world: World) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**world.fake.env(), "DRIFTCHECK_API_URL": f"http://127.0.0.1:{port}"}
    result = run(world, *command.argv(world.specs, world.tmp), env=env)
    assert result.code == 4
    outcome = command.outcome(result, world.tmp)
    assert outcome["read"] == set()
    for entity in ("users", "accounts"):
        assert "connection refused (after 5 attempts)" in outcome["errors"][entity]
