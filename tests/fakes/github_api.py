"""A fake GitHub REST API for issue comments, served on 127.0.0.1 by a test fixture.

It implements the three endpoints ``driftcheck comment`` uses, with GitHub's pagination
(``per_page``, ``page``, a ``Link`` header) and authentication (``Authorization: Bearer``):

- ``GET   {prefix}/repos/{owner}/{repo}/issues/{number}/comments``
- ``POST  {prefix}/repos/{owner}/{repo}/issues/{number}/comments``
- ``PATCH {prefix}/repos/{owner}/{repo}/issues/comments/{id}``

``prefix`` is ``""`` for github.com and ``"/api/v3"`` for GitHub Enterprise Server. Faults are
scripted with :meth:`FakeGitHub.fail_next`; ``read_only`` answers writes as GitHub answers a
pull request from a fork (403 "Resource not accessible by integration").
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BOT = {"login": "github-actions[bot]", "type": "Bot"}


@dataclass
class Fault:
    """One scripted answer that replaces the normal one for a matching request."""

    method: str
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # never answer (until the server stops): exercises the client timeout


@dataclass
class Seen:
    """A request as the fake received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


class FakeGitHub:
    """State and behaviour of the fake; :func:`serve` puts it on a loopback port."""

    def __init__(
        self,
        *,
        token: str = "ghs_fake_token_1234",
        repository: str = "octo/specs",
        prefix: str = "",
    ) -> None:
        self.token = token
        self.repository = repository
        self.prefix = prefix
        self.read_only = False
        self.login = BOT["login"]  # whom the token acts for: the author of created comments
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.requests: list[Seen] = []
        self.faults: list[Fault] = []
        self.release = threading.Event()
        self.url = ""
        self._next_id = 1000
        self._lock = threading.Lock()

    # ------------------------------------------------------------ test helpers

    def add_comment(self, number: int, body: str, user: dict[str, str] | None = None) -> int:
        """Seed a comment on pull request ``number``; returns its id."""
        with self._lock:
            self._next_id += 1
            comment = {
                "id": self._next_id,
                "body": body,
                "user": user or BOT,
                "html_url": f"https://github.com/{self.repository}/pull/{number}"
                f"#issuecomment-{self._next_id}",
            }
            self.comments.setdefault(number, []).append(comment)
            return self._next_id

    def fail_next(
        self,
        method: str,
        status: int,
        body: str | dict[str, Any] = "",
        headers: dict[str, str] | None = None,
        *,
        times: int = 1,
        hang: bool = False,
    ) -> None:
        """Answer the next ``times`` requests with ``method`` (or ``"*"``) by this fault."""
        text = body if isinstance(body, str) else json.dumps(body)
        for _ in range(times):
            self.faults.append(Fault(method, status, text, dict(headers or {}), hang))

    def bodies(self, number: int) -> list[str]:
        return [comment["body"] for comment in self.comments.get(number, [])]

    def writes(self) -> list[Seen]:
        return [seen for seen in self.requests if seen.method in ("POST", "PATCH")]

    # ------------------------------------------------------------ request handling

    def handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], str]:
        parts = urlsplit(target)
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append(Seen(method, parts.path, parse_qs(parts.query), headers, body))
            fault = self._take_fault(method)
        if fault is not None:
            if fault.hang:
                self.release.wait(10)
            return fault.status, fault.headers, fault.body
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {}, json.dumps({"message": "Bad credentials"})
        return self._route(method, parts.path, parse_qs(parts.query), body)

    def _take_fault(self, method: str) -> Fault | None:
        for index, fault in enumerate(self.faults):
            if fault.method in (method, "*"):
                return self.faults.pop(index)
        return None

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, dict[str, str], str]:
        repo = re.escape(self.repository)
        listing = re.fullmatch(rf"{self.prefix}/repos/{repo}/issues/(\d+)/comments", path)
        single = re.fullmatch(rf"{self.prefix}/repos/{repo}/issues/comments/(\d+)", path)
        if listing and method == "GET":
            return self._list(int(listing.group(1)), path, query)
        if method in ("POST", "PATCH") and self.read_only:
            return (
                403,
                {},
                json.dumps({"message": "Resource not accessible by integration", "status": "403"}),
            )
        if listing and method == "POST":
            author = {"login": self.login, "type": "Bot"}
            comment_id = self.add_comment(int(listing.group(1)), body["body"], user=author)
            return 201, {}, json.dumps(self._find(comment_id))
        if single and method == "PATCH":
            comment = self._find(int(single.group(1)))
            if comment is None:
                return 404, {}, json.dumps({"message": "Not Found"})
            comment["body"] = body["body"]
            return 200, {}, json.dumps(comment)
        return 404, {}, json.dumps({"message": "Not Found"})

    def _list(
        self, number: int, path: str, query: dict[str, list[str]]
    ) -> tuple[int, dict[str, str], str]:
        per_page = min(int(query.get("per_page", ["30"])[0]), 100)
        page = int(query.get("page", ["1"])[0])
        comments = self.comments.get(number, [])
        chunk = comments[(page - 1) * per_page : page * per_page]
        headers = {}
        last = max(1, -(-len(comments) // per_page))
        if page < last:
            base = f"{self.url}{path}?per_page={per_page}"
            headers["Link"] = (
                f'<{base}&page={page + 1}>; rel="next", <{base}&page={last}>; rel="last"'
            )
        return 200, headers, json.dumps(chunk)

    def _find(self, comment_id: int) -> dict[str, Any] | None:
        for comments in self.comments.values():
            for comment in comments:
                if comment["id"] == comment_id:
                    return comment
        return None


def _handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, extra, text = fake.handle(self.command, self.path, headers, raw)
            payload = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    return Handler


def serve(fake: FakeGitHub) -> Iterator[FakeGitHub]:
    """Run ``fake`` on 127.0.0.1 for the duration of a fixture; sets ``fake.url``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
