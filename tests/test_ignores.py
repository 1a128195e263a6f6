"""Review findings in ignore entries: field ids are free text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from driftcheck.ignores import apply, escape, glob, relative_attribute
from driftcheck.model import DriftItem, IgnoreRule, Location

HERE = Location("specs/users.yaml", 9, 5)


def _changed(field: str, attribute: str) -> DriftItem:
    return DriftItem(
        kind="changed",
        severity="error",
        entity="users",
        connection="crm",
        field=field,
        attribute=f"fields[{field}].{attribute}",
        expected="a",
        actual="b",
        source=HERE,
    )


@pytest.mark.parametrize("field", ["tier", "a].b", "x].description", "ü]."])
def test_attribute_selector_matches_fields_whose_ids_hold_brackets(field: str) -> None:
    item = _changed(field, "description")
    assert relative_attribute(item) == "description"
    rule = IgnoreRule(
        entity="users",
        connection=None,
        field=field,
        attribute="description",
        reason="edited in the UI",
        expires=None,
        location=HERE,
    )
    [ignored] = apply([item], [rule])
    assert (ignored.severity, ignored.reason) == ("ignored", "edited in the UI")


def test_an_attribute_selector_does_not_match_another_attribute() -> None:
    rule = IgnoreRule(
        entity="users",
        connection=None,
        field="a].b",
        attribute="type",
        reason="r",
        expires=None,
        location=HERE,
    )
    [item] = apply([_changed("a].b", "description")], [rule])
    assert item.severity == "error"


@pytest.mark.parametrize(
    ("name", "pattern", "selected"),
    [
        ("crm*", "crm\\*", True),
        ("crm1", "crm\\*", False),
        ("crm1", "crm*", True),
        ("a?b", "a\\?b", True),
        ("axb", "a\\?b", False),
        ("a\\b", "a\\\\b", True),  # an escaped backslash
        ("a\\b", "a\\b", True),  # a backslash before another character is literal
        ("a\\xyz", "a\\*", False),
        ("a\\xyz", "a\\\\*", True),  # a literal backslash, then a glob
        ("a[1]", "a[1]", True),  # brackets are literal: never a character class
        ("a1", "a[1]", False),
        ("x\\", "x\\", True),
    ],
)
def test_a_backslash_makes_a_glob_character_literal(
    name: str, pattern: str, selected: bool
) -> None:
    assert glob(name, pattern) is selected


@given(st.text(alphabet="ab*?\\[]."), st.text(alphabet="ab*?\\[]."))
def test_an_escaped_id_selects_exactly_that_id(text: str, other: str) -> None:
    assert glob(text, escape(text))
    assert glob(other, escape(text)) is (other == text)
