"""The structural rules of the Markdown report, checked on the parsed document (as GitHub
parses it): a reviewer reads the verdict in the first lines, and nothing needs horizontal
scrolling at comment width."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from helpers import MD, walk
from samples import hostile, representative, three_way

from driftcheck.reporters import RenderOptions, render

SAMPLES = {"representative": representative, "three_way": three_way, "hostile": hostile}
ORDER = [
    "Conflicts",
    "Introduced by this change",
    "Resolved by this change",
    "Already drifted before this change",
    "Ignored and warnings",
]


def markdown(rep: Any) -> str:
    return render(rep, "markdown", RenderOptions())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_table_has_at_most_5_columns(name: str) -> None:
    tokens = MD.parse(markdown(SAMPLES[name]()))
    widths, cells = [], 0
    for token in tokens:
        if token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            widths.append(cells)
    assert widths and max(widths) <= 5


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_summary_line_comes_first_before_anything_folds(name: str) -> None:
    text = markdown(SAMPLES[name]())
    tokens = MD.parse(text)
    blocks = [
        t for t in tokens if (t.level == 0 and t.type.endswith("_open")) or t.type == "html_block"
    ]
    assert blocks[0].type == "html_block"  # the hidden marker
    assert blocks[1].type == "heading_open" and blocks[1].tag == "h2"
    assert blocks[2].type == "paragraph_open"
    first = text.index("**", text.index("## "))
    assert first < text.find("<details") or "<details" not in text
    assert first < text.find("|")


def test_the_first_three_lines_say_what_changes_what_conflicts_and_what_drifted_before() -> None:
    lines = [line for line in markdown(three_way()).splitlines() if line][:3]
    assert lines[0] == "<!-- driftcheck:report -->"
    assert "conflicts" in lines[1]
    assert (
        lines[2]
        == "**1 conflict · 2 introduced · 2 existing · 1 resolved · 1 warning · 1 ignored**"
    )


def test_sections_come_in_the_reviewers_order_and_the_old_drift_is_folded() -> None:
    text = markdown(three_way())
    tokens = MD.parse(text)
    headings = [
        after.content
        for before, after in itertools.pairwise(tokens)
        if before.type == "heading_open" and before.tag == "h3"
    ]
    h3 = [h for h in headings if any(word in h for word in ORDER)]
    order = [next(i for i, word in enumerate(ORDER) if word in h) for h in h3]
    assert order == sorted(order) == [0, 1, 2, 3, 4]
    for folded in ORDER[3:]:
        section = text.split(folded)[1].split("\n### ")[0]
        assert section.startswith("\n\n<details>\n<summary>")
    for open_section in ORDER[:3]:
        assert not text.split(open_section)[1].split("\n### ")[0].startswith("\n\n<details>")


def test_every_section_says_what_to_do_and_gives_the_ignore_to_paste() -> None:
    text = markdown(three_way())
    sections = text.split("\n### ")[1:]
    assert len(sections) == 5
    assert all("**What to do:**" in section for section in sections)
    ignores = re.findall(r"```yaml\nignore:\n(.*?)```", text, re.S)
    assert '    field: "nps_score"\n    attribute: "description"\n' in ignores[1]


def test_without_base_one_section_per_entity() -> None:
    text = markdown(representative())
    assert [line for line in text.splitlines() if line.startswith("### ")] == [
        "### ❌ `users`",
        "### ⚠️ Notices",
    ]


def test_no_diff_line_is_wider_than_the_comment() -> None:
    for name, sample in SAMPLES.items():
        if name == "hostile":
            continue  # hostile values are made visible, and may be long
        for fence in (t for t in walk(MD.parse(markdown(sample()))) if t.type == "fence"):
            assert all(len(line) <= 90 for line in fence.content.splitlines()), fence.content
