"""driftcheck.http: one loopback rule for every client that may use plain http, and the
bounded request: a real total deadline whatever the server does, a body cap, no
redirects, no proxy for loopback hosts.

The deadlines are short (0.3 s) on the real clock; each hostile server would otherwise hold
the request for its whole limit (10 s), so the bound of 3 s proves the deadline cut it.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.hostile_http import hostile

from driftcheck.errors import UsageError
from driftcheck.github.client import GitHubFailure, checked_api_url
from driftcheck.http import HttpFailure, is_loopback, new_session, send
from driftcheck.live.sites import resolve_target

SECONDS = 0.3
BOUND = 3.0  # generous for a loaded machine; the servers would hold on for 6 s


@pytest.fixture
def session() -> Iterator[object]:
    with new_session() as s:
        yield s


@pytest.mark.parametrize("behaviour", ["drip_headers", "drip_body", "silent", "endless"])
def test_the_deadline_holds_whatever_the_server_does(behaviour: str, session: object) -> None:
    with hostile(behaviour, interval=0.2, limit=6.0) as server:
        started = time.monotonic()
        with pytest.raises(HttpFailure) as caught:
            send(session, "GET", server.url + "/x", seconds=SECONDS, max_bytes=1 << 40)  # type: ignore[arg-type]
        took = time.monotonic() - started
    assert caught.value.kind == "deadline", caught.value
    assert took < BOUND


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command makes the test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.parametrize("behaviour", ["drip_headers", "drip_body", "silent"])
def test_the_deadline_holds_over_tls(
    behaviour: str,
    certificate: tuple[Path, Path],
    session: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # silent: the server takes the connection and never starts the TLS handshake.
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    with hostile(behaviour, interval=0.2, limit=6.0, tls=context) as server:
        started = time.monotonic()
        with pytest.raises(HttpFailure) as caught:
            send(session, "GET", server.url + "/x", seconds=SECONDS, max_bytes=1 << 40)  # type: ignore[arg-type]
        took = time.monotonic() - started
    assert caught.value.kind == "deadline", caught.value
    assert took < BOUND


def test_a_body_past_the_cap_is_refused(session: object) -> None:
    with hostile("endless", interval=0.0) as server, pytest.raises(HttpFailure) as caught:
        send(session, "GET", server.url + "/x", seconds=5, max_bytes=100_000)  # type: ignore[arg-type]
    assert caught.value.kind == "too_large"
    assert "larger than 100000 bytes" in str(caught.value)


def test_a_complete_answer_is_returned_and_the_connection_reused(session: object) -> None:
    with hostile("drip_body", interval=0.0) as server:
        reply = send(session, "GET", server.url + "/x", seconds=5, max_bytes=1000)  # type: ignore[arg-type]
        again = send(session, "GET", server.url + "/x", seconds=5, max_bytes=1000)  # type: ignore[arg-type]
    assert reply.status == 200
    assert reply.body.startswith(b'{"data"')
    assert again.body == reply.body


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
