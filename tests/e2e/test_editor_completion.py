"""Editor completion with the real yaml-language-server (VS Code's YAML extension, Neovim's
yamlls...), driven over LSP on stdio (issue 15, point 1).

An exported spec is opened with the server's default settings (only the schema store is
off: it would download a catalogue): its modeline must resolve offline, with no schema-load
error, and give completion and Markdown hover from the schema. The server comes from npm
(tests/tools/package.json, installed by ``npm ci --prefix tests/tools``).
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli, write_live_snapshot

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "tests" / "tools" / "node_modules" / "yaml-language-server" / "bin"
CONNECTION = {
    "id": "crm",
    "type": "salesforce",
    "join": {"attribute": "user_id", "type": "user_id"},
    "fields": [{"id": "nps", "source_name": "net_promoter_score", "type": "number"}],
}


class Client:
    """A minimal LSP client: requests by id, notifications kept, server requests answered."""

    def __init__(self, root: Path, settings: dict[str, Any]) -> None:
        node = shutil.which("node")
        if node is None or not (SERVER / "yaml-language-server").exists():
            pytest.fail("yaml-language-server is not installed: npm ci --prefix tests/tools")
        self.settings = settings
        self.process = subprocess.Popen(
            [node, str(SERVER / "yaml-language-server"), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": True}},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "publishDiagnostics": {},
                    },
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": settings}})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self._send({"id": wanted, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == wanted and "method" not in message:
                assert "error" not in message, message
                return message.get("result")

    def receive(self, timeout: float = 30) -> dict[str, Any]:
        message = self.messages.get(timeout=timeout)
        if "method" in message and "id" in message:  # a request of the server
            result: Any = None
            if message["method"] == "workspace/configuration":
                items = message["params"]["items"]
                result = [self.settings if i.get("section") == "yaml" else None for i in items]
            self._send({"id": message["id"], "result": result})
        elif "method" in message:
            self.notifications.append(message)
        return message

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The diagnostics the server publishes for ``uri`` after validating it."""
        while True:
            for note in self.notifications:
                published = note["method"] == "textDocument/publishDiagnostics"
                if published and note["params"]["uri"] == uri:
                    self.notifications.remove(note)
                    return list(note["params"]["diagnostics"])
            self.receive()

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})
        return uri

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """``driftcheck export`` of one connection into tmp_path/datadog."""
    snapshot = write_live_snapshot(tmp_path / "live.json", {"users": [CONNECTION]})
    out = str(tmp_path / "datadog")
    done = run_cli("export", "--entity", "users", "--live-snapshot", snapshot, "-o", out)
    assert done.code == 0, done.err
    return tmp_path / "datadog" / "users.yaml"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    lsp = Client(tmp_path, {"schemaStore": {"enable": False}})
    yield lsp
    lsp.close()


def position_after(text: str, needle: str) -> dict[str, int]:
    before = text[: text.index(needle) + len(needle)]
    return {"line": before.count("\n"), "character": len(before.rsplit("\n", 1)[-1])}


def test_an_exported_spec_loads_its_schema_offline(client: Client, exported: Path) -> None:
    text = exported.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=./driftcheck-spec.schema.json\n")
    uri = client.open(exported, text)
    assert client.diagnostics(uri) == []  # no "Unable to load schema", nothing invalid


def test_completion_offers_the_optional_field_attributes(client: Client, exported: Path) -> None:
    text = exported.read_text(encoding="utf-8")
    typed = text.replace("type: number\n", "type: number\n            \n", 1)
    uri = client.open(exported, typed)
    client.diagnostics(uri)
    where = position_after(typed, "type: number\n            ")
    result = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": where}
    )
    items = result["items"] if isinstance(result, dict) else result
    labels = {item["label"] for item in items}
    assert {"display_name", "description", "groups"} <= labels, labels


def test_hover_renders_the_schema_markdown(client: Client, exported: Path) -> None:
    text = exported.read_text(encoding="utf-8")
    uri = client.open(exported, text)
    client.diagnostics(uri)
    where = position_after(text, "    unmanaged_f")
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": where})
    value = hover["contents"]["value"]
    assert hover["contents"]["kind"] == "markdown"
    assert "`fail`" in value and "\\`" not in value  # backticks render as code, not escaped


def test_a_schema_error_is_shown_in_the_editor(client: Client, exported: Path) -> None:
    text = exported.read_text(encoding="utf-8").replace("type: number", "type: [number]", 1)
    uri = client.open(exported, text)
    messages = [d["message"] for d in client.diagnostics(uri)]
    assert any("Incorrect type" in m for m in messages), messages


def test_yaml_version_1_1_makes_the_editor_read_yes_as_driftcheck_does(
    tmp_path: Path, exported: Path
) -> None:
    """driftcheck reads YAML 1.1, where unquoted yes is a boolean; the server's default 1.2
    reads a string. With the documented setting the editor flags it like validate does."""
    text = exported.read_text(encoding="utf-8").replace(
        "type: number\n", "type: number\n            display_name: yes\n", 1
    )
    exported.write_text(text, encoding="utf-8")
    assert run_cli("validate", str(exported)).code == 3
    for version, flagged in (("1.2", False), ("1.1", True)):
        lsp = Client(tmp_path, {"schemaStore": {"enable": False}, "yamlVersion": version})
        try:
            messages = [d["message"] for d in lsp.diagnostics(lsp.open(exported, text))]
        finally:
            lsp.close()
        assert any("Incorrect type" in m for m in messages) is flagged, (version, messages)
