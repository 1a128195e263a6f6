"""The JSON report's drift items written from a template are the standard encoder's text."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from samples import hostile, report, representative, three_way

from driftcheck.escape import json_text
from driftcheck.model import Attribution, DriftItem, Location
from driftcheck.reporters import RenderOptions, render
from driftcheck.reporters.json_ import to_document

TEXT = st.text(max_size=12)  # any code point, lone surrogates included
NULLABLE = st.none() | TEXT
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(TEXT, inner, max_size=3)
        | st.frozensets(st.integers(), max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def items(draw: st.DrawFn) -> DriftItem:
    who = draw(
        st.none()
        | st.builds(
            Attribution,
            created_at=NULLABLE,
            created_by=NULLABLE,
            updated_at=NULLABLE,
            updated_by=NULLABLE,
        )
    )
    source = draw(st.none() | st.builds(Location, TEXT, st.integers(0, 10**6), st.integers(0, 99)))
    return DriftItem(
        kind=draw(st.sampled_from(["missing", "unexpected", "changed"])),
        severity=draw(st.sampled_from(["error", "warning", "ignored"])),
        entity=draw(TEXT),
        connection=draw(TEXT),
        field=draw(NULLABLE),
        attribute=draw(NULLABLE),
        expected=draw(JSON),
        actual=draw(JSON),
        source=source,
        attribution=who,
        reason=draw(NULLABLE),
        origin=draw(st.sampled_from([None, "introduced", "existing", "conflict"])),
        base_expected=draw(JSON),
    )


def standard(rep: Any) -> str:
    """The JSON report as the standard encoder writes the plain document."""
    document = to_document(rep)
    try:
        text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(document, indent=2, ensure_ascii=True, allow_nan=False)
    return json_text(text) + "\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(items(), max_size=4), st.lists(items(), max_size=2))
def test_the_items_template_writes_what_the_standard_encoder_writes(
    drift: list[DriftItem], resolved: list[DriftItem]
) -> None:
    rep = report(tuple(drift))
    if resolved:  # with a base: the resolved items are written by the template too
        rep = dataclasses.replace(three_way(), items=tuple(drift), resolved=tuple(resolved))
    assert render(rep, "json", RenderOptions()) == standard(rep)


def test_the_sample_reports_are_written_as_the_standard_encoder_writes_them() -> None:
    for rep in (representative(), three_way(), hostile(), report()):
        assert render(rep, "json", RenderOptions()) == standard(rep)


def test_values_json_cannot_hold_are_still_written_as_strings() -> None:
    odd = DriftItem(
        kind="changed",
        severity="error",
        entity="users",
        connection="c",
        source=None,
        expected=math.nan,
        actual={"k": [math.inf, {1, 2}]},
    )
    rep = report((odd,))
    text = render(rep, "json", RenderOptions())
    assert text == standard(rep)
    assert json.loads(text)["drift"][0]["expected"] == "nan"
