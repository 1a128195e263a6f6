"""Injection, end to end: values from the live API and from spec files (a pull request
writes those, file names included) that hold workflow commands, Markdown and HTML,
@mentions, pipes, backticks, ANSI and OSC escapes are shown as text in every format.

Each hostile value goes everywhere at once: connection and field ids, attribute values,
metadata, groups, the ignore reason, the spec file name, the live ``updated_by``, and the
error text the API sends for an entity it refuses. Then ``check`` renders every format,
``snapshot``/``export`` report the refused entity, and ``comment`` posts the Markdown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakes.datadog_api import FakeDatadog, Fault, error, running
from fakes.github_api import FakeGitHub, serve
from helpers import MD, Result, pull_request_env, run_cli, table_rows, walk

from driftcheck.export.yaml_emitter import scalar

OUR_HTML = re.compile(
    r"<!-- driftcheck:(report|comment key=[^<>\s]+|digest [0-9a-f]+) -->|"
    r"<details( open)?>|</details>|<summary>[0-9,]+ [a-zA-Z0-9, ]+</summary>"
)

# (value, a plain word of it that must stay visible)
HOSTILE = [
    ("::error::injected", "injected"),
    ("%0A::set-output name=pwned::1", "pwned"),
    ("line\n::error file=a.yaml,line=1::injected", "injected"),
    ("line\r\n::warning::injected\r", "injected"),
    ("::stop-commands::pwnedtoken", "pwnedtoken"),
    ("<details open><summary>fake</summary>", "fake"),
    ("<img src=x onerror=alert(1)>", "onerror"),
    ("<!-- driftcheck:report --> marker", "marker"),
    ("@org/team and @octocat", "octocat"),
    ("a | b || c", "b"),
    ("`tick` and ``` fence", "fence"),
    ("[click](javascript:alert(1))", "click"),
    ("**bold** _it_ # heading", "heading"),
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x1b]8;;https://evil.example/\x07osclink\x1b]8;;\x07", "osclink"),
    ("\x1b]0;window title\x07", "window"),
    ("\x9b31mcsi", "csi"),
    ("\u202eevil\u202c", "evil"),
    # The runner also honours the legacy form anywhere in a line.
    ("##[error]legacy", "legacy"),
    ("see ##[set-output name=pwned]1", "pwned"),
    ("a ###[group]grouped", "grouped"),
]


@dataclass
class World:
    datadog: FakeDatadog
    github: FakeGitHub
    tmp: Path
    env: dict[str, str]
    specs: Path

    def run(self, *argv: str) -> Result:
        return run_cli(*argv, env=self.env)


def spec_text(value: str) -> str:
    v = scalar(value)
    return f"""version: 1
entities:
  users:
    unmanaged_connections: warn
    connections:
      - id: {v}
        type: {v}
        join: {{attribute: {scalar(value, flow=True)}, type: email}}
        metadata: {{{scalar(value, flow=True)}: {scalar(value, flow=True)}}}
        fields:
          - id: {v}
            source_name: {v}
            type: string
            display_name: {v}
            groups: [{scalar(value, flow=True)}]
          - id: declared-only
            source_name: x
            type: string
      - id: spec-only
        type: ref_table
        join: {{attribute: user_email, type: email}}
  accounts:
    connections: []
ignore:
  - entity: users
    connection: {v}
    field: {v}
    attribute: display_name
    reason: {v}
