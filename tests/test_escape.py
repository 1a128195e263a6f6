"""Escaping of untrusted values for the terminal, Markdown, workflow commands and links."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from driftcheck import escape
from driftcheck.escape import (
    md_code,
    terminal,
    terminal_keep_newlines,
    workflow_data,
    workflow_property,
)

MD = MarkdownIt("commonmark").enable("table")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "\\e[31mred\\e[0m"),
        ("\x1b]8;;http://x\x07link", "\\e]8;;http://x\\x07link"),
        ("a\r\nb\tc", "a\\r\\nb\\tc"),
        ("\x9b31m", "\\x9b31m"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
        ("plain é ✓", "plain é ✓"),
    ],
)
def test_terminal_makes_control_characters_visible(raw: str, shown: str) -> None:
    assert escape.terminal(raw) == shown
    escape.terminal(raw).encode("utf-8")


def test_md_text_is_inert_prose() -> None:
    html = MD.render(escape.md_text("<img src=x> **b** [l](http://x) @org/team `c` #1"))
    assert "<img" not in html and "<strong>" not in html and "<a " not in html
    assert "<code>" not in html and "@org" not in html and "org/team" in html


@pytest.mark.parametrize("value", ["a|b", "``x`` `", "`", " ", "", "a\\|b", "<b>@x</b>", "\n|"])
def test_md_code_holds_the_value_literally_inside_a_table_cell(value: str) -> None:
    table = f"| a | b |\n|---|---|\n| {escape.md_code(value)} | end |\n"
    cells = [t for t in MD.parse(table) if t.type == "inline"][2:]
    assert len(cells) == 2 and cells[1].content == "end"
    codes = [c.content for c in cells[0].children or [] if c.type == "code_inline"]
    assert codes == [escape.terminal(value)] or (value.strip() == "" and len(codes) == 1)


def test_md_code_outside_a_table_keeps_pipes() -> None:
    html = MD.render(escape.md_code("a|b", in_table=False))
    assert "<code>a|b</code>" in html


def test_workflow_data_encodes_percent_and_newlines() -> None:
    assert escape.workflow_data("50%\r\n::error::x") == "50%25%0D%0A::error::x"


def test_workflow_property_also_encodes_colon_and_comma() -> None:
    assert escape.workflow_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


@pytest.mark.parametrize(
    ("path", "encoded"),
    [
        ("specs/users.yaml", "specs/users.yaml"),
        ("my specs/(a)|b.yaml", "my%20specs/%28a%29%7Cb.yaml"),
        ("javascript:alert(1)", "javascript%3Aalert%281%29"),
        ("a#b?c", "a%23b%3Fc"),
        ("é", "%C3%A9"),
    ],
)
def test_url_path_keeps_only_slashes_literal(path: str, encoded: str) -> None:
    assert escape.url_path(path) == encoded


# Unicode line separators are line breaks for many readers.


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_unicode_line_separators_cannot_start_a_new_line(separator: str) -> None:
    hostile = f"x{separator}::error::forged"
    for escaped in (
        terminal(hostile),
        workflow_data(hostile),
        workflow_property(hostile),
        md_code(hostile),
    ):
        assert len(escaped.splitlines()) == 1, escaped
        assert separator not in escaped
    assert terminal(hostile) == f"x\\u{ord(separator):04x}::error::forged"


def test_every_format_character_and_odd_space_is_made_visible() -> None:
    import sys
    import unicodedata

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp") and char != " ":
            assert char not in terminal(f"a{char}b"), hex(code)
            assert char not in terminal_keep_newlines(f"a{char}b"), hex(code)


def test_legacy_workflow_commands_are_broken_visibly() -> None:
    from driftcheck.escape import json_text, terminal, workflow_data

    assert terminal("x ##[error]y ###[group]z") == "x ##\\[error]y ###\\[group]z"
    assert "##[" not in workflow_data("a\n##[warning]b")
    text = json_text('{"id": "##[set-output name=x]1"}')
    assert "##[" not in text
    assert json.loads(text) == {"id": "##[set-output name=x]1"}  # the data is unchanged
