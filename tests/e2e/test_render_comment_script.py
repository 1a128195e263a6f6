"""scripts/render_comment.py keeps working (the screenshot itself needs Chromium and is for
people; this test runs everything before it): a real three-way check of the examples, and
the page with GitHub's Markdown CSS at comment width."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "render_comment", ROOT / "scripts" / "render_comment.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_change_has_every_section_and_the_page_has_githubs_css() -> None:
    render = script()
    markdown = render.report_markdown(base=True)
    lines = markdown.splitlines()
    assert (
        lines[4]
        == "**1 conflict · 1 introduced · 6 existing · 1 resolved · 2 warnings · 1 ignored**"
    )
    for section in ("Conflicts", "Introduced by this change", "Resolved by this change"):
        assert section in markdown
    html = render.page(markdown, unfold=False)
    assert ".markdown-body" in html and "width: 780px" in html
    assert '<span class="pl-md">- datadog: &quot;Subscription Tier&quot;</span>' in html
    assert "<details>" in html and "<details open>" in render.page(markdown, unfold=True)
