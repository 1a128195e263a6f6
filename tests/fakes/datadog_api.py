"""A fake Datadog data-connections API: a real HTTP server on 127.0.0.1, for tests and benchmarks.

It serves ``GET /api/v2/product-analytics/{entity}/mapping/connections`` from in-memory
state and the three writes (``POST …/mapping/connection``, ``PUT …/mapping/connection``,
``DELETE …/mapping/connection/{id}``, checked as in ``datadog_writes``), checks both key
headers, records every request (with its body), and injects scripted faults.

In a test, import ``fake_datadog_fixture`` and take the ``fake_datadog`` fixture. Elsewhere::

    with running(latency=0.2, connections={"users": [...]}) as fake:
        env = fake.env()  # DD_API_KEY, DD_APP_KEY, DRIFTCHECK_API_URL

Faults are queued per entity (or for ``ANY`` entity) and each one answers one request::

    fake.fail("users", rate_limited(reset="3"), server_error(503))  # then normal answers
    fake.fail_always("accounts", html_page(502))                     # a persistent outage
    fake.fail_writes("users", after_applying(server_error(502)))     # writes only

A fault stops a write from taking effect, except a pure delay (``slow``) and a fault wrapped
in ``after_applying`` (the server applied it, then the answer failed or came too late).

Auth shapes (Datadog does not document them for this endpoint; these follow its other v2
APIs): a missing or wrong API key -> 403 ``{"errors": ["Forbidden"]}``; a missing or wrong
application key -> 401 ``{"errors": [{"status": "401", "title": "Unauthorized", ...}]}``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import unquote

import pytest

from fakes import datadog_writes as writes

API_KEY = "fakeapikey0123456789abcdef012345"
APP_KEY = "fakeappkey0123456789abcdef0123456789abcd"
ANY = "*"
PREFIX = "/api/v2/product-analytics/"
SUFFIX = "/mapping/connections"
WRITE_SUFFIX = "/mapping/connection"

#: Headers the real API sends on every answer (values as in Datadog's recorded cassettes).
RATE_HEADERS = {
    "x-ratelimit-limit": "1000",
    "x-ratelimit-period": "60",
    "x-ratelimit-remaining": "999",
    "x-ratelimit-reset": "37",
    "x-ratelimit-name": "product_analytics_connections",
}


def sample_connection(conn_id: str = "user-profiles-connection", **changes: Any) -> dict[str, Any]:
    """A connection as the API returns it (the OpenAPI example's shape), with ``changes``."""
    connection: dict[str, Any] = {
        "id": conn_id,
        "type": "ref_table",
        "join": {"attribute": "user_email", "type": "email"},
        "fields": [
            {
                "id": "customer_tier",
                "source_name": "subscription_tier",
                "type": "string",
                "display_name": "Customer Tier",
                "description": "Customer subscription tier",
                "groups": ["Business", "Subscription"],
            },
            {
                "id": "signup_source",
                "source_name": "acquisition_channel",
                "type": "string",
                "display_name": "Signup Source",
                "description": "Channel through which user signed up",
                "groups": ["Marketing", "Attribution"],
            },
        ],
        "metadata": {"owner": "growth"},
        "created_at": "2026-10-01T08:00:00Z",
        "created_by": "00000000-0000-0000-0000-000000000000",
        "updated_at": "2026-11-20T10:02:11Z",
        "updated_by": "jane.doe@example.com",
    }
    connection.update(changes)
    return connection


@dataclass(frozen=True)
class Fault:
    """How to answer one request instead of the normal answer.

    ``body=None`` serves the normal answer (status, body, headers), modified by ``delay``,
    ``drop``, ``truncate`` and ``wait_for``; a body replaces it. ``drop`` closes the connection
    before any answer or in the middle of the body. ``delay`` (seconds, real) comes on top
    of the server's latency; ``wait_for`` holds the answer until the event is set (max 5 s).
    """

    status: int = 200
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0
    drop: Literal["before_response", "mid_body"] | None = None
    truncate: bool = False
    wait_for: threading.Event | None = None
    apply: bool = False  # a write takes effect although this fault answers it


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def rate_limited(reset: str | None = "1", *, retry_after: str | None = None) -> Fault:
    """A 429 with ``X-RateLimit-Reset`` (relative seconds; any junk string is sent as given)."""
    headers = {**RATE_HEADERS, "x-ratelimit-remaining": "0"}
    headers.pop("x-ratelimit-reset")
    if reset is not None:
        headers["x-ratelimit-reset"] = reset
    if retry_after is not None:
        headers["retry-after"] = retry_after
    return Fault(429, _json({"errors": ["Too many requests"]}), headers)


def server_error(status: int = 500, *, retry_after: str | None = None) -> Fault:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return Fault(status, _json({"errors": ["Internal Server Error"]}), headers)


def error(status: int, *errors: str | Mapping[str, str]) -> Fault:
    """An error answer with a Datadog ``{"errors": [...]}`` body (strings or objects)."""
    return Fault(status, _json({"errors": list(errors)}))


def raw(
    body: bytes | str,
    *,
    status: int = 200,
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
) -> Fault:
    """Any body, as given (invalid JSON, wrong shapes, ...)."""
    data = body.encode() if isinstance(body, str) else body
    return Fault(status, data, dict(headers or {}), content_type)


def html_page(status: int = 502, title: str = "502 Bad Gateway") -> Fault:
    page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
    return raw(page, status=status, content_type="text/html; charset=utf-8")


def empty(status: int = 200) -> Fault:
    return Fault(status, b"")


def slow(seconds: float) -> Fault:
    """The normal answer, ``seconds`` late."""
    return Fault(delay=seconds)


def dropped() -> Fault:
    """The connection is closed without an answer."""
    return Fault(drop="before_response")


def dropped_mid_body() -> Fault:
    """Headers announce the whole body, half of it is sent, then the connection closes."""
    return Fault(drop="mid_body")


def truncated() -> Fault:
    """The first half of the normal body, with a matching Content-Length (valid HTTP, bad JSON)."""
    return Fault(truncate=True)


def after_applying(fault: Fault) -> Fault:
    """``fault`` as the answer to a write that the server did apply (the lost-answer case)."""
    return dataclasses.replace(fault, apply=True)


def held(event: threading.Event, then: Fault | None = None) -> Fault:
    """``then`` (default: the normal answer), once ``event`` is set."""
    base = then or Fault()
    return Fault(
        base.status,
        base.body,
        base.headers,
        base.content_type,
        base.delay,
        base.drop,
        base.truncate,
        event,
    )


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; header names are lower case."""

    method: str
    path: str
    entity: str | None
    headers: Mapping[str, str]
    client_port: int  # tells pooled (reused) connections from new ones
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


class FakeDatadog:
    """The fake API. ``url`` is set once started (``start()`` or ``with``)."""

    def __init__(
        self,
        *,
        connections: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
        latency: float = 0.0,
        api_key: str = API_KEY,
        app_key: str = APP_KEY,
    ) -> None:
        self.latency, self.api_key, self.app_key = latency, api_key, app_key
        self._lock = threading.Lock()
        self._state: dict[str, list[dict[str, Any]]] = {}
        self._queues: dict[str, list[Fault]] = {}
        self._always: dict[str, Fault] = {}
        self._write_queues: dict[str, list[Fault]] = {}
        self._requests: list[RecordedRequest] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        for entity, items in (connections or {}).items():
            self.set_connections(entity, items)

    # ------------------------------------------------------------ scripting

    def set_connections(self, entity: str, connections: Sequence[Mapping[str, Any]]) -> None:
        """The live connections of ``entity`` (an entity never set answers 404)."""
        with self._lock:
            self._state[entity] = copy.deepcopy([dict(c) for c in connections])

    def fail(self, entity: str, *faults: Fault) -> None:
        """Answer the next requests for ``entity`` (or ``ANY``) with ``faults``, in order."""
        with self._lock:
            self._queues.setdefault(entity, []).extend(faults)

    def fail_writes(self, entity: str, *faults: Fault) -> None:
        """Answer the next writes (POST, PUT, DELETE) of ``entity`` (or ``ANY``) in order."""
        with self._lock:
            self._write_queues.setdefault(entity, []).extend(faults)

    def connections(self, entity: str) -> list[dict[str, Any]]:
        """The live connections of ``entity`` now (a fresh copy)."""
        with self._lock:
            return copy.deepcopy(self._state[entity])

    def connection(self, entity: str, conn_id: str) -> dict[str, Any] | None:
        return next((c for c in self.connections(entity) if c["id"] == conn_id), None)

    @property
    def writes(self) -> list[RecordedRequest]:
        """The write requests received, in order."""
        return [r for r in self.requests if r.method != "GET"]

    def fail_always(self, entity: str, fault: Fault) -> None:
        """Answer every request for ``entity`` (or ``ANY``) with ``fault`` once queues are empty."""
        with self._lock:
            self._always[entity] = fault

    def response_body(self, entity: str) -> dict[str, Any]:
        """The body the fake serves for ``entity`` (a fresh copy)."""
        with self._lock:
            connections = copy.deepcopy(self._state[entity])
        return {
            "data": {
                "id": "list_connections_response",
                "type": "list_connections_response",
                "attributes": {"connections": connections},
            }
        }

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, entity: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.entity == entity]

    def env(self) -> dict[str, str]:
        """Environment variables that point driftcheck at this fake."""
        return {
            "DD_API_KEY": self.api_key,
            "DD_APP_KEY": self.app_key,
            "DRIFTCHECK_API_URL": self.url,
        }

    # ------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        assert self._server is not None, "the fake is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeDatadog:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeDatadog:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ serving

    def _record_and_pick(self, request: RecordedRequest) -> Fault | None:
        with self._lock:
            self._requests.append(request)
            if request.method != "GET":
                for key in (request.entity, ANY):
                    if key is not None and self._write_queues.get(key):
                        return self._write_queues[key].pop(0)
            for key in (request.entity, ANY):
                if key is not None and self._queues.get(key):
                    return self._queues[key].pop(0)
            for key in (request.entity, ANY):
                if key is not None and key in self._always:
                    return self._always[key]
        return None

    def _normal(self, entity: str | None, headers: Mapping[str, str]) -> Fault:
        if headers.get("dd-api-key") != self.api_key:
            return error(403, "Forbidden")
        if headers.get("dd-application-key") != self.app_key:
            return error(
                401,
                {
                    "status": "401",
                    "title": "Unauthorized",
                    "detail": "Application key is missing or invalid",
                },
            )
        with self._lock:
            known = entity in self._state
        if entity is None or not known:
            return error(404, {"status": "404", "title": "Not Found"})
        return Fault(200, _json(self.response_body(entity)), RATE_HEADERS)

    def _write(self, request: RecordedRequest, route: tuple[str, str | None]) -> Fault:
        """Perform one write on the state; its answer (an error leaves the state as it was)."""
        denied = self._normal(request.entity, request.headers)
        if denied.status != 200:
            return denied
        action, conn_id = route
        if action == "update_or_create":
            action = {"POST": "create", "PUT": "update"}.get(request.method, "")
        if (action, request.method) not in (
            ("create", "POST"),
            ("update", "PUT"),
            ("delete", "DELETE"),
        ):
            return error(405, "Method Not Allowed")
        try:
            body = json.loads(request.body) if action != "delete" else None
        except ValueError:
            return error(400, "the body is not valid JSON")
        assert request.entity is not None
        with self._lock:
            state = copy.deepcopy(self._state[request.entity])
            try:
                if action == "create":
                    writes.create(state, body)
                elif action == "update":
                    writes.update(state, body)
                else:
                    writes.delete(state, conn_id or "")
            except writes.Refused as refused:
                return error(refused.status, *refused.messages)
            self._state[request.entity] = state
        return Fault({"create": 201, "update": 200, "delete": 204}[action], b"", RATE_HEADERS)


@contextmanager
def running(**options: Any) -> Iterator[FakeDatadog]:
    """A started fake for use outside pytest (benchmarks, manual runs); options as FakeDatadog."""
    with FakeDatadog(**options) as fake:
        yield fake


@pytest.fixture(name="fake_datadog")
def fake_datadog_fixture() -> Iterator[FakeDatadog]:
    """The ``fake_datadog`` fixture: a started fake with no entities, stopped after the test.

    Import ``fake_datadog_fixture`` into a test module to make ``fake_datadog`` available.
    """
    with running() as fake:
        yield fake


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that gave up (timeout) broke the pipe: expected, not news
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real API: the client pools connections
    disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms ACK stalls
    fake: FakeDatadog

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read the recorded requests instead

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        route = _write_route(self.path)
        entity = _entity(self.path) if route is None else route[0]
        request = RecordedRequest(method, self.path, entity, headers, self.client_address[1], body)
        fault = self.fake._record_and_pick(request)
        if route is None:
            normal = self.fake._normal(entity, headers)
            if method != "GET":
                normal = error(405, "Method Not Allowed")
        elif fault is None or fault.apply or (fault.body is None and fault.drop is None):
            normal = self.fake._write(request, route[1:])
        else:
            normal = Fault(500, _json({"errors": ["not applied"]}))  # never sent: fault wins
        answer = fault or normal
        if answer.wait_for is not None:
            answer.wait_for.wait(timeout=5)
        if self.fake.latency or answer.delay:
            time.sleep(self.fake.latency + answer.delay)
        self._send(answer, normal)

    def _send(self, answer: Fault, normal: Fault) -> None:
        if answer.drop == "before_response":
            self.close_connection = True
            return
        # A fault without a body modifies the normal answer (delay, drop, truncation).
        base = normal if answer.body is None else answer
        body = base.body or b""
        if answer.truncate:
            body = body[: len(body) // 2]
        self.send_response(base.status)
        self.send_header("Content-Type", base.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in base.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if answer.drop == "mid_body":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(body)


def _write_route(path: str) -> tuple[str, str, str | None] | None:
    """(entity, action, connection id) of a write path, or None for any other path."""
    route = path.split("?", 1)[0]
    if not route.startswith(PREFIX):
        return None
    rest = route[len(PREFIX) :]
    entity, sep, tail = rest.partition("/")
    if not sep or not entity:
        return None
    tail = "/" + tail
    if tail == WRITE_SUFFIX:
        return unquote(entity), "update_or_create", None
    prefix = WRITE_SUFFIX + "/"
    if tail.startswith(prefix) and "/" not in tail[len(prefix) :] and tail[len(prefix) :]:
        return unquote(entity), "delete", unquote(tail[len(prefix) :])
    return None


def _entity(path: str) -> str | None:
    route = path.split("?", 1)[0]
    if route.startswith(PREFIX) and route.endswith(SUFFIX):
        name = route[len(PREFIX) : -len(SUFFIX)]
        return unquote(name) if name and "/" not in name else None
    return None
