"""Table-driven tests of every diff rule: matching, sets, managed attributes, policies,
ignores and expiry, attribution, source positions."""

from __future__ import annotations

import copy
import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest

from driftcheck.check import run_check
from driftcheck.model import EntityRead, LiveState, Report
from driftcheck.spec.load import load_specs

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)

SPEC = """\
version: 1
entities:
  users:
    unmanaged_connections: {conn_policy}
    connections:
      - id: crm
        type: ref_table
        join: {{attribute: user_email, type: email}}
        metadata: {{owner: growth}}
        unmanaged_fields: {field_policy}
        fields:
          - id: tier
            source_name: subscription_tier
            type: string
            display_name: Customer Tier
            groups: [Business, Subscription]
          - id: ltv
            source_name: ltv
            type: number
      - id: second
        type: ref_table
        join: {{attribute: user_id, type: user_id}}
"""

WHO = {
    "created_at": "2026-01-01T00:00:00Z",
    "created_by": "creator@example.com",
    "updated_at": "2026-11-20T10:02:11Z",
    "updated_by": "jane@example.com",
}


def live_crm() -> dict[str, Any]:
    return {
        "id": "crm",
        "type": "ref_table",
        "join": {"attribute": "user_email", "type": "email"},
        "metadata": {"owner": "growth"},
        "fields": [
            {
                "id": "tier",
                "source_name": "subscription_tier",
                "type": "string",
                "display_name": "Customer Tier",
                "description": "unmanaged text",
                "groups": ["Business", "Subscription"],
            },
            {"id": "ltv", "source_name": "ltv", "type": "number", "display_name": "LTV"},
        ],
        **WHO,
    }


def live_second() -> dict[str, Any]:
    return {
        "id": "second",
        "type": "ref_table",
        "join": {"attribute": "user_id", "type": "user_id"},
        "fields": [],
    }


def check(
    tmp_path: Path,
    connections: list[dict[str, Any]],
    *,
    spec: str = SPEC,
    conn_policy: str = "fail",
    field_policy: str = "fail",
    extra: str = "",
) -> Report:
    path = tmp_path / "users.yaml"
    path.write_text(
        spec.format(conn_policy=conn_policy, field_policy=field_policy) + extra, encoding="utf-8"
    )
    loaded = load_specs([str(path)])
    state = LiveState(
        site="datadoghq.com",
        read_at="2026-11-29T12:00:00Z",
        entities={"users": EntityRead(entity="users", connections=tuple(connections))},
    )
    return run_check(loaded, state, now=NOW)


def brief(report: Report) -> list[tuple[Any, ...]]:
    return [
        (i.kind, i.severity, i.connection, i.field, i.attribute, i.expected, i.actual)
        for i in report.items
    ]


def test_identical_state_is_in_sync(tmp_path: Path) -> None:
    report = check(tmp_path, [live_crm(), live_second()])
    assert brief(report) == []
    assert report.status == "in_sync"
    assert [(e.name, e.status, e.connections_checked) for e in report.entities] == [
        ("users", "in_sync", 2)
    ]


def test_order_of_connections_fields_and_groups_is_never_drift(tmp_path: Path) -> None:
    crm = live_crm()
    crm["fields"].reverse()
    crm["fields"][1]["groups"].reverse()
    assert brief(check(tmp_path, [live_second(), crm])) == []


