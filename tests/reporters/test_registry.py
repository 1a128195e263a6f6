"""The reporter registry, the golden file of every format, and the verdict sentence."""

from __future__ import annotations

import pytest
from samples import assert_golden, hostile, item, report, representative, three_way

from driftcheck import cli
from driftcheck.errors import UsageError
from driftcheck.model import EntityError, EntityStatus, Location, Notice
from driftcheck.reporters import FORMATS, RenderOptions, render
from driftcheck.reporters.summary import sentence

SUFFIX = {
    "text": "txt",
    "json": "json",
    "markdown": "md",
    "github": "github.txt",
    "sarif": "sarif",
    "junit": "junit",
}


def test_registry_supplies_every_cli_format() -> None:
    assert FORMATS == ("text", "json", "markdown", "github", "sarif", "junit")
    assert cli.FORMATS is FORMATS


def test_unknown_format_is_a_usage_error_naming_the_formats() -> None:
    with pytest.raises(UsageError, match="formats: text, json, markdown, github, sarif, junit"):
        render(representative(), "yaml", RenderOptions())


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_representative_report_matches_golden(fmt: str, update_golden: bool) -> None:
    assert_golden(
        f"representative.{SUFFIX[fmt]}",
        render(representative(), fmt, RenderOptions()),
        update_golden,
    )


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_three_way_report_matches_golden(fmt: str, update_golden: bool) -> None:
    options = RenderOptions(link_base="https://github.com/octo/specs/blob/9f8e7d6c5b4a/")
    assert_golden(f"three_way.{SUFFIX[fmt]}", render(three_way(), fmt, options), update_golden)


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_hostile_report_matches_golden(fmt: str, update_golden: bool) -> None:
    assert_golden(f"hostile.{SUFFIX[fmt]}", render(hostile(), fmt, RenderOptions()), update_golden)


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_every_format_is_newline_terminated_and_deterministic(fmt: str) -> None:
    first = render(representative(), fmt, RenderOptions())
    assert first.endswith("\n") and first == render(representative(), fmt, RenderOptions())


@pytest.mark.parametrize("fmt", ["text", "markdown", "github"])
def test_an_unreadable_entity_is_never_shown_as_green(fmt: str) -> None:
    unreadable = report(
        errors=(EntityError(entity="accounts", message="HTTP 403 Forbidden"),),
        entities=(
            EntityStatus(name="users", status="in_sync", connections_checked=2),
            EntityStatus(name="accounts", status="error", connections_checked=0),
        ),
    )
    out = render(unreadable, fmt, RenderOptions())
    assert "INCOMPLETE: 1 of 2 entities could not be read" in out
    assert "In sync" not in out and "✅ driftcheck" not in out
    assert "HTTP 403 Forbidden" in out


@pytest.mark.parametrize(
    ("items", "errors", "expected"),
    [
        ((), (), "In sync: 2 entities, 3 connections checked"),
        (
            (
                item("unexpected", "warning", field="x"),
                item("changed", "ignored", attribute="type", reason="r"),
            ),
            (),
            "In sync with 1 warning, 1 ignored: 2 entities, 3 connections checked",
        ),
        (
            (item("missing"), item("changed", attribute="type"), item("unexpected", "warning")),
            (),
            "Drift: 2 errors, 1 warning in 1 of 2 entities (3 connections checked)",
        ),
        (
            (item("missing"),),
            (EntityError(entity="accounts", message="boom"),),
            "INCOMPLETE: 1 of 2 entities could not be read; in the 1 entity checked: 1 error "
            "(2 connections checked)",
        ),
    ],
)
def test_the_verdict_sentence_states_status_and_counts(
    items: tuple,
    errors: tuple,
    expected: str,  # type: ignore[type-arg]
) -> None:
    assert sentence(report(items, errors=errors)) == expected


def test_nothing_checked_when_every_entity_failed() -> None:
    failed = report(
        errors=(EntityError(entity="users", message="boom"),),
        entities=(EntityStatus(name="users", status="error", connections_checked=0),),
    )
    assert sentence(failed) == "INCOMPLETE: 1 of 1 entity could not be read; nothing was checked"


def test_notices_are_counted_in_the_verdict() -> None:
    notice = Notice(kind="stale_ignore", message="matches nothing", source=Location("a.yaml", 3, 5))
    assert sentence(report(notices=(notice,))).endswith("; 1 notice")
