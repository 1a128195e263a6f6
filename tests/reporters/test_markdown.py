"""The Markdown report: structure, escaping of hostile values (checked by parsing it), budget."""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import MD, cell_text, table_rows, walk
from hypothesis import given, settings
from hypothesis import strategies as st
from samples import (
    ATTACKS,
    carrying,
    hostile,
    item,
    report,
    representative,
)

from driftcheck.escape import terminal
from driftcheck.model import EntityStatus
from driftcheck.reporters import RenderOptions, render
from driftcheck.reporters.summary import show_pair, show_value

OUR_HTML = re.compile(
    r"<!-- driftcheck:report -->|<details( open)?>|</details>|"
    r"<summary>[0-9,]+ [a-z0-9, ]+</summary>"
)


def markdown(rep: Any = None, **options: Any) -> str:
    return render(rep or representative(), "markdown", RenderOptions(**options))


def test_starts_with_the_hidden_marker_then_the_headline() -> None:
    lines = markdown().splitlines()
    assert lines[0] == "<!-- driftcheck:report -->"
    assert lines[2] == "## 🛑 driftcheck: check incomplete"


def test_headline_per_status() -> None:
    assert "## ✅ driftcheck: in sync\n" in markdown(report())
    warned = report((item("unexpected", "warning", field="x"),))
    assert "## ⚠️ driftcheck: in sync, with warnings" in markdown(warned)
    assert "## ❌ driftcheck: drift found" in markdown(report((item("missing"),)))


def test_in_sync_report_has_a_summary_table_and_no_item_sections() -> None:
    text = markdown(report())
    assert "| `users` | ✅ in sync | 2 | 0 | 0 | 0 |" in text
    assert "<details" not in text


def test_unreadable_entity_gets_a_caution_block_with_its_message() -> None:
    text = markdown()
    assert "> [!CAUTION]\n> **The check is incomplete:** 1 entity could not be read" in text
    assert "| `accounts` | 🛑 could not be read |" in text


def test_details_open_only_for_entities_with_failing_items() -> None:
    assert "<details open>" in markdown()
    warned = report((item("unexpected", "warning", field="x"),))
    assert "<details>\n<summary>1 warning</summary>" in markdown(warned)


def test_item_rows_link_to_the_spec_line() -> None:
    links = [t.attrs["href"] for t in walk(MD.parse(markdown())) if t.type == "link_open"]
    assert "examples/specs/users.yaml#L18" in links
    based = markdown(link_base="https://github.com/o/r/blob/abc123/")
    assert "(https://github.com/o/r/blob/abc123/examples/specs/users.yaml#L18)" in based


def test_failing_items_come_first_within_an_entity() -> None:
    rows = table_rows(markdown())[4:]  # after the summary table (3 rows) and the item header
    severities = [cell_text(row[0]).split()[-1] for row in rows]
    assert severities == sorted(severities, key=["error", "warning", "ignored"].index)


# ---------------------------------------------------------------- hostile values


def test_hostile_values_produce_no_html_but_ours() -> None:
    tokens = walk(MD.parse(markdown(hostile())))
    html = [t.content for t in tokens if t.type in ("html_inline", "html_block")]
    assert html, "the marker and <details> are expected"
    for block in html:
        for line in block.splitlines():
            assert OUR_HTML.fullmatch(line), f"HTML from data: {line!r}"


def test_hostile_values_render_as_inert_text() -> None:
    html = MD.render(markdown(hostile()))
    assert "<img" not in html and "<details><summary>x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    prose = re.sub(r"<code>.*?</code>", "", html)  # GitHub pings @names only outside code
    assert "org/team" in prose and "@org" not in prose


def test_no_control_characters_survive() -> None:
    text = markdown(hostile())
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text)


def test_every_row_keeps_its_cells_and_code_spans_hold_the_value_literally() -> None:
    rows = table_rows(markdown(hostile()))
    item_rows = [row for row in rows if len(row) == 8][1:]  # minus the header
    assert len(item_rows) == len(hostile().items)
    assert all(len(row) in (6, 8) for row in rows)
    spec_cells = {"".join(t.content for t in walk(row[4].children or [])) for row in item_rows}
    # changed items show both sides as the same window around their first difference
    shown = [show_pair(i.expected, i.actual, 120) for i in hostile().items]
    assert spec_cells == {terminal(spec) for spec, _ in shown}
    assert len(spec_cells) == len(ATTACKS)
    live_cells = {cell_text(row[5]) for row in item_rows}
    assert live_cells == {terminal(live) for _, live in shown}


def test_hostile_paths_cannot_escape_the_link() -> None:
    hrefs = [t.attrs["href"] for t in walk(MD.parse(markdown(hostile()))) if t.type == "link_open"]
    assert len(hrefs) == len(hostile().items) + 1  # one per item, one for the notice
    for href in hrefs:
        assert isinstance(href, str)
        assert re.fullmatch(r"[A-Za-z0-9%/._~-]+#L\d+", href), href


# ---------------------------------------------------------------- budget


def many_items(n: int) -> Any:
    severities = ("ignored", "warning", "error")
    items = tuple(
        item(
            "changed",
            severities[i % 3],
            connection=f"conn-{i % 7}",
            attribute=f"fields[f{i}].description",
            expected="x" * 80,
            actual="y" * 80,
            line=i + 1,
            reason="accepted" if i % 3 == 0 else None,
        )
        for i in range(n)
    )
    return report(
        items, entities=(EntityStatus(name="users", status="drift", connections_checked=7),)
    )


def test_5000_items_stay_under_the_budget_and_say_how_many_were_left_out() -> None:
    text = markdown(many_items(5000))
    assert len(text) <= 60_000
    rows = [row for row in table_rows(text) if len(row) == 8][1:]
    left = int(re.search(r"\*\*([\d,]+) items left out\*\*", text)[1].replace(",", ""))  # type: ignore[index]
    assert len(rows) + left == 5000 and len(rows) > 100
    assert text.startswith("<!-- driftcheck:report -->\n\n## ❌ driftcheck: drift found")
    assert "**Drift: 1,666 errors, 1,667 warnings, 1,667 ignored" in text
    assert text.count("<details") == text.count("</details>") == 1
    assert {cell_text(row[0]) for row in rows} == {"❌ error"}  # failing rows come first


@pytest.mark.parametrize("budget", [5_000, 20_000, 65_000])
def test_the_budget_is_a_parameter(budget: int) -> None:
    text = markdown(many_items(2000), markdown_budget=budget)
    assert budget - 2_000 < len(text) <= budget
    assert text.count("<details") == text.count("</details>")


def test_a_small_report_is_not_cut() -> None:
    assert "left out" not in markdown()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_value_stays_in_its_cell_and_adds_no_html(value: str) -> None:
    text = markdown(carrying(value))
    for token in walk(MD.parse(text)):
        if token.type in ("html_inline", "html_block"):
            assert all(OUR_HTML.fullmatch(line) for line in token.content.splitlines())
    rows = table_rows(text)
    assert [len(row) for row in rows] == [6, 6, 6, 6, 8, 8, 8]  # summary: header + 3 entities
    assert cell_text(rows[5][4]) == terminal(show_value(value, 120))
