"""Issue 11, comparing values: what a person cannot see is shown, and nothing is cut so that
both sides look the same; attribution says what it is about."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from spec_builders import CRM, SPEC_HEAD, check, connection

NIL = "00000000-0000-0000-0000-000000000000"


def field_spec(**attributes: str) -> str:
    written = "".join(f", {k}: {json.dumps(v)}" for k, v in attributes.items())
    return (
        SPEC_HEAD
        + CRM
        + "        fields:\n"
        + ("          - {id: tier, source_name: tier, type: string" + written + "}\n")
    )


def live_field(**attributes: Any) -> list[dict[str, Any]]:
    return [
        connection(fields=[{"id": "tier", "source_name": "tier", "type": "string", **attributes}])
    ]


@pytest.mark.parametrize("fmt", ["text", "markdown", "github"])
@pytest.mark.parametrize(
    ("char", "escape"),
    [("\u200b", "\\u200b"), ("\u00a0", "\\xa0"), ("\u00ad", "\\xad"), ("\u2060", "\\u2060")],
)
def test_invisible_characters_are_shown_as_escapes(
    tmp_path: Path, fmt: str, char: str, escape: str
) -> None:
    result = check(
        tmp_path,
        field_spec(display_name="Customer Tier"),
        live_field(display_name=f"Customer{char}Tier"),
        "--format",
        fmt,
    )
    assert result.code == 2
    assert char not in result.out
    shown = escape.replace("\\", "\\\\") if fmt == "markdown" else escape
    assert shown in result.out or escape in result.out


@pytest.mark.parametrize(
    ("spec", "live", "hint"),
    [
        ("Customer Tier", "customer tier", "differ only in case"),
        ("Caf\u00e9", "Cafe\u0301", "differ only in Unicode normalization"),
        ("Tier", "Ti\u200ber", "differ only in invisible characters"),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "markdown", "github"])
def test_values_that_look_alike_get_a_hint(
    tmp_path: Path, spec: str, live: str, hint: str, fmt: str
) -> None:
    result = check(
        tmp_path, field_spec(display_name=spec), live_field(display_name=live), "--format", fmt
    )
    assert result.code == 2
    assert hint in result.out


def test_ids_that_differ_only_in_case_get_a_hint(tmp_path: Path) -> None:
    spec = SPEC_HEAD + CRM.replace("id: crm", "id: CRM")
    result = check(tmp_path, spec, [connection("crm", fields=[])])
    assert result.code == 2
    assert "differ only in case" in result.out
    assert "'crm'" in result.out or '"crm"' in result.out


LONG = "x" * 400


@pytest.mark.parametrize("fmt", ["text", "markdown", "github"])
def test_a_long_value_shows_a_window_around_the_first_difference(tmp_path: Path, fmt: str) -> None:
    result = check(
        tmp_path,
        field_spec(description=LONG + "SPECEND" + "y" * 50),
        live_field(description=LONG + "LIVEEND" + "y" * 50),
        "--format",
        fmt,
    )
    assert result.code == 2
    assert "SPECEND" in result.out and "LIVEEND" in result.out
    assert "…" in result.out


def test_json_keeps_full_values(tmp_path: Path) -> None:
    result = check(
        tmp_path,
        field_spec(description=LONG + "A"),
        live_field(description=LONG + "B"),
        "--format",
        "json",
    )
    item = json.loads(result.out)["drift"][0]
    assert (item["expected"], item["actual"]) == (LONG + "A", LONG + "B")


def test_multi_line_text_gets_a_line_diff(tmp_path: Path) -> None:
    spec_text = "".join(f"line {n}\n" for n in range(30))
    live_text = spec_text.replace("line 17\n", "line seventeen\n")
    result = check(tmp_path, field_spec(description=spec_text), live_field(description=live_text))
    assert result.code == 2
    assert "\n          -|line 17\n          +|line seventeen\n" in result.out


def test_field_rows_say_the_attribution_is_the_connections(tmp_path: Path) -> None:
    live = live_field(display_name="Tier")
    live[0].update(updated_at="2026-11-20T10:02:11Z", updated_by="jane@example.com")
    for fmt in ("text", "markdown", "github"):
        result = check(
            tmp_path / fmt, field_spec(display_name="Customer Tier"), live, "--format", fmt
        )
        assert "connection last updated 2026" in result.out, fmt


def test_the_nil_uuid_is_unknown_not_a_person(tmp_path: Path) -> None:
    spec = SPEC_HEAD + CRM
    live = [
        connection(fields=[], type="snowflake", updated_at="2026-11-20T10:02:11Z", updated_by=NIL)
    ]
    for fmt in ("text", "markdown", "github"):
        result = check(tmp_path / fmt, spec, live, "--format", fmt)
        assert NIL not in result.out, fmt
        assert "unknown" in result.out, fmt
