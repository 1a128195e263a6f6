"""Secrets: with recognisable DD_API_KEY, DD_APP_KEY, DD_APPLICATION_KEY and GITHUB_TOKEN
values, every command on every path (success, each failure, ``--debug``) keeps them out of
stdout, stderr, reports, the job summary, snapshots and exported files.

``main`` masks the key values in everything it prints (``RedactingStream``), so the first
tests take that last line of defence away, and the masking inside ``live`` and ``github``
too: what remains must hold no key because driftcheck never formats one into a message.
The last tests run the product as shipped against servers that echo the keys back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakes import VirtualTime
from fakes.datadog_api import (
    FakeDatadog,
    Fault,
    dropped,
    error,
    html_page,
    rate_limited,
    raw,
    running,
    sample_connection,
    server_error,
    truncated,
)
from fakes.github_api import FakeGitHub, serve
from helpers import pull_request_env, run_cli

import driftcheck.cli
from driftcheck.cli import context
from driftcheck.github import sticky as github
from driftcheck.live import client as live
from driftcheck.live.client import Credentials, read_live, resolve_target

API_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90"  # 32 hex digits, as Datadog's
APP_KEY = "f0e1d2c3b4a5968778695a4b3c2d1e0f12345678"  # 40 hex digits
SPARE_APP_KEY = "0badc0ffee0badc0ffee0badc0ffee0badc0ffee"  # DD_APPLICATION_KEY, unused
TOKEN = "ghs_Zq8XkP2mW7vR4tY9uB3nC6dF1gH5jL0aS2eQ"
SECRETS = (API_KEY, APP_KEY, SPARE_APP_KEY, TOKEN)


def leaked(text: str) -> list[str]:
    """The secrets found in ``text``, whole or as any 12-character piece of them."""
    return [s for s in SECRETS if any(s[i : i + 12] in text for i in range(0, len(s) - 11))]


# ------------------------------------------------------------ the world


@dataclass
class World:
    datadog: FakeDatadog
    github: FakeGitHub
    tmp: Path
    env: dict[str, str]
    clock: VirtualTime

    def run(self, *argv: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        """Exit code and everything printed, on the virtual clock."""
        code, out, err = run_cli(*argv, env=env or self.env, clock=self.clock)
        return code, out + err

    def files(self) -> str:
        """Everything driftcheck wrote, read back as text."""
        found = [p for p in self.tmp.rglob("*") if p.is_file() and p.name != "event.json"]
        return "\n".join(p.read_text("utf-8", errors="replace") for p in found)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    users = [sample_connection(), sample_connection("crm", metadata={"owner": "sales"})]
    with running(
        api_key=API_KEY, app_key=APP_KEY, connections={"users": users, "accounts": []}
    ) as datadog:
        for gh in serve(FakeGitHub(token=TOKEN)):
            env = {
                "DD_API_KEY": API_KEY,
                "DD_APP_KEY": APP_KEY,
                "DD_APPLICATION_KEY": SPARE_APP_KEY,
                "DRIFTCHECK_API_URL": datadog.url,
                "GITHUB_TOKEN": TOKEN,
                "GITHUB_ACTIONS": "true",
                **pull_request_env(gh, tmp_path, number=7, sha="b" * 40),
                "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_SHA": "b" * 40,
                "GITHUB_STEP_SUMMARY": str(tmp_path / "out" / "summary.md"),
            }
            (tmp_path / "out").mkdir()
            specs = tmp_path / "specs"
            specs.mkdir()
            (specs / "users.yaml").write_text(
                "version: 1\nentities:\n  users:\n    unmanaged_connections: warn\n"
                "    connections:\n      - id: crm\n        type: ref_table\n"
                "        join: {attribute: user_email, type: email}\n",
                encoding="utf-8",
            )
            (specs / "accounts.yaml").write_text(
                "version: 1\nentities:\n  accounts:\n    connections: []\n", encoding="utf-8"
            )
            yield World(datadog, gh, tmp_path, env, VirtualTime())


def every_command(world: World, debug: bool) -> list[tuple[list[str], int, str]]:
    """Run every command once (check in every format, with every output file)."""
    out, specs = world.tmp / "out", str(world.tmp / "specs")
    prefix = ["--debug"] if debug else []
    runs = [
        ["validate", specs],
        [
            "check",
            specs,
            "--report-json",
            str(out / "report.json"),
            "--report-markdown",
            str(out / "report.md"),
            "--output",
            str(out / "check.txt"),
        ],
        *(["check", specs, "--format", fmt] for fmt in ("text", "json", "markdown", "github")),
        ["snapshot", specs, "-o", str(out / "live.json")],
        ["export", "-o", str(out / "exported"), "--force"],
        ["comment", str(out / "report.json")],
    ]
    results = []
    for argv in runs:
        code, text = world.run(*prefix, *argv)
        results.append((argv, code, text))
    return results


def assert_nothing_leaked(world: World, results: list[tuple[list[str], int, str]]) -> None:
    for argv, code, text in results:
        assert not leaked(text), (argv, code, text)
        assert "Traceback" not in text or "--debug" in argv, text
    assert not leaked(world.files())


# ------------------------------------------------------------ without the last line of defence


class PlainStream:
    """RedactingStream's stand-in that masks nothing."""

    def __init__(self, stream: Any, secrets: tuple[str, ...]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return int(self._stream.write(text))

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return False


@pytest.fixture
def unmasked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driftcheck.cli, "RedactingStream", PlainStream)
    monkeypatch.setattr(live, "redact", lambda text, secrets: text)
    monkeypatch.setattr(live, "redact_bytes", lambda data, secrets: data)
    monkeypatch.setattr(live, "redact_data", lambda value, secrets: value)
    monkeypatch.setattr(context, "redact", lambda text, secrets: text)
    monkeypatch.setattr(github, "redact", lambda text, secrets: text)


