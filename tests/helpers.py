"""Plain helpers shared by the test modules: run the CLI in-process, set up the environment
of a GitHub pull-request job, and read Markdown the way GitHub parses it."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import NamedTuple

from fakes import VirtualTime
from fakes.github_api import FakeGitHub
from markdown_it import MarkdownIt
from markdown_it.token import Token

from driftcheck.cli import main


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
