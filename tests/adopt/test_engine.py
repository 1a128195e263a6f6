"""adopt_paths: what is selected, what is refused and why, and that nothing is half done."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from driftcheck.adopt.engine import AdoptResult, adopt_paths
from driftcheck.adopt.select import Selection, parse_kinds
from driftcheck.errors import SpecInvalid, UsageError
from driftcheck.model import EntityRead, LiveState

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
WHO = {"updated_at": "2026-11-20T10:02:11Z", "updated_by": "jane@example.com"}

SHARED = """\
version: 1
entities:
  users:
    connections:
      - id: a
        type: ref_table
        join: &email {attribute: user_email, type: email}
      - id: b
        type: ref_table
        join: *email
"""


def spec(tail: str = "", *, policies: str = "") -> str:
    """A spec declaring connection ``a`` of users (``tail``: more top-level keys)."""
    return (
        "version: 1\nentities:\n  users:\n" + policies + "    connections:\n"
        "      - id: a\n        type: ref_table\n"
        "        join: {attribute: user_email, type: email}\n" + tail
    )


def conn(id: str, jtype: str = "email", **extra: Any) -> dict[str, Any]:
    return {
        "id": id,
        "type": "ref_table",
        "join": {"attribute": "user_email", "type": jtype},
        **WHO,
        **extra,
    }


def adopt(tmp_path: Path, text: str, live: list[dict[str, Any]], **selection: Any) -> AdoptResult:
    spec = tmp_path / "users.yaml"
    spec.write_text(text, encoding="utf-8")
    read = EntityRead(entity="users", connections=tuple(live))
    state = LiveState(site="s", read_at="t", entities={"users": read})
    return adopt_paths(
        [str(spec)],
        selection=Selection(**selection),
        entities=(),
        read=lambda entities: state,
        now=NOW,
    )


def test_an_edit_below_an_alias_is_refused_naming_every_place(tmp_path: Path) -> None:
    result = adopt(tmp_path, SHARED, [conn("a", "string"), conn("b")])
    [refusal] = result.refused
    assert result.files == () and result.changes == ()
    path = tmp_path / "users.yaml"
    assert f"anchor &email at {path}:7:15" in refusal.message
    assert f"aliases at {path}:10:15" in refusal.message
    assert "edit them by hand" in refusal.message


def test_a_value_merged_from_a_shared_mapping_is_refused(tmp_path: Path) -> None:
    text = """\
version: 1
entities:
  users:
    connections:
      - &base
        id: a
        type: ref_table
        join: {attribute: user_email, type: email}
      - <<: *base
        id: b
