"""The field lines of a plan for a created or recreated connection: what each declared
field becomes, shown as additions and in-place updates are shown."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from driftcheck.model import ConnectionSpec, DriftItem
from driftcheck.plan.operation import Change


def field_additions(conn: ConnectionSpec) -> tuple[Change, ...]:
    """The declared fields a created connection carries, shown as additions."""
    return tuple(
        Change(
            kind="add_field",
            field=f.id,
            reason=f"{f.attributes.get('type')}, from source {f.attributes.get('source_name')}",
        )
        for f in conn.fields
    )


def recreated_fields(conn: ConnectionSpec, items: Sequence[DriftItem]) -> list[Change]:
    """What the recreate changes in each declared field, shown as an update shows it:
    fields Datadog lacks are added; unchanged fields get no line."""
    differ: dict[str, list[tuple[str, Any, Any]]] = defaultdict(list)
    for i in items:
        if i.kind == "changed" and i.field is not None:
            name = (i.attribute or "").removeprefix(f"fields[{i.field}].")
            differ[i.field].append((name, i.actual, i.expected))
    missing = {i.field for i in items if i.kind == "missing"}
    changes = [c for c in field_additions(conn) if c.field in missing]
    return changes + [
        Change(kind="update_field", field=f, attributes=tuple(sorted(differ[f])))
        for f in sorted(differ)
    ]