DATADOG_FAULTS: dict[str, Fault | None] = {
    "success": None,
    "401": error(401, {"status": "401", "title": "Unauthorized"}),
    "403": error(403, "Forbidden"),
    "404": error(404, {"status": "404", "title": "Not Found"}),
    "persistent 429": rate_limited("1"),
    "persistent 503": server_error(503),
    "HTML page": html_page(502),
    "dropped": dropped(),
    "truncated": truncated(),
}
GITHUB_FAULTS: dict[str, tuple[int, str] | None] = {
    "success": None,
    "401": (401, "Bad credentials"),
    "403": (403, "Forbidden"),
    "404": (404, "Not Found"),
}


# Each Datadog fault meets each GitHub fault in turn (the two never interact).
PAIRS = [
    pytest.param(dd, gh, id=f"datadog {dd_name}, github {gh_name}")
    for (dd_name, dd), (gh_name, gh) in zip(
        DATADOG_FAULTS.items(), [*GITHUB_FAULTS.items()] * 3, strict=False
    )
]


@pytest.mark.usefixtures("unmasked")
@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
@pytest.mark.parametrize(("dd_fault", "gh_fault"), PAIRS)
def test_no_command_ever_formats_a_key_into_what_it_writes(
    world: World, dd_fault: Fault | None, gh_fault: tuple[int, str] | None, debug: bool
) -> None:
    if dd_fault is not None:
        world.datadog.fail_always("*", dd_fault)
    if gh_fault is not None:
        world.github.fail_next("*", gh_fault[0], {"message": gh_fault[1]}, times=10)
    results = every_command(world, debug)
    assert_nothing_leaked(world, results)
    codes = {
        argv[0] + ("-" + argv[-1] if argv[0] == "check" else ""): code for argv, code, _ in results
    }
    assert codes["snapshot"] == (0 if dd_fault is None else 4)
    if dd_fault is None:  # every kind of file was written, and read back above
        written = {p.name for p in (world.tmp / "out").rglob("*")}
        assert {
            "report.json",
            "report.md",
            "check.txt",
            "summary.md",
            "live.json",
            "users.yaml",
            "accounts.yaml",
        } <= written
    if debug:
        assert any("DD-API-KEY: ***" in text for _, _, text in results)


ENV_MISTAKES: dict[str, dict[str, str]] = {
    "api key with spaces": {"DD_API_KEY": f" {API_KEY} x"},  # a key that cannot be sent
    "app key with a newline": {"DD_APP_KEY": f"{APP_KEY}\n{APP_KEY}"},
    "only DD_APPLICATION_KEY": {"DD_APP_KEY": ""},  # used instead, and refused by the fake
    "no api key": {"DD_API_KEY": ""},
    "key in the API URL": {"DRIFTCHECK_API_URL": f"http://user:{API_KEY}@127.0.0.1:1"},
    "plain http elsewhere": {"DRIFTCHECK_API_URL": "http://10.0.0.1/"},
    # A key pasted as the site is repeated in the error like any unknown site: only the
    # masking of every output keeps it out, so this one runs as shipped only.
    "key as the site": {"DD_SITE": API_KEY, "DRIFTCHECK_API_URL": ""},
}


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
@pytest.mark.parametrize(
    ("env_change", "masked"),
    [
        pytest.param(change, masked, id=f"{name}, {'as shipped' if masked else 'unmasked'}")
        for name, change in ENV_MISTAKES.items()
        for masked in (True, False)
        if masked or "DD_SITE" not in change
    ],
)
def test_credential_and_usage_errors_never_show_a_key(
    world: World,
    env_change: dict[str, str],
    debug: bool,
    masked: bool,
    request: pytest.FixtureRequest,
) -> None:
    if not masked:
        request.getfixturevalue("unmasked")
    env = {**world.env, **env_change}
    argv = ["--debug"] if debug else []
    for command in (
        ["check", str(world.tmp / "specs")],
        ["snapshot", "-o", str(world.tmp / "out" / "live.json")],
        ["export", "-o", str(world.tmp / "out" / "exported")],
    ):
        code, text = world.run(*argv, *command, env=env)
        assert code in (1, 4), text
        assert not leaked(text), text
    assert not leaked(world.files())


