"""Drift left alone survives a recreate: when a connection is replaced (or a field deleted and
added back), the attributes an ``ignore`` entry covers, and with ``--base`` the drift that
existed before the change, keep Datadog's value in the body, so that "ignored (or existing)
drift is never reverted" holds for destructive operations too."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from driftcheck.model import DriftItem

#: field id -> attribute -> Datadog's value (None: Datadog has none, so it is left out)
Kept = dict[str, dict[str, Any]]

CONNECTION = ""  # the key of the connection's own attributes ("type", "join.type", ...)


@dataclass(frozen=True, kw_only=True)
class Keeps:
    """What a recreate of one connection keeps as Datadog has it: ``ignored`` drift,
    ``existing`` drift (``--base``: not the change's doing), and the declared fields that
    Datadog lacks whose absence is ignored or existed before the change (``absent``: a
    recreate leaves them out)."""

    ignored: Kept = field(default_factory=dict)
    existing: Kept = field(default_factory=dict)
    absent: frozenset[str] = frozenset()

    def values(self) -> Kept:
        """Every kept attribute (existing drift and ignored drift never overlap)."""
        merged: Kept = {k: dict(v) for k, v in self.existing.items()}
        for name, attributes in self.ignored.items():
            merged.setdefault(name, {}).update(attributes)
        return merged

    def get(self, name: str) -> dict[str, Any]:
        return self.values().get(name, {})

    def describe(self, fields: Iterable[str] | None = None) -> str:
        """What keeps Datadog's value, for the plan ('' when nothing does)."""
        wanted = None if fields is None else set(fields)
        parts = [
            f"{label} keeps Datadog's value: {names}"
            for label, kept in (("ignored drift", self.ignored), ("existing drift", self.existing))
            if (names := _names(kept, wanted))
        ]
        absent = sorted(f for f in self.absent if wanted is None or f in wanted)
        if absent:
            parts.append(
                "declared fields Datadog lacks stay absent (ignored, or absent before the "
                f"change): {', '.join(absent)}"
            )
        return "; ".join(parts)


def kept_values(items: Iterable[DriftItem], severity: str = "ignored") -> Kept:
    """The changed attributes of one connection among ``items`` of ``severity``, with
    Datadog's value: drift accepted by an ignore entry (or left alone by ``--base``)."""
    kept: Kept = {}
    for item in items:
        if item.severity != severity or item.kind != "changed" or not item.attribute:
            continue
        if item.field is None:
            kept.setdefault(CONNECTION, {})[item.attribute] = item.actual
        else:
            name = item.attribute.removeprefix(f"fields[{item.field}].")
            kept.setdefault(item.field, {})[name] = item.actual
    return kept


def keeps(accepted: Iterable[DriftItem], left: Iterable[DriftItem]) -> Keeps:
    """The :class:`Keeps` of one connection from its ignored items and the existing drift
    that ``--base`` leaves alone."""
    accepted, left = list(accepted), list(left)
    return Keeps(
        ignored=kept_values(accepted),
        existing=kept_values(left, "error"),
        absent=frozenset(
            i.field for i in (*accepted, *left) if i.kind == "missing" and i.field is not None
        ),
    )


def overlay(values: Mapping[str, Any], kept: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with the kept attributes set to Datadog's value ("join.type": one level)."""
    result = {k: dict(v) if isinstance(v, Mapping) else v for k, v in values.items()}
    for path, value in kept.items():
        head, _, rest = path.partition(".")
        if rest:
            inner = result.get(head)
            inner = dict(inner) if isinstance(inner, Mapping) else {}
            if value is None:
                inner.pop(rest, None)
            else:
                inner[rest] = value
            result[head] = inner
        elif value is None:
            result.pop(head, None)
        else:
            result[head] = value
    return result


def _names(kept: Kept, wanted: set[str] | None) -> str:
    return ", ".join(
        attribute if name == CONNECTION else f"{name}.{attribute}"
        for name, attributes in sorted(kept.items())
        if wanted is None or name in wanted
        for attribute in sorted(attributes)
    )
