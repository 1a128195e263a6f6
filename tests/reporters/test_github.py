"""GitHub Actions output: annotations, their limits and escaping; the job summary file."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from samples import carrying, hostile, item, report, representative

from driftcheck.model import EntityError, EntityStatus, Location, Notice
from driftcheck.reporters import RenderOptions, render

COMMAND = re.compile(r"::(error|warning|notice) ([^:]*)::(.*)")
PROPERTIES = {"file", "line", "col", "title"}


def github(rep: object = None) -> list[str]:
    return render(rep or representative(), "github", RenderOptions()).splitlines()  # type: ignore[arg-type]


def commands(lines: list[str]) -> list[tuple[str, dict[str, str], str]]:
    """Parse every workflow command; fail on any line that is neither ours nor the verdict."""
    parsed = []
    for line in lines:
        if line.startswith("driftcheck: "):
            continue
        match = COMMAND.fullmatch(line)
        assert match, f"not a well-formed command: {line!r}"
        props = dict(prop.split("=", 1) for prop in match[2].split(","))
        assert set(props) <= PROPERTIES, props
        parsed.append((match[1], props, match[3]))
    return parsed


def test_one_annotation_per_failing_item_at_its_spec_line() -> None:
    parsed = commands(github())
    levels = [level for level, _, _ in parsed]
    assert levels == ["error"] * 8 + ["warning"] * 3  # 1 entity error, 7 items; 1 item, 2 notices
    _, props, message = parsed[1]
    assert props == {
        "file": "examples/specs/users.yaml",
        "line": "18",
        "col": "9",
        "title": "driftcheck%3A fields[customer_tier].display_name differs from the spec",
    }
    assert message == (
        "users/user-profiles-connection: fields[customer_tier].display_name: "
        'the spec and Datadog differ%0Aspec: "Customer Tier"%0Adatadog: '
        '"Tier"%0Aconnection last updated 2026-11-20T10:02:11Z by jane@example.com'
    )


def test_ignored_items_are_not_annotated() -> None:
    assert "signup_source" not in "\n".join(github())


def test_entity_errors_come_first_without_a_file() -> None:
    level, props, message = commands(github())[0]
    assert level == "error" and "file" not in props
    assert message.startswith("accounts: could not be read, its drift is unknown: HTTP 503")


def test_items_without_a_source_have_no_file_property() -> None:
    level, props, _ = commands(github(report((item("missing", line=None),))))[0]
    assert level == "error" and set(props) == {"title"}


def test_the_verdict_is_the_last_line() -> None:
    assert github()[-1].startswith("driftcheck: INCOMPLETE: 1 of 2 entities could not be read")
    assert github(report()) == ["driftcheck: In sync: 2 entities, 3 connections checked"]


def test_at_most_ten_of_each_level_then_one_notice_counting_the_rest() -> None:
    items = tuple(item("missing", field=f"e{i}") for i in range(24)) + tuple(
        item("unexpected", "warning", field=f"w{i}") for i in range(13)
    )
    errors = (EntityError(entity="accounts", message="timeout"),)
    parsed = commands(
        github(
            report(
                items,
                errors=errors,
                entities=(
                    EntityStatus(name="users", status="drift", connections_checked=1),
                    EntityStatus(name="accounts", status="error", connections_checked=0),
                ),
            )
        )
    )
    levels = [level for level, _, _ in parsed]
    assert levels == ["error"] * 10 + ["warning"] * 10 + ["notice"]
    assert "accounts" in parsed[0][2]  # the unreadable entity is never among the dropped
    assert parsed[-1][2].startswith("15 more errors and 3 more warnings not annotated")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 13), st.integers(0, 13), st.integers(0, 13), st.integers(0, 13))
def test_past_the_cap_items_are_counted_and_the_first_ones_shown(
    entity_errors: int, errors: int, warnings: int, notices: int
) -> None:
    items = tuple(item("missing", field=f"e{i}") for i in range(errors)) + tuple(
        item("unexpected", "warning", field=f"w{i}") for i in range(warnings)
    )
    rep = report(
        items,
        errors=tuple(EntityError(entity=f"x{i}", message="down") for i in range(entity_errors)),
        notices=tuple(
            Notice(kind="stale_ignore", message=f"n{i}", source=Location("s.yaml", i + 1, 1))
            for i in range(notices)
        ),
    )
    parsed = commands(github(rep))
    shown_errors = [m for level, _, m in parsed if level == "error"]
    shown_warnings = [m for level, _, m in parsed if level == "warning"]
    want_errors = [f"x{i}:" for i in range(entity_errors)] + [f"field e{i}:" for i in range(errors)]
    want_warnings = [f"field w{i}:" for i in range(warnings)] + [f"n{i}" for i in range(notices)]
    assert len(shown_errors) == min(10, len(want_errors))
    assert len(shown_warnings) == min(10, len(want_warnings))
    for shown, wanted in zip(
        shown_errors + shown_warnings, want_errors[:10] + want_warnings[:10], strict=True
    ):
        assert wanted in shown
    more = [m for level, _, m in parsed if level == "notice"]
    hidden = (len(want_errors) - 10, len(want_warnings) - 10)
    if max(hidden) <= 0:
        assert not more
    else:
        counted = " and ".join(
            f"{n} more {level}{'s' if n > 1 else ''}"
            for level, n in zip(("error", "warning"), hidden, strict=True)
            if n > 0
        )
        assert more == [more[0]] and more[0].startswith(f"{counted} not annotated")


def test_hostile_values_cannot_start_or_break_a_command() -> None:
    lines = github(hostile())
    parsed = commands(lines)  # every line parses as one of ours
    assert len(parsed) == 10 + 10 + 1
    text = "\n".join(lines)
    assert "\r" not in text and "\x1b" not in text and "\x07" not in text
    for _, props, message in parsed:
        assert "%0A::" not in message.replace("%250A::", "")  # data's "%0A" is encoded as %250A
        for value in props.values():
            assert not set(value) & set(",:\r\n")


def test_a_leading_dot_slash_is_dropped_from_the_file() -> None:
    (_, props, _), *_ = commands(github(report((item("missing", file="./specs/u.yaml"),))))
    assert props["file"] == "specs/u.yaml"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_value_gives_one_well_formed_command_per_item(value: str) -> None:
    parsed = commands(github(carrying(value)))
    assert [level for level, _, _ in parsed] == ["error", "error", "warning"]
