"""Terminal conventions: when colour is on (--color, NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE,
TERM=dumb, a terminal), and did-you-mean for mistyped commands, options and choices."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import check_examples, run_cli

from driftcheck.cli.color import wants_color

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("choice", "env", "isatty", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # no-color.org: only a non-empty value counts
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"TERM": "dumb"}, True, False),
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": ""}, False, False),
        ("auto", {"CLICOLOR_FORCE": "1"}, False, True),
        ("auto", {"CLICOLOR_FORCE": "0"}, False, False),
        ("auto", {"FORCE_COLOR": "1", "TERM": "dumb"}, False, True),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, True, False),
        ("always", {"NO_COLOR": "1", "TERM": "dumb"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_follows_the_conventions_and_color_beats_them(
    choice: str, env: dict[str, str], isatty: bool, expected: bool
) -> None:
    assert wants_color(choice, env, isatty=isatty, to_file=False) is expected


def test_a_file_gets_no_colour_unless_always() -> None:
    assert not wants_color("auto", {"FORCE_COLOR": "1"}, isatty=True, to_file=True)
    assert wants_color("always", {}, isatty=False, to_file=True)


def test_force_color_colours_the_check_output_in_a_pipe() -> None:
    assert "\x1b[" in check_examples("--format", "text", env={"FORCE_COLOR": "1"}).out
    assert "\x1b[" not in check_examples("--format", "text", env={}).out


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["chek", "specs"], "(did you mean 'check'?)"),
        (["check", "specs", "--reprot-json", "r.json"], "(did you mean '--report-json'?)"),
        (["check", "specs", "--format", "jsn"], "(did you mean 'json'?)"),
        (["validate", "--fnd-specs"], "(did you mean '--find-specs'?)"),
    ],
)
def test_a_typo_gets_a_did_you_mean(argv: list[str], hint: str) -> None:
    done = run_cli(*argv)
    assert done.code == 1
    assert hint in done.err
    assert "Traceback" not in done.err


def test_no_suggestion_when_nothing_is_close() -> None:
    done = run_cli("zzzzzz")
    assert done.code == 1 and "did you mean" not in done.err