"""


def live_connections(value: str) -> list[dict[str, Any]]:
    return [
        {
            "id": value,
            "type": "ref_table",
            "join": {"attribute": "user_email", "type": value},
            "metadata": {value: "changed " + value, "extra " + value: value},
            "fields": [
                {
                    "id": value,
                    "source_name": value + "!",
                    "type": "string",
                    "display_name": value + " live",
                    "groups": [value, "other"],
                },
                {"id": "live-only " + value, "source_name": "x", "type": "string"},
            ],
            "updated_by": value,
            "updated_at": "2026-11-20T10:02:11Z",
        },
        {
            "id": "unexpected " + value,
            "type": value,
            "join": {"attribute": "a", "type": "b"},
            "updated_by": value,
        },
    ]


@pytest.fixture(params=HOSTILE, ids=[core for _, core in HOSTILE])
def hostile(request: pytest.FixtureRequest) -> tuple[str, str]:
    value: tuple[str, str] = request.param
    return value


@pytest.fixture
def world(tmp_path: Path, hostile: tuple[str, str]) -> Iterator[World]:
    value, _ = hostile
    specs = tmp_path / "specs"
    specs.mkdir()
    # A pull request chooses file names too: anything but "/" and NUL.
    name = "spec " + value.replace("/", "\u2215") + ".yaml"
    (specs / name).write_text(spec_text(value), encoding="utf-8")
    with running(connections={"users": live_connections(value)}) as datadog:
        datadog.fail_always("accounts", error(400, value, {"title": value, "detail": value}))
        for gh in serve(FakeGitHub()):
            env = {
                **datadog.env(),
                "GITHUB_TOKEN": gh.token,
                **pull_request_env(gh, tmp_path, number=3, sha="c" * 40),
                "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_SHA": "c" * 40,
                "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            }
            yield World(datadog, gh, tmp_path, env, specs)


# ------------------------------------------------------------ what "shown as text" means


def assert_no_terminal_control(text: str) -> None:
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), repr(
        text[:400]
    )


def assert_no_workflow_command(text: str) -> None:
    """No line starts a workflow command (the runner reads every line of every step), and no
    line holds a legacy ``##[command]`` anywhere."""
    for line in text.splitlines():
        assert not line.lstrip().startswith("::"), line
        assert "##[" not in line, line


COMMAND = re.compile(
    r"::(error|warning|notice)"
    r"(?: (?P<props>[a-z]+=[^,:\r\n]*(?:,[a-z]+=[^,:\r\n]*)*))?"
    r"::(?P<data>.*)"
)


def assert_only_our_workflow_commands(text: str, expected: int) -> None:
    lines = text.splitlines()
    assert lines[-1].startswith("driftcheck: ")
    assert not lines[-1].startswith("::")
    commands = lines[:-1]
    assert len(commands) == expected, commands
    for line in commands:
        match = COMMAND.fullmatch(line)
        assert match, line
        assert not re.search("%(?!25|0D|0A|3A|2C)", line), line  # only escapes use %
        assert "##[" not in line, line


def assert_inert_markdown(text: str, core: str) -> None:
    """Parsed, the Markdown holds our HTML only, our links only, no images, no mentions."""
    assert_no_terminal_control(text)
    assert text.startswith("<!-- driftcheck:")
    tokens = walk(MD.parse(text))
    for token in tokens:
        if token.type in ("html_block", "html_inline"):
            for line in token.content.splitlines():
                assert OUR_HTML.fullmatch(line), f"HTML from data: {line!r}"
        assert token.type != "image"
        if token.type == "link_open":
            href = str(token.attrs["href"])
            assert href.startswith("https://github.com/octo/specs/blob/" + "c" * 40 + "/"), href
        if token.type == "text":
            assert not re.search(r"@(?!\u2060)\w", token.content), token.content
    shown = "".join(t.content for t in tokens if t.type in ("text", "code_inline", "fence"))
    assert core in shown
    for row in table_rows(text):
        assert len(row) == 5, row  # the summary table: no wider table


# ------------------------------------------------------------ check, every format


def test_text_report_shows_values_as_text(world: World, hostile: tuple[str, str]) -> None:
    result = world.run("check", str(world.specs), "--format", "text", "--color", "always")
    assert result.code == 4  # accounts was refused: never green
    assert_no_workflow_command(result.out)
    colourless = re.sub(r"\x1b\[[0-9;]*m", "", result.out)  # our own colours only
    assert_no_terminal_control(colourless)
    assert hostile[1] in result.out


def test_json_report_keeps_values_exactly(world: World, hostile: tuple[str, str]) -> None:
    result = world.run("check", str(world.specs), "--format", "json")
    assert result.code == 4
    assert_no_workflow_command(result.out)
    assert "\x1b" not in result.out
    report = json.loads(result.out)
    found: list[str] = []

    def strings(node: Any) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for key, item in node.items():
                found.append(key)
                strings(item)
        elif isinstance(node, list):
            for item in node:
                strings(item)

    strings(report)
    value = hostile[0]
    assert value in found  # ids and values come back exactly, for tools
    assert any(s.startswith("unexpected " + value) for s in found)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_no_format_prints_a_workflow_command(world: World, fmt: str) -> None:
    result = world.run("check", str(world.specs), "--format", fmt)
    assert result.code == 4
    assert_no_workflow_command(result.out + result.err)