def test_groups_compare_as_a_set(tmp_path: Path) -> None:
    crm = live_crm()
    crm["fields"][0]["groups"] = ["Subscription", "Business", "Business"]
    assert brief(check(tmp_path, [crm, live_second()])) == []
    crm["fields"][0]["groups"] = ["Business"]
    assert brief(check(tmp_path, [crm, live_second()])) == [
        (
            "changed",
            "error",
            "crm",
            "tier",
            "fields[tier].groups",
            ["Business", "Subscription"],
            ["Business"],
        )
    ]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda c: c.update(type="snowflake"),
            [("changed", "error", "crm", None, "type", "ref_table", "snowflake")],
        ),
        (
            lambda c: c["join"].update(type="user_id"),
            [("changed", "error", "crm", None, "join.type", "email", "user_id")],
        ),
        (
            lambda c: c["metadata"].update(owner="marketing"),
            [("changed", "error", "crm", None, "metadata.owner", "growth", "marketing")],
        ),
        (  # deepdiff skips "__" keys by default; metadata keys are data
            lambda c: c["metadata"].update(__team="x"),
            [("changed", "error", "crm", None, "metadata.__team", None, "x")],
        ),
        (
            lambda c: c["metadata"].update(team="x"),
            [("changed", "error", "crm", None, "metadata.team", None, "x")],
        ),
        (
            lambda c: c.pop("metadata"),
            [("changed", "error", "crm", None, "metadata.owner", "growth", None)],
        ),
        (
            lambda c: c["fields"][0].update(display_name="Tier"),
            [
                (
                    "changed",
                    "error",
                    "crm",
                    "tier",
                    "fields[tier].display_name",
                    "Customer Tier",
                    "Tier",
                )
            ],
        ),
        (
            lambda c: c["fields"][0].update(source_name="x", type="number"),
            [
                (
                    "changed",
                    "error",
                    "crm",
                    "tier",
                    "fields[tier].source_name",
                    "subscription_tier",
                    "x",
                ),
                ("changed", "error", "crm", "tier", "fields[tier].type", "string", "number"),
            ],
        ),
        # Not managed: ltv's display_name and tier's description are not written in the spec.
        (
            lambda c: (
                c["fields"][1].update(display_name="Other"),
                c["fields"][0].update(description="x"),
            ),
            [],
        ),
        (lambda c: c.update(extra_unknown_attribute={"a": 1}), []),
    ],
)
def test_changed_attributes(tmp_path: Path, mutate: Any, expected: list[Any]) -> None:
    crm = live_crm()
    mutate(crm)
    assert brief(check(tmp_path, [crm, live_second()])) == expected


def test_absent_or_null_live_value_equals_the_empty_value(tmp_path: Path) -> None:
    extra = textwrap.indent(
        "- id: blank\n  source_name: b\n  type: string\n  display_name: ''\n"
        "  description: ''\n  groups: []\n",
        " " * 10,
    )
    spec = SPEC.replace("      - id: second", extra + "      - id: second")
    crm = live_crm()
    crm["fields"].append(
        {"id": "blank", "source_name": "b", "type": "string", "display_name": None, "groups": None}
    )
    assert brief(check(tmp_path, [crm, live_second()], spec=spec)) == []


def test_metadata_written_empty_is_managed(tmp_path: Path) -> None:
    spec = SPEC.replace("metadata: {{owner: growth}}", "metadata: {{}}")
    crm = live_crm()
    crm["metadata"] = None
    assert brief(check(tmp_path, [crm, live_second()], spec=spec)) == []
    crm["metadata"] = {"owner": "x"}
    assert brief(check(tmp_path, [crm, live_second()], spec=spec)) == [
        ("changed", "error", "crm", None, "metadata.owner", None, "x")
    ]


def test_missing_connection_is_one_item(tmp_path: Path) -> None:
    report = check(tmp_path, [live_crm()])
    assert brief(report) == [
        (
            "missing",
            "error",
            "second",
            None,
            None,
            {
                "type": "ref_table",
                "join": {"attribute": "user_id", "type": "user_id"},
                "fields": [],
            },
            None,
        )
    ]
    assert report.items[0].attribution is None


def test_missing_field(tmp_path: Path) -> None:
    crm = live_crm()
    del crm["fields"][1]
    [item] = check(tmp_path, [crm, live_second()]).items
    assert (item.kind, item.field, item.actual) == ("missing", "ltv", None)
    assert item.expected == {"source_name": "ltv", "type": "number"}


@pytest.mark.parametrize(
    ("policy", "severity"), [("fail", "error"), ("warn", "warning"), ("ignore", None)]
)
def test_unexpected_connection_follows_policy(
    tmp_path: Path, policy: str, severity: str | None
) -> None:
    extra = {
        "id": "legacy",
        "type": "ref_table",
        "join": {"attribute": "a", "type": "b"},
        "fields": [{"id": "f1", "source_name": "s", "type": "string"}],
        **WHO,
    }
    report = check(tmp_path, [live_crm(), live_second(), extra], conn_policy=policy)
    if severity is None:
        assert brief(report) == []
        return
    [item] = report.items  # one item: its fields are not listed separately
    assert (item.kind, item.severity, item.connection, item.field) == (
        "unexpected",
        severity,
        "legacy",
        None,
    )
    assert item.actual["fields"] == ["f1"]
    assert item.attribution is not None
    assert item.attribution.describe() == "last updated 2026-11-20T10:02:11Z by jane@example.com"
    assert report.status == ("drift" if severity == "error" else "in_sync")