"""
    result = adopt(tmp_path, text, [conn("a"), {**conn("b"), "type": "snowflake"}])
    [refusal] = result.refused
    assert "anchor &base" in refusal.message and "aliases at " in refusal.message
    assert refusal.message.count("users.yaml:5:9") == 1 and "users.yaml:9:13" in refusal.message


def test_one_refusal_means_nothing_is_written(tmp_path: Path) -> None:
    """All or nothing: the connection that could be added is not added either."""
    result = adopt(tmp_path, SHARED, [conn("a", "string"), conn("b"), conn("c")])
    assert len(result.selected) == 2
    assert len(result.refused) == 1 and not result.adopted
    assert result.files == ()


def test_ignored_items_are_left_alone(tmp_path: Path) -> None:
    text = spec(
        "ignore:\n  - entity: users\n    connection: a\n    attribute: join.type\n"
        "    reason: reviewed\n"
    )
    result = adopt(tmp_path, text, [conn("a", "string")])
    assert result.selected == () and result.files == ()
    assert [i.severity for i in result.before.items] == ["ignored"]


def test_items_under_an_ignore_policy_are_left_alone(tmp_path: Path) -> None:
    text = spec(policies="    unmanaged_connections: ignore\n    unmanaged_fields: ignore\n")
    fields = [{"id": "f", "source_name": "f", "type": "string"}]
    result = adopt(tmp_path, text, [conn("a", fields=fields), conn("other")])
    assert result.selected == () and result.files == ()


def test_server_managed_attributes_are_never_written(tmp_path: Path) -> None:
    text = spec(policies="    unmanaged_connections: warn\n")
    field = {"id": "f", "source_name": "f", "type": "string", "created_by": "x@example.com"}
    result = adopt(tmp_path, text, [conn("a", fields=[field]), conn("b", created_at="2026")])
    [written] = result.files
    assert "id: b" in written.new and "id: f" in written.new
    for key in ("created_at", "created_by", "updated_at", "updated_by", "jane@example.com"):
        assert key not in written.new


def test_a_value_that_is_not_a_string_is_refused(tmp_path: Path) -> None:
    text = SHARED.replace("join: *email", "join: {attribute: user_email, type: email}")
    result = adopt(tmp_path, text, [conn("a"), {**conn("b"), "type": 5}])
    [refusal] = result.refused
    assert "not a string" in refusal.message and result.files == ()


def test_a_result_that_would_be_invalid_is_refused(tmp_path: Path) -> None:
    """An empty type is invalid in spec v1: adopting it would write a broken spec."""
    text = SHARED.replace("join: *email", "join: {attribute: user_email, type: email}")
    result = adopt(tmp_path, text, [conn("a"), {**conn("b"), "type": ""}])
    [refusal] = result.refused
    assert "would be invalid" in refusal.message and "nothing was written" in refusal.message
    assert refusal.where is not None and refusal.where.startswith(str(tmp_path))


def test_a_live_field_spec_v1_cannot_hold_is_refused(tmp_path: Path) -> None:
    text = SHARED.replace("join: *email", "join: {attribute: user_email, type: email}")
    field = {"id": "f", "source_name": "", "type": "string"}
    result = adopt(tmp_path, text, [conn("a"), conn("b", fields=[field])])
    [refusal] = result.refused
    assert "'source_name' is empty" in refusal.message


def test_missing_items_are_only_removed_when_asked(tmp_path: Path) -> None:
    text = SHARED.replace("join: *email", "join: {attribute: user_email, type: email}")
    default = adopt(tmp_path, text, [conn("a")])
    assert default.selected == () and [i.kind for i in default.before.items] == ["missing"]
    removed = adopt(tmp_path, text, [conn("a")], kinds=("missing",))
    [written] = removed.files
    assert "id: b" not in written.new and "id: a" in written.new


def test_connection_and_field_globs_narrow_the_selection(tmp_path: Path) -> None:
    text = """\
version: 1
entities:
  users:
    connections:
      - id: crm-a
        type: ref_table
        join: {attribute: user_email, type: email}
        fields:
          - {id: tier, source_name: tier, type: string}
          - {id: plan, source_name: plan, type: string}
      - id: web
        type: ref_table
        join: {attribute: user_email, type: email}
"""
    fields = [
        {"id": "tier", "source_name": "tier2", "type": "string"},
        {"id": "plan", "source_name": "plan2", "type": "string"},
    ]
    live = [conn("crm-a", "string", fields=fields), conn("web", "string")]
    only_crm = adopt(tmp_path, text, live, connections=("crm-*",))
    assert {(i.connection, i.field) for i in only_crm.selected} == {
        ("crm-a", None),
        ("crm-a", "tier"),
        ("crm-a", "plan"),
    }
    only_tier = adopt(tmp_path, text, live, fields=("t?er",))
    assert [(i.connection, i.field) for i in only_tier.selected] == [("crm-a", "tier")]
    [written] = only_tier.files
    assert "source_name: tier2" in written.new and "source_name: plan," in written.new
    assert {(i.connection, i.attribute) for i in only_tier.left} == {
        ("crm-a", "join.type"),
        ("crm-a", "fields[plan].source_name"),
        ("web", "join.type"),
    }


def test_kinds_are_parsed_and_an_unknown_one_is_a_usage_error() -> None:
    assert parse_kinds("missing, changed,missing") == ("missing", "changed")
    with pytest.raises(UsageError, match="'removed' is not a kind of drift"):
        parse_kinds("changed,removed")


def test_an_invalid_spec_is_refused_before_reading(tmp_path: Path) -> None:
    spec = tmp_path / "users.yaml"
    spec.write_text("version: 1\nentities: {users: {connections: [{id: a}]}}\n", "utf-8")

    def read(entities: tuple[str, ...]) -> LiveState:
        raise AssertionError("read before validating")

    with pytest.raises(SpecInvalid):
        adopt_paths([str(spec)], selection=Selection(), entities=(), read=read, now=NOW)


def test_an_unreadable_entity_adopts_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "users.yaml"
    spec.write_text(SHARED.replace("join: *email", "join: {attribute: x, type: y}"), "utf-8")
    read = EntityRead(entity="users", connections=None, error="HTTP 503")
    state = LiveState(site="s", read_at="t", entities={"users": read})
    result = adopt_paths(
        [str(spec)], selection=Selection(), entities=(), read=lambda e: state, now=NOW
    )
    assert result.before.errors and result.files == () and not result.adopted