def test_validate_json_prints_no_workflow_command(tmp_path: Path, hostile: tuple[str, str]) -> None:
    value, core = hostile
    spec = tmp_path / "users.yaml"
    spec.write_text(f"version: 1\nentities:\n  users:\n    {scalar(value)}: 1\n", encoding="utf-8")
    code, out, _ = run_cli("validate", str(spec), "--format", "json")
    assert code == 3
    assert_no_workflow_command(out)
    assert any(core in problem["message"] for problem in json.loads(out)["problems"])


def test_debug_logs_show_header_values_as_text(world: World, hostile: tuple[str, str]) -> None:
    # A header value is one line of Latin-1.
    value = hostile[0].replace("\r", " ").replace("\n", " ").encode("latin-1", "replace")
    world.datadog.fail_always(
        "accounts",
        Fault(500, b"{}", {"x-ratelimit-name": value.decode("latin-1"), "retry-after": "0"}),
    )
    result = world.run(
        "--debug", "snapshot", "--entity", "accounts", "-o", str(world.tmp / "l.json")
    )
    assert result.code == 4
    assert "x-ratelimit-name" in result.err
    assert_no_workflow_command(result.err)
    assert_no_terminal_control(result.err)


def test_markdown_report_and_job_summary_are_inert(world: World, hostile: tuple[str, str]) -> None:
    report = world.tmp / "report.md"
    result = world.run(
        "check", str(world.specs), "--format", "github", "--report-markdown", str(report)
    )
    assert result.code == 4
    for text in (report.read_text("utf-8"), (world.tmp / "summary.md").read_text("utf-8")):
        assert_inert_markdown(text, hostile[1])


def test_github_annotations_are_our_commands_only(world: World) -> None:
    json_report = world.tmp / "report.json"
    result = world.run(
        "check", str(world.specs), "--format", "github", "--report-json", str(json_report)
    )
    assert result.code == 4
    report = json.loads(json_report.read_text("utf-8"))
    errors = len(report["errors"]) + sum(i["severity"] == "error" for i in report["drift"])
    warnings = len(report["notices"]) + sum(i["severity"] == "warning" for i in report["drift"])
    expected = min(10, errors) + min(10, warnings) + (errors > 10 or warnings > 10)
    assert_only_our_workflow_commands(result.out, expected)
    assert_no_terminal_control(result.out)


# ------------------------------------------------------------ messages and the comment


def test_snapshot_and_export_messages_show_the_server_text_as_text(
    world: World, hostile: tuple[str, str]
) -> None:
    for argv in (
        ["snapshot", "--entity", "accounts", "-o", str(world.tmp / "live.json")],
        ["export", "--entity", "accounts", "-o", str(world.tmp / "out")],
    ):
        result = world.run(*argv)
        assert result.code == 4
        assert result.out == ""
        assert "could not read entity 'accounts'" in result.err
        assert hostile[1] in result.err
        assert_no_workflow_command(result.err)
        assert_no_terminal_control(result.err)


def test_validate_messages_show_spec_values_as_text(
    tmp_path: Path, hostile: tuple[str, str]
) -> None:
    value, core = hostile
    spec = tmp_path / "users.yaml"
    spec.write_text(f"version: 1\nentities:\n  users:\n    {scalar(value)}: 1\n", encoding="utf-8")
    code, out, _ = run_cli("validate", str(spec))
    assert code == 3
    assert core in out
    assert_no_workflow_command(out)
    assert_no_terminal_control(out)


def test_the_pull_request_comment_is_inert(world: World, hostile: tuple[str, str]) -> None:
    report = world.tmp / "report.json"
    assert world.run("check", str(world.specs), "--report-json", str(report)).code == 4
    result = world.run("comment", str(report))
    assert result.code == 0, result.err
    assert_no_workflow_command(result.out + result.err)
    [body] = world.github.bodies(3)
    assert_inert_markdown(body, hostile[1])


def test_a_snapshot_printed_through_dev_stdout_holds_no_workflow_command(
    world: World, hostile: tuple[str, str]
) -> None:
    # snapshot -o /dev/stdout writes the file into the job log.
    path = world.tmp / "live.json"
    result = world.run("snapshot", "--entity", "users", "-o", str(path))
    assert result.code == 0, result.err
    text = path.read_text("utf-8")
    assert_no_workflow_command(text)
    users = json.loads(text)["entities"]["users"]
    assert hostile[0] in [c["id"] for c in users["connections"]]  # the data is unchanged
