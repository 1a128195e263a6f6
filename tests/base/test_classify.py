"""Origins of drift, table-driven: a base spec and a change's spec, both loaded from YAML by
the real loader and compared with the same live state by the real diff, then classified."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from driftcheck.check import run_check, with_origins
from driftcheck.model import BaseInfo, EntityRead, LiveState, Report
from driftcheck.spec.files import parse_document
from driftcheck.spec.load import load_specs, spec_from_documents

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
INFO = BaseInfo(rev="main", commit="0" * 40, files=("specs/users.yaml",))


def field(fid: str, **attrs: Any) -> dict[str, Any]:
    return {"id": fid, "source_name": fid, "type": "string", **attrs}


def conn(cid: str, *fields: dict[str, Any], **attrs: Any) -> dict[str, Any]:
    body = {"id": cid, "type": "ref_table", "join": {"attribute": "email", "type": "email"}}
    return {**body, **attrs, "fields": list(fields)}


def spec_yaml(connections: Sequence[Mapping[str, Any]], extra: str = "", policy: str = "") -> str:
    import json

    lines = ["version: 1", "entities:", "  users:"]
    if policy:
        lines.append(f"    unmanaged_fields: {policy}")
    lines.append(f"    connections: {json.dumps(list(connections))}")
    return "\n".join(lines) + "\n" + extra


def three_way(
    tmp: Path,
    base: str | Mapping[str, str],
    change: str | Mapping[str, str],
    live: Sequence[Mapping[str, Any]],
    fail_on: str = "introduced",
) -> Report:
    def load(name: str, files: str | Mapping[str, str]) -> Any:
        folder = tmp / name
        folder.mkdir(parents=True)
        for file, text in ({"users.yaml": files} if isinstance(files, str) else files).items():
            (folder / file).write_text(text, encoding="utf-8")
        if name == "change":
            return load_specs([str(folder)])
        paths = sorted(folder.iterdir())  # a base may declare nothing (the change adds it)
        loaded = [(str(p), *parse_document(str(p), p.read_bytes())) for p in paths]
        return spec_from_documents(loaded, [], require_entity=False)

    state = LiveState(
        site="s",
        read_at="t",
        entities={"users": EntityRead(entity="users", connections=tuple(live))},
    )
    pr = run_check(load("change", change), state, now=NOW)
    before = run_check(load("base", base), state, now=NOW)
    return with_origins(pr, before, INFO, fail_on)  # type: ignore[arg-type]


def origins(report: Report) -> dict[str, str]:
    return {
        f"{i.kind} {i.attribute or i.field or i.connection}": str(i.origin) for i in report.items
    }


def resolved(report: Report) -> list[str]:
    return [f"{i.kind} {i.attribute or i.field or i.connection}" for i in report.resolved]


LIVE = [conn("crm", field("tier", display_name="Tier", groups=["a"]), metadata={"owner": "ops"})]
SAME = conn("crm", field("tier", display_name="Tier", groups=["a"]), metadata={"owner": "ops"})

# name, base connections, change connections, live connections, origins, resolved
CASES: list[tuple[str, list[Any], list[Any], list[Any], dict[str, str], list[str]]] = [
    ("no drift anywhere", [SAME], [SAME], LIVE, {}, []),
    (
        "the change edits a value: introduced",
        [SAME],
        [
            conn(
                "crm",
                field("tier", display_name="Customer tier", groups=["a"]),
                metadata={"owner": "ops"},
            )
        ],
        LIVE,
        {"changed fields[tier].display_name": "introduced"},
        [],
    ),
    (
        "someone edited Datadog, the change touches something else: existing",
        [conn("crm", field("tier", display_name="Old", groups=["a"]), metadata={"owner": "ops"})],
        [
            conn(
                "crm",
                field("tier", display_name="Old", groups=["a"]),
                field("new", display_name="N"),
                metadata={"owner": "ops"},
            )
        ],
        LIVE,
        {"changed fields[tier].display_name": "existing", "missing new": "introduced"},
        [],
    ),
    (
        "both edit the same field attribute: conflict",
        [conn("crm", field("tier", display_name="Old", groups=["a"]), metadata={"owner": "ops"})],
        [conn("crm", field("tier", display_name="Mine", groups=["a"]), metadata={"owner": "ops"})],
        LIVE,
        {"changed fields[tier].display_name": "conflict"},
        [],
    ),
    (
        "both edit the groups: conflict",
        [conn("crm", field("tier", display_name="Tier", groups=["b"]), metadata={"owner": "ops"})],
        [conn("crm", field("tier", display_name="Tier", groups=["c"]), metadata={"owner": "ops"})],
        LIVE,
        {"changed fields[tier].groups": "conflict"},
        [],
    ),
    (
        "both edit a metadata key: conflict",
        [conn("crm", field("tier", display_name="Tier", groups=["a"]), metadata={"owner": "x"})],
        [conn("crm", field("tier", display_name="Tier", groups=["a"]), metadata={"owner": "y"})],
        LIVE,
        {"changed metadata.owner": "conflict"},
        [],
    ),
    (
        "both edit the connection type: conflict",
        [{**SAME, "type": "snowflake"}],
        [{**SAME, "type": "salesforce"}],
        LIVE,
        {"changed type": "conflict"},
        [],
    ),
    (
        "both edit the join type: conflict",
        [{**SAME, "join": {"attribute": "email", "type": "user_id"}}],
        [{**SAME, "join": {"attribute": "email", "type": "account_id"}}],
        LIVE,
        {"changed join.type": "conflict"},
        [],
    ),
    (
        "the change fixes drift: resolved",
        [conn("crm", field("tier", display_name="Old", groups=["a"]), metadata={"owner": "ops"})],
        [SAME],
        LIVE,
        {},
        ["changed fields[tier].display_name"],
    ),
    (
        "the change adds a connection missing in Datadog: introduced",
        [SAME],
        [SAME, conn("warehouse")],
        LIVE,
        {"missing warehouse": "introduced"},
        [],
    ),
    (
        "the change removes a connection Datadog has: introduced unexpected",
        [SAME, conn("other")],
        [SAME],
        [*LIVE, conn("other")],
        {"unexpected other": "introduced"},
        [],
    ),
    (
        "the change removes a connection Datadog lacks: resolved",
        [SAME, conn("gone")],
        [SAME],
        LIVE,
        {},
        ["missing gone"],
    ),
    (
        "the change adopts a connection added in Datadog: resolved",
        [SAME],
        [SAME, conn("adopted")],
        [*LIVE, conn("adopted")],
        {},
        ["unexpected adopted"],
    ),
    (
        "a connection added in Datadog and untouched: existing",
        [SAME],
        [SAME],
        [*LIVE, conn("ui-made")],
        {"unexpected ui-made": "existing"},
        [],
    ),
    (
        "a connection deleted in Datadog, the change edits it: existing, not a conflict",
        [SAME, conn("deleted")],
        [SAME, conn("deleted", type="snowflake")],
        LIVE,
        {"missing deleted": "existing"},
        [],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_origin_of_every_item(tmp_path: Path, case: tuple[Any, ...]) -> None:
    _, base, change, live, want, fixed = case
    report = three_way(tmp_path, spec_yaml(base), spec_yaml(change), live)
    assert origins(report) == want
    assert resolved(report) == fixed
    assert all(item.origin == "resolved" for item in report.resolved)


def test_a_conflict_carries_the_base_value(tmp_path: Path) -> None:
    base = [conn("crm", field("tier", display_name="Old", groups=["a"]), metadata={"owner": "ops"})]
    change = [
        conn("crm", field("tier", display_name="Mine", groups=["a"]), metadata={"owner": "ops"})
    ]
    (item,) = three_way(tmp_path, spec_yaml(base), spec_yaml(change), LIVE).items
    assert (item.base_expected, item.expected, item.actual) == ("Old", "Mine", "Tier")


def test_existing_drift_does_not_fail_by_default_but_does_with_fail_on_all(tmp_path: Path) -> None:
    from driftcheck.exitcodes import ExitCode, decide

    old = [conn("crm", field("tier", display_name="Old", groups=["a"]), metadata={"owner": "ops"})]
    report = three_way(tmp_path / "a", spec_yaml(old), spec_yaml(old), LIVE)
    assert [i.origin for i in report.items] == ["existing"]
    assert (report.status, decide(report)) == ("in_sync", ExitCode.OK)
    assert report.entities[0].status == "in_sync"
    strict = three_way(tmp_path / "b", spec_yaml(old), spec_yaml(old), LIVE, fail_on="all")
    assert (strict.status, decide(strict)) == ("drift", ExitCode.DRIFT)


def test_introduced_and_conflicting_errors_fail(tmp_path: Path) -> None:
    from driftcheck.exitcodes import ExitCode, decide

    base = [conn("crm", field("tier", display_name="Old", groups=["a"]), metadata={"owner": "ops"})]
    change = [
        conn("crm", field("tier", display_name="Mine", groups=["a"]), metadata={"owner": "ops"})
    ]
    report = three_way(tmp_path, spec_yaml(base), spec_yaml(change), LIVE)
    assert decide(report) == ExitCode.DRIFT
    assert report.entities[0].status == "drift"


def test_an_entity_spread_over_files_matches_across_files(tmp_path: Path) -> None:
    other = conn("other", field("x", display_name="X"))
    live = [*LIVE, conn("other", field("x", display_name="Y"))]
    base = {"a.yaml": spec_yaml([SAME]), "b.yaml": spec_yaml([other])}
    # the change moves 'other' into a.yaml: the same drift, now declared elsewhere
    change = {"a.yaml": spec_yaml([SAME, other]), "b.yaml": "version: 1\n"}
    report = three_way(tmp_path, base, change, live)
    assert origins(report) == {"changed fields[x].display_name": "existing"}
    assert report.items[0].source is not None
    assert report.items[0].source.file.endswith("a.yaml")


IGNORE = "ignore:\n  - entity: users\n    connection: crm\n    field: tier\n    reason: accepted\n"


def test_an_ignore_added_by_the_change_keeps_the_item_existing_and_ignored(tmp_path: Path) -> None:
    old = [conn("crm", field("tier", display_name="Old", groups=["a"]), metadata={"owner": "ops"})]
    report = three_way(tmp_path, spec_yaml(old), spec_yaml(old, IGNORE), LIVE)
    (item,) = report.items
    assert (item.origin, item.severity) == ("existing", "ignored")
    assert report.resolved == ()


def test_an_ignore_removed_by_the_change_makes_the_drift_introduced(tmp_path: Path) -> None:
    old = [conn("crm", field("tier", display_name="Old", groups=["a"]), metadata={"owner": "ops"})]
    report = three_way(tmp_path, spec_yaml(old, IGNORE), spec_yaml(old), LIVE)
    (item,) = report.items
    assert (item.origin, item.severity) == ("introduced", "error")
    assert report.status == "drift"


def test_a_policy_made_stricter_by_the_change_is_introduced(tmp_path: Path) -> None:
    live = [
        conn(
            "crm",
            field("tier", display_name="Tier", groups=["a"]),
            field("extra"),
            metadata={"owner": "ops"},
        )
    ]
    report = three_way(
        tmp_path, spec_yaml([SAME], policy="warn"), spec_yaml([SAME], policy="fail"), live
    )
    (item,) = report.items
    assert (item.kind, item.field, item.severity, item.origin) == (
        "unexpected",
        "extra",
        "error",
        "introduced",
    )


def test_a_policy_relaxed_by_the_change_keeps_the_warning_existing(tmp_path: Path) -> None:
    live = [
        conn(
            "crm",
            field("tier", display_name="Tier", groups=["a"]),
            field("extra"),
            metadata={"owner": "ops"},
        )
    ]
    report = three_way(
        tmp_path, spec_yaml([SAME], policy="fail"), spec_yaml([SAME], policy="warn"), live
    )
    (item,) = report.items
    assert (item.severity, item.origin) == ("warning", "existing")
    assert report.status == "in_sync"


def test_an_entity_the_base_does_not_declare_is_all_introduced(tmp_path: Path) -> None:
    report = three_way(tmp_path, "version: 1\n", spec_yaml([SAME, conn("new")]), LIVE)
    assert origins(report) == {"missing new": "introduced"}
    # the base left crm unmanaged (an unexpected connection); the change declares it
    assert resolved(report) == ["unexpected crm"]