@pytest.mark.parametrize(
    ("policy", "severity"), [("fail", "error"), ("warn", "warning"), ("ignore", None)]
)
def test_unexpected_field_follows_connection_policy(
    tmp_path: Path, policy: str, severity: str | None
) -> None:
    crm = live_crm()
    crm["fields"].append({"id": "churn", "source_name": "c", "type": "number"})
    report = check(tmp_path, [crm, live_second()], field_policy=policy)
    assert [(i.kind, i.severity, i.field) for i in report.items] == (
        [("unexpected", severity, "churn")] if severity else []
    )


def test_entity_field_policy_is_the_default_for_connections(tmp_path: Path) -> None:
    spec = SPEC.replace("        unmanaged_fields: {field_policy}\n", "").replace(
        "    unmanaged_connections: {conn_policy}\n",
        "    unmanaged_connections: {conn_policy}\n    unmanaged_fields: warn\n",
    )
    crm = live_crm()
    crm["fields"].append({"id": "churn", "source_name": "c", "type": "number"})
    [item] = check(tmp_path, [crm, live_second()], spec=spec).items
    assert item.severity == "warning"


def test_sources_point_at_the_spec(tmp_path: Path) -> None:
    crm = live_crm()
    crm["fields"][0]["display_name"] = "Tier"
    crm["metadata"]["owner"] = "x"
    crm["metadata"]["extra"] = "y"
    del crm["fields"][1]
    crm["fields"].append({"id": "new", "source_name": "n", "type": "string"})
    report = check(tmp_path, [crm, {"id": "zz", "fields": []}])
    where = {
        (i.kind, i.field, i.attribute, i.connection): (i.source.line, i.source.column)
        for i in report.items
        if i.source
    }
    assert where == {
        ("changed", None, "metadata.extra", "crm"): (9, 9),  # the metadata key
        ("changed", None, "metadata.owner", "crm"): (9, 20),  # owner inside it
        ("changed", "tier", "fields[tier].display_name", "crm"): (15, 13),
        ("missing", "ltv", None, "crm"): (17, 13),  # the field item
        ("unexpected", "new", None, "crm"): (6, 9),  # the connection
        ("missing", None, None, "second"): (20, 9),
        ("unexpected", None, None, "zz"): (3, 3),  # the entity
    }


IGNORE = """\
ignore:
  - entity: users
    connection: {conn}
    field: {field}
    attribute: {attr}
    reason: accepted
    {expires}
"""


def ignore(
    conn: str = "crm", field: str = "tier", attr: str = "display_name", expires: str = ""
) -> str:
    text = IGNORE.format(conn=conn, field=field, attr=attr, expires=expires)
    return "\n".join(line for line in text.splitlines() if not line.endswith(": *omit*")) + "\n"


@pytest.mark.parametrize(
    ("entry", "severity"),
    [
        (ignore(), "ignored"),
        (ignore(conn="c*"), "ignored"),
        (ignore(field="t?er"), "ignored"),
        (ignore(attr="*omit*"), "ignored"),  # attribute omitted: anything under the field
        (ignore(field="*omit*", attr="*omit*"), "ignored"),  # anything under the connection
        (ignore(attr="description"), "error"),
        (ignore(field="ltv"), "error"),
        (ignore(expires="expires: 2026-11-29"), "ignored"),  # valid through its last day
        (ignore(expires="expires: 2026-11-28"), "error"),
    ],
)
def test_ignore_entries(tmp_path: Path, entry: str, severity: str) -> None:
    crm = live_crm()
    crm["fields"][0]["display_name"] = "Tier"
    report = check(tmp_path, [crm, live_second()], extra=entry)
    [item] = report.items
    assert item.severity == severity
    assert item.reason == ("accepted" if severity == "ignored" else None)
    assert report.status == ("in_sync" if severity == "ignored" else "drift")


def test_expired_ignore_is_reported(tmp_path: Path) -> None:
    report = check(
        tmp_path, [live_crm(), live_second()], extra=ignore(expires="expires: 2026-01-31")
    )
    [notice] = report.notices
    assert notice.kind == "expired_ignore"
    assert "expired on 2026-01-31 and no longer applies" in notice.message
    assert notice.source.line == 24


