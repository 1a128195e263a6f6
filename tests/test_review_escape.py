"""Review findings in escaping: Unicode line separators are line breaks for many readers."""

from __future__ import annotations

import pytest

from driftcheck.escape import md_code, terminal, workflow_data, workflow_property


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
