"""The keys never show: not in debug log lines, not in error messages, not in CLI output."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import VirtualTime
from fakes.datadog_api import (
    API_KEY,
    APP_KEY,
    FakeDatadog,
    dropped,
    error,
    rate_limited,
    raw,
)
from helpers import run_cli

from driftcheck.live.client import Credentials, read_live, redact_headers, resolve_target
from driftcheck.model import LiveState

CREDS = Credentials(api_key=API_KEY, app_key=APP_KEY)


def read_logged(fake: FakeDatadog, *entities: str) -> tuple[LiveState, list[str]]:
    lines: list[str] = []
    clock = VirtualTime()
    state = read_live(
        entities,
        target=resolve_target(site=None, api_url=fake.url),
        credentials=CREDS,
        timeout=60,
        log=lines.append,
        sleep=clock.sleep,
        clock=clock.clock,
    )
    return state, lines


def assert_no_keys(text: str) -> None:
    assert API_KEY not in text
    assert APP_KEY not in text


def test_debug_log_shows_each_request_with_the_key_headers_masked(
    fake_datadog: FakeDatadog,
) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail("users", rate_limited("2"), dropped())
    state, lines = read_logged(fake_datadog, "users")
    assert state.entities["users"].ok
    requests_logged = [line for line in lines if line.startswith("GET ")]
    assert len(requests_logged) == 3
    for line in requests_logged:
        assert "DD-API-KEY: ***" in line
        assert "DD-APPLICATION-KEY: ***" in line
        assert "/api/v2/product-analytics/users/mapping/connections" in line
    assert any("HTTP 429" in line and "x-ratelimit-reset: 2" in line for line in lines)
    assert any("retrying in 2.0 s (attempt 2 of 5)" in line for line in lines)
    for line in lines:
        assert_no_keys(line)


@pytest.mark.parametrize(
    "fault",
    [
        error(400, f"invalid key {API_KEY}"),
        error(403, {"title": "Forbidden", "detail": f"application key {APP_KEY} lacks access"}),
        raw(f"<html><title>{API_KEY}</title></html>", status=200, content_type="text/html"),
        raw(f'{{"data": {{"type": "{APP_KEY}"}}}}'),
    ],
)
def test_keys_echoed_by_a_server_are_masked_in_messages(
    fake_datadog: FakeDatadog, fault: Any
) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail("users", fault)
    state, lines = read_logged(fake_datadog, "users")
    message = state.entities["users"].error or ""
    assert "could not read entity 'users'" in message
    assert "***" in message
    assert_no_keys(message)
    for line in lines:
        assert_no_keys(line)


def test_redact_headers_masks_every_credential_like_header() -> None:
    text = redact_headers(
        {
            "DD-API-KEY": "a1",
            "dd-application-key": "b2",
            "Authorization": "c3",
            "Cookie": "d4",
            "X-Token": "e5",
            "Accept": "application/json",
        }
    )
    for secret in ("a1", "b2", "c3", "d4", "e5"):
        assert secret not in text
    assert "Accept: application/json" in text


def test_cli_debug_output_never_holds_the_keys(fake_datadog: FakeDatadog, tmp_path: Any) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.set_connections("accounts", [])
    code, out, err = run_cli(
        "--debug", "snapshot", "-o", str(tmp_path / "live.json"), env=fake_datadog.env()
    )
    assert code == 0, err
    assert "debug: GET " in err
    assert "DD-API-KEY: ***" in err
    assert_no_keys(out + err)
    assert_no_keys((tmp_path / "live.json").read_text("utf-8"))
