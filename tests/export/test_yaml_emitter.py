"""The YAML emitter of ``driftcheck export``: every string comes back from YAML unchanged."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from driftcheck.export.exporter import render_spec
from driftcheck.export.yaml_emitter import scalar

LOADERS = [yaml.CSafeLoader, yaml.SafeLoader]  # libyaml, and the pure-Python fallback

TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "NO",
    "True",
    "true",
    "false",
    "null",
    "Null",
    "~",
    "",
    "1",
    "1.0",
    "-1",
    "+1",
    ".5",
    "1e3",
    "1_000",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    ".inf",
    "-.inf",
    ".nan",
    "2026-01-01",
    "2026-01-01T10:00:00Z",
    "2026-1-1 1:00:00",
    "12:30:00",
    "190:20:30",
    "=",
    "<<",
    " leading",
    "trailing ",
    " ",
    "  both  ",
    "@user",
    "`cmd`",
    "*alias",
    "&anchor",
    "!tag",
    "!!str",
    "%YAML",
    "|",
    ">",
    "'single'",
    '"double"',
    "#comment",
    "{a: b}",
    "[a]",
    "-",
    "- item",
    "--- doc",
    "...",
    "?",
    "? key",
    ":",
    ":x",
    "key: value",
    "value #not a comment",
    "a#b",
    "ends with colon:",
    "a,b",
    "a]b",
    "a}b",
    "x?y",
    "C:\\path\\file",
    'say "hi"',
    "it's",
    "tab\there",
    "line\nbreak",
    "cr\rhere",
    "crlf\r\nend",
    "\n",
    "\n\n",
    "trailing newline\n",
    "nul\x00byte",
    "bell\x07",
    "esc\x1b[31m",
    "del\x7f",
    "next\x85line",
    "ls\u2028ps\u2029",
    "nbsp\xa0",
    "bom\ufeff",
    "rtl\u202eoverride",
    "zero\u200bwidth",
    "é日本語😀",
    "Ünïcödé: yes",
    "emoji 🎉 #1",
]


def _load_value(text: str, loader: Any) -> Any:
    return yaml.load(text, loader)


@pytest.mark.parametrize("loader", LOADERS, ids=["libyaml", "python"])
@pytest.mark.parametrize("text", TRICKY)
def test_tricky_strings_come_back_identical_in_every_position(text: str, loader: Any) -> None:
    block = scalar(text)
    flow = scalar(text, flow=True)
    assert _load_value(f"key: {block}\n", loader) == {"key": text}
    assert _load_value(f"- {block}\n", loader) == [text]
    assert _load_value(f"key: {{{flow}: {flow}, other: [{flow}, {flow}]}}\n", loader) == {
        "key": {text: text, "other": [text, text]}
    }
    assert _load_value(f"{block}: x\n", loader) == {text: "x"}


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "no",
        "on",
        "off",
        "null",
        "~",
        "true",
        "1.0",
        "0x1F",
        "y",
        "N",
        "1_000",
        "0o17",
        ".5",
        "+1",
        "-2",
        ".inf",
        ".NaN",
        "1:30",
        "1e3",
        "2026-01-01",
        " x",
        "x ",
        "@x",
        "`x",
        "*x",
        "&x",
        "!x",
        "%x",
        "|x",
        ">x",
        "'x",
        '"x',
        "#x",
        "{x",
        "[x",
        "-x",
        "?x",
        ":x",
        "a: b",
        "a #b",
        "",
    ],
)
def test_strings_yaml_would_misread_are_quoted(text: str) -> None:
    assert scalar(text).startswith('"')


@pytest.mark.parametrize(
    "text",
    [
        "ref_table",
        "Customer Tier",
        "user-profiles-connection",
        "subscription_tier",
        "a#b",
        "x:y",
        "Café",
        "日本語",
        "Channel through which the user signed up",
    ],
)
def test_ordinary_strings_stay_plain_as_people_write_them(text: str) -> None:
    assert scalar(text) == text


def test_flow_collections_quote_their_indicators() -> None:
    assert scalar("a,b", flow=True) == '"a,b"'
    assert scalar("a,b") == "a,b"
    assert scalar("x:y", flow=True) == '"x:y"'


def test_unicode_is_kept_as_is_and_controls_are_escaped() -> None:
    assert scalar("Ünïcödé: yes 😀") == '"Ünïcödé: yes 😀"'
    assert scalar("tab\tnul\x00esc\x1b") == '"tab\\tnul\\0esc\\e"'
    assert scalar("a\nb\r") == '"a\\nb\\r"'
    assert scalar("rtl\u202e") == '"rtl\\u202E"'  # Trojan-source characters stay visible
    assert scalar("ls\u2028") == '"ls\\L"'
    assert "\\u" not in scalar("é日本語")


def test_a_scalar_never_spans_lines() -> None:
    for text in TRICKY:
        assert "\n" not in scalar(text) and "\r" not in scalar(text)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_round_trips_through_the_scalar_emitter(text: str) -> None:
    for loader in LOADERS:
        assert yaml.load(f"k: {scalar(text)}\n", loader) == {"k": text}
        assert yaml.load(f"k: [{scalar(text, flow=True)}]\n", loader) == {"k": [text]}
        assert yaml.load(f"{{{scalar(text, flow=True)}: v}}\n", loader) == {text: "v"}


LINES = st.lists(
    st.text(
        alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\n"), max_size=12
    ),
    min_size=1,
    max_size=6,
).map("\n".join)


def _field(description: str) -> dict[str, Any]:
    return {"id": "f", "source_name": "s", "type": "string", "description": description}


def _description_back(text: str, loader: Any) -> Any:
    document = yaml.load(text, loader)
    return document["entities"]["users"]["connections"][0]["fields"][0]["description"]


def _rendered(description: str) -> str:
    conn = {
        "id": "c",
        "type": "ref_table",
        "join": {"attribute": "a", "type": "t"},
        "fields": [_field(description)],
    }
    return render_spec(
        "users", [conn], site="datadoghq.com", read_at="2026-01-01T00:00:00Z", version="0.1.0"
    )


@pytest.mark.parametrize(
    "description",
    [
        "one\ntwo",
        "one\ntwo\n",
        "one\ntwo\n\n\n",
        "\nleading blank line",
        "  indented first\nx",
        "\tfirst tab\nx",
        "a\n  indented\n\n    more\n",
        "# not a comment\n- not a list\n",
        "key: value\n'quoted'\n",
        "x\n---\n...\n",
    ],
)
@pytest.mark.parametrize("loader", LOADERS, ids=["libyaml", "python"])
def test_multi_line_descriptions_are_literal_blocks_that_round_trip(
    description: str, loader: Any
) -> None:
    text = _rendered(description)
    assert "description: |" in text
    assert _description_back(text, loader) == description


@pytest.mark.parametrize("description", ["trailing spaces   \nkept  ", "a\n   \nb", "tab\t\nx"])
@pytest.mark.parametrize("loader", LOADERS, ids=["libyaml", "python"])
def test_lines_ending_in_blanks_are_double_quoted_not_literal(
    description: str, loader: Any
) -> None:
    text = _rendered(description)
    assert "description: |" not in text and 'description: "' in text
    assert [line for line in text.split("\n") if line != line.rstrip()] == []
    assert _description_back(text, loader) == description


def test_literal_block_keeps_the_text_readable() -> None:
    text = _rendered("Region of the account's headquarters,\nas recorded by sales.\n")
    assert (
        "            description: |\n"
        "              Region of the account's headquarters,\n"
        "              as recorded by sales.\n"
    ) in text


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_any_multi_line_text_round_trips_as_a_description(description: str) -> None:
    text = _rendered(description)
    for loader in LOADERS:
        assert _description_back(text, loader) == description


@given(st.text(min_size=1))
@settings(max_examples=200, deadline=None)
def test_untrusted_text_in_header_comments_cannot_break_out(site: str) -> None:
    text = render_spec("users", [], site=site, read_at=site, version=site)
    document = yaml.load(text, yaml.CSafeLoader)
    assert document == {
        "version": 1,
        "entities": {
            "users": {
                "unmanaged_connections": "fail",
                "unmanaged_fields": "fail",
                "connections": [],
            }
        },
    }
    assert all(line.startswith("#") for line in text.splitlines()[:5])


BLOCKY = st.lists(
    st.text(alphabet=st.sampled_from(list(" \t#:-|>'\"?&*!%@`{}[],ab é日😀")), max_size=10),
    min_size=2,
    max_size=6,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(BLOCKY)
def test_texts_full_of_yaml_indicators_round_trip_as_literal_blocks(description: str) -> None:
    text = _rendered(description)
    blank_ends = any(line != line.rstrip(" \t") for line in description.split("\n"))
    if description.strip() and not blank_ends:
        assert "description: |" in text
    assert [line for line in text.split("\n") if line != line.rstrip()] == []
    for loader in LOADERS:
        assert _description_back(text, loader) == description


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.text(max_size=40), st.text(max_size=80), max_size=6),
    st.lists(st.text(max_size=40), max_size=6, unique=True),
)
def test_any_metadata_and_groups_round_trip_in_flow_or_block_style(
    metadata: dict[str, str], groups: list[str]
) -> None:
    conn = {
        "id": "c",
        "type": "t",
        "join": {"attribute": "a", "type": "t"},
        "metadata": metadata,
        "fields": [{**_field("d"), "groups": groups}],
    }
    text = render_spec("users", [conn], site="s", read_at="r", version="v")
    for loader in LOADERS:
        back = yaml.load(text, loader)["entities"]["users"]["connections"][0]
        assert back["metadata"] == metadata
        assert back["fields"][0]["groups"] == groups
