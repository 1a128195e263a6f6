"""driftcheck.http: one loopback rule for every client that may use plain http."""

from __future__ import annotations

import pytest

from driftcheck.errors import UsageError
from driftcheck.github.client import GitHubFailure, checked_api_url
from driftcheck.http import is_loopback
from driftcheck.live.sites import resolve_target

HOSTS = [
    "localhost",
    "LOCALHOST",
    "127.0.0.1",
    "127.8.9.10",
    "[::1]",
    "localhost.",
    "example.com",
    "10.0.0.1",
]


def _datadog_allows(host: str) -> bool:
    try:
        resolve_target(site=None, api_url=f"http://{host}:8080")
    except UsageError:
        return False
    return True


def _github_allows(host: str) -> bool:
    try:
        checked_api_url(f"http://{host}:8080")
    except GitHubFailure:
        return False
    return True


@pytest.mark.parametrize("host", HOSTS)
def test_the_datadog_and_github_clients_allow_plain_http_to_the_same_hosts(host: str) -> None:
    assert _datadog_allows(host) == _github_allows(host) == is_loopback(host.strip("[]"))


def test_only_loopback_addresses_are_loopback() -> None:
    loopback = [h for h in HOSTS if is_loopback(h.strip("[]"))]
    assert loopback == ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "[::1]"]
