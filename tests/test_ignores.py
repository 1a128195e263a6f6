"""Review findings in ignore entries: field ids are free text."""

from __future__ import annotations

import pytest

from driftcheck.ignores import apply, relative_attribute
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
