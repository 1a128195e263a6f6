"""Issue 11: every option a user reaches for has a help text (check --color, validate --format,
export -o), and export --entity's help is about export (it reads no spec files)."""

from __future__ import annotations

import io

import pytest
from helpers import run_cli

from driftcheck.cli.parser import parse


def help_of(command: str) -> str:
    """``driftcheck COMMAND --help`` as printed to the parser's stream, whitespace folded."""
    stream = io.StringIO()
    with pytest.raises(SystemExit) as done:
        parse([command, "--help"], stream)
    assert done.value.code == 0
    return " ".join(stream.getvalue().split())


@pytest.mark.parametrize(
    ("command", "option", "text"),
    [
        ("check", "--color {auto,always,never}", "colours in the text format: auto"),
        ("validate", "--format {text,json,github}", "text: one line per problem"),
        ("export", "-o DIR, --output DIR", "folder to write ENTITY.yaml into"),
        ("export", "--entity NAME", "only this entity (repeatable); default: users and accounts"),
    ],
)
def test_each_option_has_its_help_text(command: str, option: str, text: str) -> None:
    assert f"{option} {text}" in help_of(command)


def test_export_entity_help_does_not_mention_specs() -> None:
    text = help_of("export")
    entity_help = text.split("--entity NAME ", 1)[1].split(" --site", 1)[0]
    assert "spec" not in entity_help.lower()
    assert "users and accounts" in entity_help


@pytest.mark.parametrize("command", ["validate", "check", "export"])
def test_a_commands_help_goes_to_the_injected_stdout(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(command, "--help")
    assert code == 0
    assert f"usage: driftcheck {command}" in out and err == ""
    assert capsys.readouterr().out == ""  # nothing went to the process's own stdout
