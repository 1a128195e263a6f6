"""The Markdown report: structure, escaping of hostile values (checked by parsing it), budget."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import replace
from typing import Any

import pytest
import yaml
from helpers import MD, table_rows, walk
from hypothesis import given, settings
from hypothesis import strategies as st
from samples import (
    carrying,
    hostile,
    item,
    report,
    representative,
    three_way,
)

from driftcheck.escape import terminal
from driftcheck.model import EntityStatus, LiveSource, Location
from driftcheck.reporters import RenderOptions, render
from driftcheck.reporters.markdown_head import read_time
from driftcheck.reporters.summary import show_value

OUR_HTML = re.compile(
    r"<!-- driftcheck:report -->|<details( open)?>|</details>|"
    r"<summary>[0-9,]+ [a-zA-Z0-9, ]+</summary>"
)


def markdown(rep: Any = None, **options: Any) -> str:
    return render(rep or representative(), "markdown", RenderOptions(**options))


ITEM_LINE = re.compile(r"^- (❌|⚠️|💤|✅) \*\*", re.M)


def items_shown(text: str) -> int:
    return len(ITEM_LINE.findall(text))


def test_starts_with_the_hidden_marker_then_the_headline_then_the_summary_line() -> None:
    lines = markdown().splitlines()
    assert lines[0] == "<!-- driftcheck:report -->"
    assert lines[2] == "## 🛑 driftcheck: check incomplete"
    assert lines[4] == "**7 errors · 1 warning · 1 ignored · 1 entity unreadable**"


def test_headline_per_status() -> None:
    assert "## ✅ driftcheck: in sync\n" in markdown(report())
    warned = report((item("unexpected", "warning", field="x"),))
    assert "## ⚠️ driftcheck: in sync, with warnings" in markdown(warned)
    assert "## ❌ driftcheck: drift found" in markdown(report((item("missing"),)))


def test_in_sync_report_has_a_summary_table_and_no_item_sections() -> None:
    text = markdown(report())
    assert "| `users` | ✅ in sync | 2 | 0 | 0 |" in text
    assert "<details" not in text and "###" not in text


def test_unreadable_entity_gets_a_caution_block_with_its_message() -> None:
    text = markdown()
    assert "> [!CAUTION]\n> **The check is incomplete:** 1 entity could not be read" in text
    assert "| `accounts` | 🛑 could not be read |" in text


def test_an_entity_section_is_folded_unless_it_has_failing_items() -> None:
    assert "<details" not in markdown().split("### ❌ `users`")[1].split("###")[0]
    warned = report((item("unexpected", "warning", field="x"),))
    assert "### ⚠️ `users`\n\n<details>\n<summary>1 not in the spec</summary>" in markdown(warned)


def test_items_link_to_the_spec_line() -> None:
    links = [t.attrs["href"] for t in walk(MD.parse(markdown())) if t.type == "link_open"]
    assert "examples/specs/users.yaml#L18" in links
    based = markdown(link_base="https://github.com/o/r/blob/abc123/")
    assert "(https://github.com/o/r/blob/abc123/examples/specs/users.yaml#L18)" in based


def test_failing_items_come_first_within_an_entity() -> None:
    icons = [m.group(1) for m in ITEM_LINE.finditer(markdown())]
    assert icons == sorted(icons, key=["❌", "⚠️", "💤"].index)


def test_a_changed_value_shows_datadog_and_spec_on_lines_of_their_own() -> None:
    text = markdown()
    assert '  - datadog: "Tier"\n  + spec:    "Customer Tier"\n' in text


def test_a_whole_connection_is_a_short_complete_summary_not_json() -> None:
    text = markdown()
    assert "type `snowflake` · join `user_id` (`user_id`) · 0 fields" in text
    assert '{"type"' not in text


def test_attribution_once_per_connection_and_the_nil_uuid_is_unknown() -> None:
    text = markdown(three_way())
    wording = "connection last updated 2026\\-11\\-24T16\\:40\\:00Z by an unknown user"
    assert text.count(wording) == 2
    assert "00000000" not in text
    # one attribution line per connection block, not per item
    block = text.split("**`users` · `user-profiles-connection`**")[1].split("**`users`")[0]
    assert block.count("last updated") == 1


def test_long_values_are_cut_around_their_first_difference() -> None:
    text = markdown(three_way())
    assert '- datadog: …ey, 0 to 10, answered by any contact"' in text
    assert "+ spec:    …ey, 0 to 10, answered by the account's main contact\"" in text


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
    prose = re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", html, flags=re.S)
    assert "org/team" in prose and "@org" not in prose


def test_no_control_characters_survive() -> None:
    text = markdown(hostile())
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text)


def test_every_item_is_one_entry_and_values_stay_in_their_diff_lines() -> None:
    text = markdown(hostile())
    assert items_shown(text) == len(hostile().items)
    fences = [t for t in walk(MD.parse(text)) if t.type == "fence"]
    changed = [i for i in hostile().items if i.kind == "changed"]
    assert len(fences) == len(changed) + 1  # + the ignore entry to paste
    for fence, found in zip(fences[1:], changed, strict=True):
        assert fence.info == "diff"
        lines = fence.content.splitlines()
        if lines[0] == "(- spec, + datadog)":  # multi-line text: a line diff, one line each
            assert all(line[:2] in ("-|", "+|", " |", "@@", "… ") for line in lines[1:])
        else:
            assert [line[:10] for line in lines] == ["- datadog:", "+ spec:   "]
            assert lines[1].endswith(terminal(show_value(found.expected, 10**6))[-20:])


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
    left = int(re.search(r"\*\*([\d,]+) items left out\*\*", text)[1].replace(",", ""))  # type: ignore[index]
    assert items_shown(text) + left == 5000 and items_shown(text) > 100
    assert text.startswith("<!-- driftcheck:report -->\n\n## ❌ driftcheck: drift found")
    assert "**1,666 errors · 1,667 warnings · 1,667 ignored**" in text
    assert text.count("<details") == text.count("</details>")
    assert set(m.group(1) for m in ITEM_LINE.finditer(text)) == {"❌"}  # failing first


def test_only_what_is_shown_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    from driftcheck.reporters import markdown_items

    built = []
    real = markdown_items.item_entry
    monkeypatch.setattr(
        markdown_items, "item_entry", lambda i, o, h=None: built.append(i) or real(i, o, h)
    )
    text = markdown(many_items(10_000))
    assert len(built) <= items_shown(text) + 1  # the one that did not fit, at most


@pytest.mark.parametrize("budget", [5_000, 20_000, 65_000])
def test_the_budget_is_a_parameter(budget: int) -> None:
    text = markdown(many_items(2000), markdown_budget=budget)
    assert budget - 2_000 < len(text) <= budget
    assert text.count("<details") == text.count("</details>")


def test_a_small_report_is_not_cut() -> None:
    assert "left out" not in markdown()
    assert "left out" not in markdown(three_way())


@settings(max_examples=60, deadline=None)
# not the name of an entity the sample already holds: its unreadable entity would share a row
@given(st.text(max_size=40).filter(lambda v: v not in ("users", "accounts")))
def test_any_value_stays_in_its_place_and_adds_no_html(value: str) -> None:
    text = markdown(carrying(value))
    for token in walk(MD.parse(text)):
        if token.type in ("html_inline", "html_block"):
            assert all(OUR_HTML.fullmatch(line) for line in token.content.splitlines())
    assert [len(row) for row in table_rows(text)] == [5, 5, 5, 5]
    assert items_shown(text) == 2
    diff = next(t for t in walk(MD.parse(text)) if t.type == "fence" and t.info == "diff")
    shown = terminal(show_value(value, 10**6))
    if len(shown) <= 70:
        assert diff.content == f"- datadog: {shown}\n+ spec:    {shown}\n"


def test_a_resolved_item_links_to_its_line_in_the_base_commit() -> None:
    text = markdown(three_way(), link_base="https://github.com/o/r/blob/head123/")
    resolved = text.split("Resolved by this change")[1].split("\n### ")[0]
    assert (
        "(https://github.com/o/r/blob/4f2c9e1b" + "0" * 32 + "/examples/specs/users.yaml#L12)"
        in resolved
    )
    introduced = text.split("Introduced by this change")[1].split("\n### ")[0]
    assert "https://github.com/o/r/blob/head123/examples/specs/users.yaml#L27" in introduced


# ---------------------------------------------------------------- the time of the check


@settings(max_examples=30, deadline=None)
@given(
    make=st.sampled_from([representative, hostile, three_way]),
    first=st.text(max_size=25),
    second=st.text(max_size=25),
    snapshot=st.none() | st.text(max_size=10),
)
def test_the_time_of_the_read_is_the_only_time_shown_and_the_digest_can_leave_it_out(
    make: Any, first: str, second: str, snapshot: str | None
) -> None:
    """What the comment's digest relies on (``markdown_head.read_time``): the head shows one
    time, the read's (the check's own when nothing was read), written exactly as
    ``read_time`` says; without it two runs at other times render the same."""
    reads = [
        dataclasses.replace(
            make(), generated_at=when, live=LiveSource(read_at=when, snapshot=snapshot)
        )
        for when in (first, second)
    ]
    unread = [dataclasses.replace(make(), generated_at=when, live=None) for when in (first, second)]
    for pair in (reads, unread):
        shown = [render(rep, "markdown") for rep in pair]
        assert all(read_time(rep) in text for rep, text in zip(pair, shown, strict=True))
        timeless = [
            text.replace(read_time(rep), "read at", 1)
            for rep, text in zip(pair, shown, strict=True)
        ]
        assert timeless[0] == timeless[1]


def test_the_suggested_ignore_entry_escapes_every_selector() -> None:
    """Connection, field and attribute ids holding '*', '?' or '\\' are escaped: the entry
    accepts its item and none of the look-alikes a glob would."""
    from driftcheck.ignores import matches
    from driftcheck.model import IgnoreRule
    from driftcheck.reporters.markdown_items import ignore_yaml

    drifted = item(
        kind="changed", connection="c*", field="f?\\", attribute="fields[f?\\].metadata.k*"
    )
    block = ignore_yaml(drifted).removeprefix("```yaml\n").removesuffix("```\n")
    entry = yaml.safe_load(block)["ignore"][0]
    assert (entry["connection"], entry["field"], entry["attribute"]) == (
        "c\\*",
        "f\\?\\\\",
        "metadata.k\\*",
    )
    rule = IgnoreRule(
        entity=entry["entity"],
        connection=entry["connection"],
        field=entry["field"],
        attribute=entry["attribute"],
        reason=entry["reason"],
        expires=None,
        location=Location("s.yaml", 1, 1),
    )
    assert matches(rule, drifted)
    for lookalike in (
        replace(drifted, connection="cx"),
        replace(drifted, field="fx\\", attribute="fields[fx\\].metadata.k*"),
        replace(drifted, attribute="fields[f?\\].metadata.kx"),
    ):
        assert not matches(rule, lookalike), lookalike
