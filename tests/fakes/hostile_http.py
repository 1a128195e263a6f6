"""A hostile HTTP server on 127.0.0.1: it answers slowly, never, or without end.

Each behaviour is bounded so that it stops by itself (after ``limit`` seconds, or when the
server stops), whatever the client does::

    with hostile("drip_headers", interval=0.05) as server:
        server.url  # http://127.0.0.1:PORT

Behaviours:
- ``drip_headers``: a valid answer whose status line and headers arrive one byte per ``interval``;
- ``drip_body``: headers at once, then a valid JSON body one byte per ``interval``;
- ``silent``: accepts the connection, reads the request, never answers;
- ``endless``: headers at once, then a chunked body that never ends (16 KiB per ``interval``).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

BODY = b'{"data": {"id": "x", "type": "list_connections_response", "attributes": {}}}'
BEHAVIOURS = ("drip_headers", "drip_body", "silent", "endless")


@dataclass
class HostileServer:
    behaviour: str
    interval: float = 0.05
    limit: float = 10.0  # seconds any one connection is served at most
    tls: ssl.SSLContext | None = None  # serve https (``silent`` then never completes a handshake)
    url: str = ""
    connections: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def serve(self, listener: socket.socket) -> None:
        listener.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        ends = time.monotonic() + self.limit
        with contextlib.suppress(OSError), contextlib.ExitStack() as held:
            held.enter_context(conn)
            conn.settimeout(self.limit)
            if self.tls is not None:
                if self.behaviour == "silent":  # TCP accepted, not a byte of TLS
                    self._stop.wait(self.limit)
                    return
                conn = held.enter_context(self.tls.wrap_socket(conn, server_side=True))
            _read_request(conn)
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + (
                    "Transfer-Encoding: chunked\r\n"
                    if self.behaviour == "endless"
                    else f"Content-Length: {len(BODY)}\r\n"
                )
                + "\r\n"
            ).encode()
            if self.behaviour == "silent":
                self._stop.wait(self.limit)
            elif self.behaviour == "drip_headers":
                self._drip(conn, head + BODY, ends)
            elif self.behaviour == "drip_body":
                conn.sendall(head)
                self._drip(conn, BODY, ends)
            elif self.behaviour == "endless":
                conn.sendall(head)
                chunk = b"4000\r\n" + b" " * 0x4000 + b"\r\n"
                while time.monotonic() < ends and not self._stop.wait(self.interval):
                    conn.sendall(chunk)

    def _drip(self, conn: socket.socket, data: bytes, ends: float) -> None:
        for index in range(len(data)):
            if time.monotonic() > ends or self._stop.wait(self.interval):
                return
            conn.sendall(data[index : index + 1])


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        part = conn.recv(4096)
        if not part:
            return
        data += part


@contextlib.contextmanager
def hostile(
    behaviour: str,
    *,
    interval: float = 0.05,
    limit: float = 10.0,
    tls: ssl.SSLContext | None = None,
) -> Iterator[HostileServer]:
    """A started hostile server, stopped (with every connection it holds) on exit."""
    assert behaviour in BEHAVIOURS, behaviour
    server = HostileServer(behaviour, interval, limit, tls)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    scheme = "https" if tls is not None else "http"
    server.url = f"{scheme}://127.0.0.1:{listener.getsockname()[1]}"
    thread = threading.Thread(target=server.serve, args=(listener,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server._stop.set()
        thread.join(5)
        listener.close()