def test_ignore_on_attribute_prefix_covers_metadata_keys(tmp_path: Path) -> None:
    crm = live_crm()
    crm["metadata"] = {"owner": "x", "new": "y"}
    report = check(tmp_path, [crm, live_second()], extra=ignore(field="*omit*", attr="metadata"))
    assert {i.severity for i in report.items} == {"ignored"}


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        (ignore(conn="nope"), "matches no connection declared or live"),
        (ignore(field="nope"), "matches no field declared or live"),
        (ignore(attr="descripton"), "names no attribute"),
    ],
)
def test_stale_ignores_are_warnings(tmp_path: Path, entry: str, why: str) -> None:
    report = check(tmp_path, [live_crm(), live_second()], extra=entry)
    [notice] = report.notices
    assert notice.kind == "stale_ignore"
    assert why in notice.message
    assert report.status == "in_sync"


def test_ignore_matching_only_live_items_is_not_stale(tmp_path: Path) -> None:
    extra = {"id": "legacy", "fields": [{"id": "x"}]}
    report = check(
        tmp_path,
        [live_crm(), live_second(), extra],
        extra=ignore(conn="legacy", field="x", attr="*omit*"),
    )
    assert report.notices == ()


def test_unreadable_entity_is_an_error_not_in_sync(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    path.write_text(
        SPEC.format(conn_policy="fail", field_policy="fail") + ignore(conn="nope"), encoding="utf-8"
    )
    state = LiveState(
        site="datadoghq.com",
        read_at="t",
        entities={"users": EntityRead(entity="users", connections=None, error="HTTP 503")},
    )
    report = run_check(load_specs([str(path)]), state, now=NOW)
    assert report.status == "error"
    assert [(e.entity, e.message) for e in report.errors] == [("users", "HTTP 503")]
    assert report.notices == ()  # cannot tell whether the ignore is stale


def test_attribution_absent_when_the_api_gives_none(tmp_path: Path) -> None:
    crm = {k: v for k, v in copy.deepcopy(live_crm()).items() if k not in WHO}
    crm["type"] = "x"
    [item] = check(tmp_path, [crm, live_second()]).items
    assert item.attribution is None


def test_items_sharing_one_change_each_get_their_own_item(tmp_path: Path) -> None:
    # A type renamed on every field alike is compared once by deepdiff (one pair of values),
    # and every field that holds the pair still gets its own item at its own line.
    spec = (
        "version: 1\nentities:\n  users:\n    connections:\n      - id: crm\n"
        "        type: ref_table\n        join: {{attribute: user_email, type: email}}\n"
        "        fields:\n"
        + "".join(f"          - {{{{id: f{n}, source_name: s, type: string}}}}\n" for n in range(4))
    )
    fields = [{"id": f"f{n}", "source_name": "s", "type": "number"} for n in range(4)]
    fields[2]["type"] = "string"  # in sync
    fields[3]["source_name"] = "t"  # another attribute, same item
    conn = {"id": "crm", "type": "ref_table", "fields": fields}
    conn["join"] = {"attribute": "user_email", "type": "email"}
    report = check(tmp_path, [conn], spec=spec)
    assert [(i.field, i.attribute, i.expected, i.actual, i.source.line) for i in report.items] == [
        ("f0", "fields[f0].type", "string", "number", 9),
        ("f1", "fields[f1].type", "string", "number", 10),
        ("f3", "fields[f3].source_name", "s", "t", 12),
        ("f3", "fields[f3].type", "string", "number", 12),
    ]


def test_connections_sharing_one_join_change_each_name_the_join_key(tmp_path: Path) -> None:
    spec = "version: 1\nentities:\n  users:\n    connections:\n" + "".join(
        f"      - id: c{n}\n        type: ref_table\n"
        "        join: {{attribute: user_email, type: email}}\n"
        for n in range(3)
    )
    live = [
        {"id": f"c{n}", "type": "ref_table", "join": {"attribute": "user_email", "type": "id"}}
        for n in range(3)
    ]
    report = check(tmp_path, live, spec=spec)
    assert [(i.connection, i.attribute, i.expected, i.actual) for i in report.items] == [
        (f"c{n}", "join.type", "email", "id") for n in range(3)
    ]
