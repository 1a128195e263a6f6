"""Reports built by hand for the reporter tests (no tests here; imported by test_reporters*).

``representative()`` has every kind and severity, notices, attribution and an unreadable
entity; ``hostile()`` puts injection attempts into every value that comes from outside.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from driftcheck.model import (
    Attribution,
    BaseInfo,
    DriftItem,
    EntityError,
    EntityStatus,
    Location,
    Notice,
    Report,
)

USERS = "examples/specs/users.yaml"
JANE = Attribution(
    created_at="2026-01-05T09:00:00Z",
    created_by="ops@example.com",
    updated_at="2026-11-20T10:02:11Z",
    updated_by="jane@example.com",
)
BOB = Attribution(created_at="2026-10-01T12:00:00Z", created_by="bob@example.com")


def item(
    kind: Any,
    severity: Any = "error",
    *,
    connection: str = "user-profiles-connection",
    field: str | None = None,
    attribute: str | None = None,
    expected: Any = None,
    actual: Any = None,
    line: int | None = 10,
    attribution: Attribution | None = None,
    reason: str | None = None,
    entity: str = "users",
    file: str = USERS,
) -> DriftItem:
    """A drift item with sensible defaults."""
    source = Location(file, line, 9) if line is not None else None
    return DriftItem(
        kind=kind,
        severity=severity,
        entity=entity,
        connection=connection,
        field=field,
        attribute=attribute,
        expected=expected,
        actual=actual,
        source=source,
        attribution=attribution,
        reason=reason,
    )


def report(
    items: tuple[DriftItem, ...] = (),
    *,
    notices: tuple[Notice, ...] = (),
    errors: tuple[EntityError, ...] = (),
    entities: tuple[EntityStatus, ...] | None = None,
) -> Report:
    """A report over users (and accounts), drift status derived from the items."""
    if entities is None:
        failing = any(i.severity == "error" for i in items)
        entities = (
            EntityStatus(
                name="users", status="drift" if failing else "in_sync", connections_checked=2
            ),
            EntityStatus(name="accounts", status="in_sync", connections_checked=1),
        )
    return Report(
        items=items,
        notices=notices,
        errors=errors,
        entities=entities,
        site="datadoghq.com",
        generated_at="2026-11-21T08:00:00Z",
        driftcheck_version="0.1.0",
    )


def representative() -> Report:
    """Every kind and severity, notices, attribution, and an entity that could not be read."""
    profiles = "user-profiles-connection"
    items = (
        item(
            "changed",
            field="customer_tier",
            attribute="fields[customer_tier].display_name",
            expected="Customer Tier",
            actual="Tier",
            line=18,
            attribution=JANE,
        ),
        item(
            "changed",
            field="customer_tier",
            attribute="fields[customer_tier].groups",
            expected=["Business", "Subscription"],
            actual=["Business"],
            line=20,
            attribution=JANE,
        ),
        item(
            "changed",
            attribute="join.type",
            expected="email",
            actual="user_id",
            line=12,
            attribution=JANE,
        ),
        item(
            "changed",
            attribute="metadata.owner",
            expected="growth",
            actual=None,
            line=13,
            attribution=JANE,
        ),
        item(
            "missing",
            field="lifetime_value",
            line=27,
            expected={"source_name": "ltv", "type": "number", "display_name": "Lifetime Value"},
        ),
        item(
            "changed",
            "ignored",
            field="signup_source",
            attribute="fields[signup_source].description",
            expected="Channel through which the user signed up",
            actual="Channel through which user signed up",
            line=25,
            attribution=JANE,
            reason="the data team edits this description in the Datadog UI",
        ),
        item(
            "unexpected",
            "warning",
            connection="crm-integration",
            field="churn_risk",
            line=34,
            actual={"source_name": "churn", "type": "number"},
            attribution=BOB,
        ),
        item(
            "missing",
            connection="warehouse-sync",
            line=48,
            expected={"type": "snowflake", "join": {"attribute": "user_id", "type": "user_id"}},
        ),
        item(
            "unexpected",
            connection="legacy-import",
            line=6,
            attribution=BOB,
            actual={"type": "ref_table", "join": {"attribute": "email", "type": "email"}},
        ),
    )
    assert all(i.connection for i in items) and profiles
    notices = (
        Notice(
            kind="stale_ignore",
            message="ignore entry matches nothing declared or live: users/old-connection",
            source=Location(USERS, 58, 5),
        ),
        Notice(
            kind="expired_ignore",
            message="ignore entry expired on 2026-06-30 and no longer applies",
            source=Location(USERS, 64, 5),
        ),
    )
    errors = (
        EntityError(
            entity="accounts",
            message=(
                "HTTP 503 Service Unavailable from https://api.datadoghq.com (after 4 attempts)"
            ),
        ),
    )
    entities = (
        EntityStatus(name="users", status="drift", connections_checked=4),
        EntityStatus(name="accounts", status="error", connections_checked=0),
    )
    return report(items, notices=notices, errors=errors, entities=entities)


NIL = "00000000-0000-0000-0000-000000000000"


def three_way() -> Report:
    """A check with ``--base main``: every origin, resolved items, a warning, an ignored
    item, a notice, attribution with the nil UUID as the author of a change."""
    unknown = Attribution(updated_at="2026-11-24T16:40:00Z", updated_by=NIL)
    items = (
        replace(
            item(
                "changed",
                field="customer_tier",
                attribute="fields[customer_tier].display_name",
                expected="Customer tier",
                actual="Subscription Tier",
                line=18,
                attribution=JANE,
            ),
            origin="conflict",
            base_expected="Customer Tier",
        ),
        replace(
            item(
                "missing",
                field="lifetime_value",
                line=27,
                expected={"source_name": "ltv", "type": "number", "display_name": "Lifetime Value"},
            ),
            origin="introduced",
        ),
        replace(
            item(
                "missing",
                connection="warehouse-sync",
                line=48,
                expected={
                    "type": "snowflake",
                    "join": {"attribute": "user_id", "type": "user_id"},
                    "fields": [
                        "arr",
                        "plan",
                        "seats",
                        "region",
                        "industry",
                        "csm",
                        "nps",
                        "mrr",
                        "churn_date",
                        "renewal",
                    ],
                },
            ),
            origin="introduced",
        ),
        replace(
            item(
                "changed",
                connection="crm-integration",
                field="nps_score",
                attribute="fields[nps_score].description",
                expected="Net promoter score from the last quarterly survey, 0 to 10, "
                "answered by the account's main contact",
                actual="Net promoter score from the last quarterly survey, 0 to 10, "
                "answered by any contact",
                line=41,
                attribution=unknown,
            ),
            origin="existing",
        ),
        replace(
            item(
                "unexpected",
                connection="legacy-import",
                line=6,
                attribution=BOB,
                actual={
                    "type": "ref_table",
                    "join": {"attribute": "email", "type": "email"},
                    "fields": ["old_plan", "old_region"],
                },
            ),
            origin="existing",
        ),
        replace(
            item(
                "unexpected",
                "warning",
                connection="crm-integration",
                field="churn_risk",
                line=34,
                actual={"source_name": "churn", "type": "number"},
                attribution=unknown,
            ),
            origin="existing",
        ),
        replace(
            item(
                "changed",
                "ignored",
                field="signup_source",
                attribute="fields[signup_source].description",
                expected="Channel through which the user signed up",
                actual="Channel through which user signed up",
                line=25,
                attribution=JANE,
                reason="the data team edits this description in the Datadog UI",
            ),
            origin="existing",
        ),
    )
    resolved = (
        replace(
            item(
                "changed",
                attribute="join.type",
                expected="user_id",
                actual="email",
                line=12,
                attribution=JANE,
            ),
            origin="resolved",
        ),
    )
    notices = (
        Notice(
            kind="stale_ignore",
            message="ignore entry for users/old-connection matches no connection declared "
            "or live; remove it or fix its selectors",
            source=Location(USERS, 58, 5),
        ),
    )
    base = BaseInfo(rev="origin/main", commit="4f2c9e1b" + "0" * 32, files=(USERS,))
    entities = (
        EntityStatus(name="users", status="drift", connections_checked=4),
        EntityStatus(name="accounts", status="in_sync", connections_checked=2),
    )
    plain = report(items, notices=notices, entities=entities)
    return replace(plain, resolved=resolved, base=base, fail_on="introduced")


#: Injection attempts for every output format, one per line of the checklist.
ATTACKS = (
    "::error::x",
    "%0A::set-output name=x::y",
    "line1\r\nline2\n::warning::injected",
    "<details><summary>x</summary>",
    "<img src=x onerror=alert(1)>",
    "@org/team",
    "a|b",
    "``tick`` `",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;http://x\x07link\x1b]8;;\x07",
)
EVIL = " ".join(ATTACKS)


def hostile() -> Report:
    """Every value that comes from a spec or the API is an attack."""
    who = Attribution(updated_at="\n::error::at", updated_by="@org/team <img src=x>")
    items = tuple(
        item(
            kind,
            severity,
            entity="users",
            connection=f"\n::error::conn {attack}",
            field=attack,
            attribute=f"fields[{attack}].display_name" if kind == "changed" else None,
            expected=attack,
            actual=EVIL,
            attribution=who,
            reason=EVIL,
            file=f"specs/{attack}.yaml",
            line=index + 1,
        )
        for index, attack in enumerate(ATTACKS)
        for kind, severity in (
            ("changed", "error"),
            ("unexpected", "warning"),
            ("missing", "ignored"),
        )
    )
    notices = (
        Notice(kind="stale_ignore", message=EVIL, source=Location(f"x,y:{EVIL}.yaml", 3, 1)),
    )
    errors = (EntityError(entity=f"\n::error::{EVIL}", message=EVIL),)
    entities = (
        EntityStatus(name="users", status="drift", connections_checked=1),
        EntityStatus(name=f"\n::error::{EVIL}", status="error", connections_checked=0),
    )
    return Report(
        items=items,
        notices=notices,
        errors=errors,
        entities=entities,
        site=EVIL,
        generated_at=EVIL,
        driftcheck_version=EVIL,
    )


def carrying(value: str) -> Report:
    """A changed error and an unexpected warning with ``value`` in every text they show, and
    an unreadable entity named and explained by ``value`` (for property tests)."""
    items = (
        item(
            "changed",
            connection=value,
            attribute=value,
            expected=value,
            actual=value,
            file=value,
            attribution=Attribution(updated_by=value),
            reason=value,
        ),
        item("unexpected", "warning", field=value, actual=value, file=value),
    )
    return report(items, errors=(EntityError(entity=value, message=value),))


GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str, update: bool) -> None:
    """Compare ``actual`` with ``tests/golden/<name>`` byte for byte (rewrite it on update)."""
    path = GOLDEN / name
    if update:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    assert path.exists(), f"{path} is missing: run pytest --update-golden and review it"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{name} differs from the golden file (pytest --update-golden)"
