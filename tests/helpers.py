"""Plain helpers shared by the test modules: run the CLI in-process, write spec folders and
snapshots, set up the environment of a GitHub pull-request job, and read Markdown the way
GitHub parses it."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from fakes import VirtualTime
from fakes.github_api import FakeGitHub
from markdown_it import MarkdownIt
from markdown_it.token import Token

from driftcheck import __version__
from driftcheck.cli import main
from driftcheck.export.exporter import render_spec
from driftcheck.live.snapshot import write_snapshot
from driftcheck.model import EntityRead, LiveState


class Result(NamedTuple):
    """What one ``driftcheck`` run gave back: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


def run_cli(
    *argv: str,
    env: dict[str, str] | None = None,
    now: dt.datetime | None = None,
    clock: VirtualTime | None = None,
) -> Result:
    """Run ``driftcheck argv`` in-process with captured streams.

    ``env`` is the whole environment (empty by default, never the real one); ``now`` fixes
    the report time; ``clock`` runs every retry and deadline on that virtual clock.
    """
    out, err = io.StringIO(), io.StringIO()
    code = main(
        list(argv),
        stdout=out,
        stderr=err,
        env={} if env is None else env,
        **({} if now is None else {"now": lambda: now}),
        **({} if clock is None else {"sleep": clock.sleep, "clock": clock.clock}),
    )
    return Result(code, out.getvalue(), err.getvalue())


#: A spec file declaring one connection of ``users`` (the fakes' sample connection's id).
ONE_CONNECTION_SPEC = """\
version: 1
entities:
  users:
    connections:
      - id: user-profiles-connection
        type: ref_table
        join: {attribute: user_email, type: email}
"""

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def check_examples(*argv: str, env: dict[str, str] | None = None) -> Result:
    """``driftcheck check`` of the shipped examples against their live snapshot (exit 2:
    they drift), with more arguments ``argv``."""
    snapshot = str(EXAMPLES / "live-snapshot.json")
    return run_cli("check", str(EXAMPLES / "specs"), "--live-snapshot", snapshot, *argv, env=env)


def write_exported_specs(folder: Path, entities: Mapping[str, Sequence[dict[str, Any]]]) -> Path:
    """``folder`` (created) holding ``<entity>.yaml`` as ``export`` writes it for each entity's
    connections: checked against that same live state, it is in sync."""
    folder.mkdir(parents=True, exist_ok=True)
    for entity, connections in entities.items():
        text = render_spec(entity, list(connections), site="s", read_at="t", version=__version__)
        (folder / f"{entity}.yaml").write_text(text, encoding="utf-8")
    return folder


def write_live_snapshot(
    path: Path,
    entities: Mapping[str, Sequence[dict[str, Any]]],
    site: str = "datadoghq.com",
    read_at: str = "2026-11-29T21:40:58Z",
) -> str:
    """A snapshot file at ``path`` of a live state where each entity holds ``connections``."""
    reads = {
        name: EntityRead(entity=name, connections=tuple(conns)) for name, conns in entities.items()
    }
    write_snapshot(LiveState(site=site, read_at=read_at, entities=reads), str(path))
    return str(path)


def pull_request_env(github: FakeGitHub, folder: Path, number: int, sha: str) -> dict[str, str]:
    """The variables of a ``pull_request`` job that talks to ``github``, with its event file
    (pull request ``number`` at head ``sha``) written into ``folder``. No token: add it."""
    event = folder / "event.json"
    event.write_text(
        json.dumps({"pull_request": {"number": number, "head": {"sha": sha}}}), encoding="utf-8"
    )
    return {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": github.repository,
        "GITHUB_API_URL": github.url,
    }


# ------------------------------------------------------------ Markdown, as GitHub parses it

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def walk(tokens: list[Token]) -> list[Token]:
    """Every token, children included, in document order."""
    found = []
    for token in tokens:
        found.append(token)
        found += walk(token.children or [])
    return found


def table_rows(text: str) -> list[list[Token]]:
    """Every table row as the list of its cells' inline tokens."""
    rows: list[list[Token]] = []
    in_row = False
    for token in MD.parse(text):
        if token.type in ("tr_open", "tr_close"):
            in_row = token.type == "tr_open"
            rows += [[]] if in_row else []
        elif token.type == "inline" and in_row:
            rows[-1].append(token)
    return rows


def cell_text(cell: Token) -> str:
    """What a reader sees in a table cell: its text and code, markup gone."""
    inline = walk(cell.children or [])
    return "".join(t.content for t in inline if t.type in ("text", "code_inline"))


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a fixed author (tests make real repositories); its stdout."""
    import subprocess

    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


#: A spec of one connection with three fields (tier, plan, seats), for three-way tests.
THREE_FIELD_SPEC = """version: 1
entities:
  users:
    connections:
      - id: crm
        type: ref_table
        join: {attribute: email, type: email}
        fields:
          - {id: tier, source_name: tier, type: string, display_name: Tier}
          - {id: plan, source_name: plan, type: string, display_name: Plan}
          - {id: seats, source_name: seats, type: number, display_name: Seats}
"""


def gh_stub(kind: str, open_variable: str, url_part: str) -> str:
    """The source of a stand-in ``gh`` (format it with ``python=``): it logs every call and
    its --body-file to $GH_LOG, lists the open ``kind`` (pr or issue) from $open_variable,
    and answers a create with a URL."""
    return (
        "#!{python}\n"
        "import json, os, sys\n"
        "args = sys.argv[1:]\n"
        'record = {{"args": args}}\n'
        'if "--body-file" in args:\n'
        '    with open(args[args.index("--body-file") + 1], encoding="utf-8") as handle:\n'
        '        record["body"] = handle.read()\n'
        'with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:\n'
        '    log.write(json.dumps(record) + "\\n")\n'
        f'if args[:2] == ["{kind}", "list"]:\n'
        f'    print(os.environ.get("{open_variable}", ""))\n'
        f'elif args[:2] == ["{kind}", "create"]:\n'
        f'    print("https://github.com/octo/specs/{url_part}/99")\n'
    )


def multitool() -> Path:
    """Microsoft's SARIF multitool (npm, installed by ``npm ci --prefix tests/tools``)."""
    import platform

    import pytest

    system = {"Linux": "linux", "Darwin": "darwin"}.get(platform.system(), "win32")
    tools = Path(__file__).resolve().parent / "tools" / "node_modules" / "@microsoft"
    binary = tools / f"sarif-multitool-{system}" / "Sarif.Multitool"
    if not binary.is_file():
        pytest.fail("the SARIF multitool is not installed: run: npm ci --prefix tests/tools")
    return binary


def assert_valid_sarif(files: Sequence[str], out: Path) -> None:
    """The multitool validates ``files`` and finds no error or warning (only notes)."""
    import subprocess

    done = subprocess.run(
        [str(multitool()), "validate", *files, "-o", str(out), "--level", "Error;Warning;Note"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text("utf-8"))["runs"][0]["results"]
    levels = {r.get("level", "warning") for r in results}
    assert not levels & {"error", "warning"}, [r["message"] for r in results]
    assert results, "the validator ran its rules (it reports notes about optional properties)"
