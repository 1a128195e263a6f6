"""The text report: plan-like grouping, wording of each kind, colour only when asked."""

from __future__ import annotations

import re

from samples import hostile, item, report, representative

from driftcheck.reporters import RenderOptions, render

OUR_SGR = re.compile(r"\x1b\[(?:0|1|2|31|32|33|1;31)m")


def text(rep: object = None, *, color: bool = False) -> str:
    return render(rep or representative(), "text", RenderOptions(color=color))  # type: ignore[arg-type]


def test_items_are_grouped_by_entity_then_connection() -> None:
    lines = text().splitlines()
    assert lines[0] == "users: drift, 4 connections checked"
    assert lines[1] == "  connection user-profiles-connection"
    headers = [line.strip() for line in lines if line.startswith("  connection ")]
    assert headers == ["connection user-profiles-connection", "connection crm-integration"]


def test_changed_item_shows_spec_and_datadog_values_source_and_attribution() -> None:
    out = text()
    assert (
        "    ~ fields[customer_tier].display_name: the spec and Datadog differ  [error]\n"
        '        spec:    "Customer Tier"\n'
        '        datadog: "Tier"\n'
        "        at examples/specs/users.yaml:18:9\n"
        "        connection last updated 2026-11-20T10:02:11Z by jane@example.com\n"
    ) in out


def test_symbols_follow_terraform_and_are_worded() -> None:
    out = text()
    assert "    + field lifetime_value: declared in the spec, missing in Datadog  [error]" in out
    assert "    - field churn_risk: in Datadog, not declared in the spec  [warning]" in out
    # a whole connection is its own header line
    assert "  + connection warehouse-sync: declared in the spec, missing in Datadog  [error]" in out
    assert "  - connection legacy-import: in Datadog, not declared in the spec  [error]" in out


def test_absent_values_are_shown_as_not_set() -> None:
    assert "        datadog: (not set)\n" in text()


def test_ignored_items_show_their_reason() -> None:
    assert (
        "[ignored]\n" in text()
        and "        ignored: the data team edits this description in the Datadog UI\n" in text()
    )


def test_unreadable_entity_notices_and_verdict() -> None:
    out = text()
    assert (
        "accounts: NOT CHECKED: could not be read: HTTP 503 Service Unavailable from "
        "https://api.datadoghq.com (after 4 attempts)\n"
    ) in out
    assert (
        "  warning: examples/specs/users.yaml:58:5: ignore entry matches nothing declared "
        "or live: users/old-connection\n"
    ) in out
    assert out.endswith(
        "INCOMPLETE: 1 of 2 entities could not be read; in the 1 entity checked: "
        "7 errors, 1 warning, 1 ignored (4 connections checked); 2 notices\n"
    )


def test_in_sync_report() -> None:
    assert text(report()) == (
        "users: in sync, 2 connections checked\n\n"
        "accounts: in sync, 1 connection checked\n\n"
        "In sync: 2 entities, 3 connections checked\n"
    )


def test_no_colour_unless_asked() -> None:
    assert "\x1b" not in text()
    coloured = text(color=True)
    assert "\x1b[31m~\x1b[0m fields[customer_tier].display_name" in coloured
    assert coloured.rstrip("\n").endswith("\x1b[0m")
    assert OUR_SGR.sub("", coloured) == text()


def test_colour_of_the_verdict_follows_the_status() -> None:
    assert text(report(), color=True).endswith(
        "\x1b[32mIn sync: 2 entities, 3 connections checked\x1b[0m\n"
    )
    drift = text(report((item("missing"),)), color=True)
    assert drift.splitlines()[-1].startswith("\x1b[1;31mDrift: 1 error")


def test_hostile_values_cannot_drive_the_terminal() -> None:
    for color in (False, True):
        out = text(hostile(), color=color)
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", OUR_SGR.sub("", out))
        # data newlines stay inside their line: every line is one of ours
        for line in out.splitlines():
            assert not line.startswith(("::", "line2", "%0A")), line
    assert "\\e[31mred\\e[0m" in text(hostile())
    assert "\\e]8;;http://x\\x07link" in text(hostile())


def test_long_values_wrap_at_spaces_to_the_terminal_width_and_tokens_stay_whole() -> None:
    from samples import item, report

    from driftcheck.reporters import RenderOptions, render

    long_url = "https://example.com/" + "a" * 90
    changed = item(kind="changed", attribute="description", expected="word " * 30, actual=long_url)
    text = render(report(items=(changed,)), "text", RenderOptions(width=60))
    lines = text.splitlines()
    assert all(len(line) <= 60 for line in lines if long_url not in line)
    assert any(line.strip() == f'"{long_url}"' for line in lines)  # never cut mid-token
    assert " ".join(text.split()).count("word") == 30  # nothing lost, only re-flowed
    assert render(report(items=(changed,)), "text", RenderOptions()).count("\n") < len(lines)
