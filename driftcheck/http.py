"""One bounded HTTP request: a real total deadline, a cap on the body, no redirects, and no
proxy between driftcheck and a loopback server.

Every client of driftcheck (the Datadog reads, the Datadog writes, the GitHub comment) sends
its requests through :func:`send`, on a session made by :func:`new_session`.

Why a watchdog: a socket timeout restarts with every byte, so a server that sends its headers
or its body one byte a second would hold a request for as long as it likes, whatever the
timeout. Here a timer shuts the connection's socket down when the request's time is up, which
ends any read or write blocked on it at once; the request then fails as ``deadline``. The time
given to a request covers connecting (also bounded by the connect timeout), sending, the
headers and the whole body. Name resolution is not covered: it is the system resolver's.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
import requests.adapters
import requests.structures
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

CONNECT_TIMEOUT = 10.0  # seconds to establish a connection (never more than the time left)
READ_TIMEOUT = 30.0  # seconds of silence tolerated between two reads (ditto)
_RACE = 0.05  # seconds: a failure this close to the end of the request's time is "deadline"

Kind = Literal["deadline", "too_large", "connect_timeout", "timeout", "tls", "connection", "other"]


class HttpFailure(Exception):
    """No complete answer. ``kind`` says why; the text never holds a header value.

    ``deadline``: the request's time ran out (whatever the server was doing);
    ``too_large``: the body passed the cap; ``connect_timeout``: no connection in time
    (the request was never sent); ``timeout``: the server fell silent; ``tls``;
    ``connection``: refused, reset or cut off; ``other``.
    """

    def __init__(self, kind: Kind, detail: str) -> None:
        super().__init__(detail)
        self.kind: Kind = kind
        self.detail = detail


@dataclass(frozen=True, kw_only=True)
class Reply:
    """A complete answer: status, headers (case-insensitive), the whole body, the time taken."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    seconds: float
    links: Mapping[str, Mapping[str, str]]  # parsed Link header, e.g. links["next"]["url"]


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ``::1``).

    ``localhost.`` (with the root dot) is not loopback: it is a fully qualified name that
    the resolver may send to DNS, so it can name any machine.
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_session(pool_size: int = 1) -> requests.Session:
    """A session whose connections the deadline watchdog of :func:`send` can cut."""
    session = requests.Session()
    adapter = _WatchedAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    seconds: float,
    max_bytes: int,
    headers: Mapping[str, str] | None = None,
    json: Any = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    on_time: Callable[[], bool] = lambda: True,
) -> Reply:
    """Send one request and read its whole answer within ``seconds`` of real time.

    Redirects are answers (a 3xx is returned, never followed); the environment's proxies are
    not used for a loopback host. ``on_time`` is asked between chunks of the body too (the
    caller's own clock, which tests make virtual). Raises :class:`HttpFailure`.
    """
    if not seconds > 0:
        raise HttpFailure("deadline", "no time was left for the request")
    timeouts = (min(connect_timeout, seconds), min(read_timeout, seconds))
    host = urlsplit(url).hostname or ""
    proxies = {"http": None, "https": None, "all": None} if is_loopback(host) else None
    watch = _Watch(seconds)
    started = time.monotonic()
    try:
        with watch:
            response = session.request(
                method,
                url,
                headers=dict(headers or {}),
                json=json,
                timeout=timeouts,
                stream=True,
                allow_redirects=False,
                proxies=proxies,  # type: ignore[arg-type]
            )
            with response:
                body = _body(response, max_bytes, watch, on_time)
    except HttpFailure:
        raise
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        # A socket timeout that ends with the request's time is the deadline too (it races
        # the watchdog when the server is silent to the end).
        if watch.fired or time.monotonic() - started >= seconds - _RACE:
            raise _late(seconds) from exc
        raise _failure(exc) from exc
    if watch.fired:  # the socket was cut: what arrived may be a part that looks whole
        raise _late(seconds)
    return Reply(
        status=response.status_code,
        headers=requests.structures.CaseInsensitiveDict(response.headers),
        body=body,
        seconds=time.monotonic() - started,
        links=response.links,
    )


def _body(
    response: requests.Response, max_bytes: int, watch: _Watch, on_time: Callable[[], bool]
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise HttpFailure("too_large", f"the body is larger than {max_bytes} bytes")
        if watch.fired or not on_time():
            raise HttpFailure("deadline", "the body was still arriving at the deadline")
        chunks.append(chunk)
    return b"".join(chunks)


def _late(seconds: float) -> HttpFailure:
    return HttpFailure("deadline", f"the answer was not complete within {seconds:.1f} s")


def _failure(exc: BaseException) -> HttpFailure:
    name = type(exc).__name__
    if isinstance(exc, requests.exceptions.SSLError):
        return HttpFailure("tls", "the TLS handshake failed (certificate or proxy problem)")
    if isinstance(exc, requests.ConnectTimeout):
        return HttpFailure("connect_timeout", f"no connection in time ({name})")
    if isinstance(exc, requests.Timeout):
        return HttpFailure("timeout", f"the server fell silent ({name})")
    if isinstance(
        exc,
        (
            requests.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ),
    ) or (
        not isinstance(exc, requests.RequestException)
        and isinstance(exc, (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError))
    ):
        return HttpFailure("connection", f"the connection failed ({name})")
    return HttpFailure("other", f"the request failed ({name})")


# ------------------------------------------------------------ the watchdog

_current = threading.local()  # the _Watch of the request this thread is sending


class _Watch:
    """A timer that shuts down the socket of the connection in use when time is up."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._connection: HTTPConnection | None = None
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watch:
        _current.watch = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _current.watch = None

    def attach(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connection = connection
            if self.fired:
                _cut(connection)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._connection is not None:
                _cut(self._connection)


def _cut(connection: HTTPConnection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        # The plain socket's shutdown, also under TLS: it ends a read blocked in the SSL layer.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _attach(connection: HTTPConnection) -> None:
    watch = getattr(_current, "watch", None)
    if watch is not None:
        watch.attach(connection)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        _attach(self)
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)  # a pooled connection is reused without connect()
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        _attach(self)
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if hasattr(manager, "pool_classes_by_scheme") and not proxy.startswith("socks"):
            manager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
        return manager
