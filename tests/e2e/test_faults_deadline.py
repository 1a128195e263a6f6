"""The --timeout deadline on the real clock: a server that never answers cannot hold a
command longer than --timeout (plus a little to write the report).

These are the only fault tests without the virtual clock, because they prove the deadline
in wall-clock time. The deadlines are short (0.5 s); the bound allows generous slack.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.datadog_api import FakeDatadog, held, rate_limited, running, sample_connection
from fakes.hostile_http import hostile
from helpers import run_cli

DEADLINE = 0.5
SLACK = 3.0  # thread start-up and a loaded CI machine; the outage itself would last 5 s


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # let the held answers go, so the fake stops at once


@pytest.fixture
def fake() -> Iterator[FakeDatadog]:
    connections = {"users": [sample_connection()], "accounts": []}
    with running(connections=connections) as server:
        yield server


def run(fake: FakeDatadog, *argv: str) -> tuple[int, str, str, float]:
    """Exit code, stdout, stderr and the seconds it took on the real clock."""
    started = time.monotonic()
    code, out, err = run_cli(*argv, "--timeout", str(DEADLINE), env=fake.env())
    return code, out, err, time.monotonic() - started


@pytest.mark.parametrize("command", ["check", "snapshot", "export"])
def test_a_server_that_never_answers_is_abandoned_at_the_deadline(
    command: str, fake: FakeDatadog, release: threading.Event, tmp_path: Path
) -> None:
    fake.fail_always("*", held(release))
    spec = tmp_path / "users.yaml"
    spec.write_text(
        "version: 1\nentities:\n  users:\n    connections: []\n  accounts:\n    connections: []\n",
        encoding="utf-8",
    )
    argv = {
        "check": ["check", str(spec), "--format", "json"],
        "snapshot": ["snapshot", str(spec), "-o", str(tmp_path / "live.json")],
        "export": ["export", "-o", str(tmp_path / "out")],
    }[command]
    code, out, err, seconds = run(fake, *argv)
    assert code == 4
    assert seconds < DEADLINE + SLACK
    shown = json.dumps(json.loads(out)["errors"]) if command == "check" else err
    assert "could not read entity 'users'" in shown
    assert "no complete answer by the --timeout deadline of 0.5 s" in shown
    assert not (tmp_path / "live.json").exists()
    assert not (tmp_path / "out").exists()


def test_a_rate_limit_wait_never_outlasts_the_deadline(fake: FakeDatadog, tmp_path: Path) -> None:
    # Each 429 asks for 0.3 s: the second wait would pass the deadline, so it is not taken.
    fake.fail_always("users", rate_limited("0.3"))
    code, _, err, seconds = run(
        fake, "snapshot", "--entity", "users", "-o", str(tmp_path / "live.json")
    )
    assert code == 4
    assert seconds < DEADLINE + SLACK
    assert "HTTP 429" in err
    assert "--timeout deadline of 0.5 s" in err
    assert 1 <= len(fake.requests) <= 3


HOSTILE = [
    ("check", "drip_headers"),
    ("check", "drip_body"),
    ("check", "silent"),
    ("check", "endless"),
    ("snapshot", "drip_body"),
    ("export", "drip_headers"),
]


@pytest.mark.parametrize(("command", "behaviour"), HOSTILE)
def test_the_deadline_holds_against_a_hostile_server(
    command: str, behaviour: str, tmp_path: Path
) -> None:
    # A byte every 0.2 s arrives within every socket timeout, so only a total deadline can
    # end it; the server would go on for 6 s.
    spec = tmp_path / "users.yaml"
    spec.write_text("version: 1\nentities:\n  users:\n    connections: []\n", encoding="utf-8")
    argv = {
        "check": ["check", str(spec), "--format", "json"],
        "snapshot": ["snapshot", str(spec), "-o", str(tmp_path / "live.json")],
        "export": ["export", "--entity", "users", "-o", str(tmp_path / "out")],
    }[command]
    with hostile(behaviour, interval=0.2, limit=6.0) as server:
        env = {"DD_API_KEY": "k" * 32, "DD_APP_KEY": "a" * 40, "DRIFTCHECK_API_URL": server.url}
        started = time.monotonic()
        code, out, err = run_cli(*argv, "--timeout", str(DEADLINE), env=env)
        seconds = time.monotonic() - started
    assert code == 4, (out, err)
    assert seconds < DEADLINE + SLACK
    shown = json.dumps(json.loads(out)["errors"]) if command == "check" else err
    assert "no complete answer by the --timeout deadline of 0.5 s" in shown
    assert not (tmp_path / "live.json").exists()
    assert not (tmp_path / "out").exists()