def test_the_unmasked_harness_would_see_a_leak(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A canary: with the masking removed, a key a server echoes does come through, so the
    # tests above would notice a key that driftcheck itself wrote.
    monkeypatch.setattr(driftcheck.cli, "RedactingStream", PlainStream)
    monkeypatch.setattr(live, "redact", lambda text, secrets: text)
    monkeypatch.setattr(live, "redact_bytes", lambda data, secrets: data)
    world.datadog.fail_always("*", error(403, f"key {API_KEY} refused"))
    code, text = world.run("snapshot", "-o", str(world.tmp / "out" / "live.json"))
    assert code == 4
    assert leaked(text) == [API_KEY]


@pytest.mark.parametrize(
    "fault",
    [None, server_error(503), error(403, "no"), truncated(), dropped(), rate_limited("2")],
    ids=["ok", "503", "403", "truncated", "dropped", "429"],
)
def test_read_live_logs_and_messages_hold_no_key_before_any_masking(
    monkeypatch: pytest.MonkeyPatch, fault: Fault | None
) -> None:
    monkeypatch.setattr(live, "redact", lambda text, secrets: text)
    clock = VirtualTime()
    lines: list[str] = []
    with running(api_key=API_KEY, app_key=APP_KEY, connections={"users": []}) as fake:
        if fault is not None:
            fake.fail("users", fault)
        state = read_live(
            ["users", "nope"],
            target=resolve_target(site=None, api_url=fake.url),
            credentials=Credentials(API_KEY, APP_KEY),
            timeout=60,
            log=lines.append,
            sleep=clock.sleep,
            clock=clock.clock,
        )
    assert any(line.startswith("GET ") for line in lines)
    for line in lines:
        assert not leaked(line), line
    for read in state.entities.values():
        assert not leaked(read.error or ""), read.error
    assert not leaked(repr(state))


# ------------------------------------------------------------ as shipped, against echoing servers


ECHOES: dict[str, Fault] = {
    "403 body": error(403, {"title": "Forbidden", "detail": f"API key {API_KEY} lacks access"}),
    "401 body": error(401, f"application key {APP_KEY} is invalid"),
    "429 body": Fault(
        429, json.dumps({"errors": [f"slow down {API_KEY}"]}).encode(), {"x-ratelimit-reset": "1"}
    ),
    "503 body": error(503, f"upstream saw DD-APPLICATION-KEY: {APP_KEY}"),
    "HTML title": html_page(502, f"Bad gateway for {API_KEY}"),
    "text body": raw(f"denied: {API_KEY} {APP_KEY}", status=400, content_type="text/plain"),
    "wrong data.type": raw(json.dumps({"data": {"type": APP_KEY}})),
    "header": Fault(500, b"", {"x-ratelimit-name": API_KEY, "retry-after": "1"}),
}


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
@pytest.mark.parametrize("fault", ECHOES.values(), ids=ECHOES.keys())
def test_keys_echoed_by_the_datadog_api_reach_no_output(
    world: World, fault: Fault, debug: bool
) -> None:
    world.datadog.fail_always("*", fault)
    world.github.fail_next("*", 403, {"message": f"token {TOKEN} may not write"}, times=10)
    assert_nothing_leaked(world, every_command(world, debug))


@pytest.mark.parametrize("status", [401, 403, 404, 422])
def test_a_token_echoed_by_github_reaches_no_output(world: World, status: int) -> None:
    report = world.tmp / "out" / "report.json"
    assert world.run("check", str(world.tmp / "specs"), "--report-json", str(report))[0] == 2
    world.github.fail_next("*", status, {"message": f"Bearer {TOKEN} rejected"}, times=10)
    for debug in ([], ["--debug"]):
        code, text = world.run(*debug, "comment", str(report))
        assert code == 0  # a comment that could not be posted never changes the verdict
        assert "warning: pull-request comment not posted" in text
        assert not leaked(text), text
    assert not leaked(world.files())


def test_a_key_cut_by_the_snippet_limit_shows_no_fragment(world: World) -> None:
    # Datadog's error text is cut at 200 characters: the key straddles the cut.
    world.datadog.fail_always("*", error(400, "x" * 180 + API_KEY + " tail"))
    code, text = world.run("snapshot", str(world.tmp / "specs"), "-o", str(world.tmp / "l.json"))
    assert code == 4
    assert "xxxx***" in text
    assert not any(API_KEY[:n] in text for n in range(8, len(API_KEY) + 1))


def test_a_key_pasted_into_live_data_reaches_no_file_and_no_comment(world: World) -> None:
    # Someone pasted the keys into descriptions in the Datadog UI.
    crm = sample_connection("crm", metadata={"note": f"api {API_KEY}", "token": TOKEN})
    crm["fields"][0]["description"] = f"app key {APP_KEY}"
    world.datadog.set_connections("users", [sample_connection(), crm])
    results = every_command(world, debug=False)
    assert_nothing_leaked(world, results)
    assert all(not leaked(body) for body in world.github.bodies(7))
    assert world.github.bodies(7), "the comment was posted"
    snapshot = (world.tmp / "out" / "live.json").read_text("utf-8")
    assert "***" in snapshot  # masked, not dropped
