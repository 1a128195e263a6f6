"""Shared fixtures. No test may reach the network: only loopback connections are allowed.

``fake_datadog`` (a started fake Datadog API with no entities) and ``github`` (a started
fake GitHub API) are available to every test; plain helpers live in ``helpers.py``."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fakes.datadog_api import fake_datadog_fixture
from fakes.github_api import FakeGitHub, serve

__all__ = ["fake_datadog_fixture"]  # the ``fake_datadog`` fixture, imported for pytest

_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any connection to a non-loopback address fails the test loudly."""

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return _real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output (review the diff!)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when golden files should be rewritten instead of compared."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """A fake GitHub API on 127.0.0.1 (repository octo/specs), stopped after the test."""
    yield from serve(FakeGitHub())
