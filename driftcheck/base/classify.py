"""Origins of drift: the change's drift items against those of the base spec, both
computed from the one live read.

- ``introduced``: not drift against the base spec; the change makes the spec and Datadog
  differ (or makes failing what the base accepted: an ignore or a ``warn`` policy removed);
- ``existing``: the same item (same path, same spec and live values) was drift already;
- ``conflict``: the change edits an attribute whose live value also differs from the base
  spec (the change and someone in Datadog changed the same thing);
- ``resolved``: drift of the base spec that the change's spec no longer has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from driftcheck.model import DriftItem

_Key = tuple[str, str, str, str, str]


@dataclass(frozen=True, kw_only=True)
class Classified:
    """The change's items, each with its origin, and the base's items it resolves."""

    items: tuple[DriftItem, ...]
    resolved: tuple[DriftItem, ...]


def key(item: DriftItem) -> _Key:
    """What makes two items "the same drift": entity, connection, field, attribute, kind."""
    return (item.entity, item.connection, item.field or "", item.attribute or "", item.kind)


def classify(pr_items: Iterable[DriftItem], base_items: Iterable[DriftItem]) -> Classified:
    """Give every item of the change's spec its origin against the base spec's items."""
    base = {key(item): item for item in base_items}
    items = []
    for item in pr_items:
        before = base.pop(key(item), None)
        items.append(_with_origin(item, before))
    resolved = tuple(replace(item, origin="resolved") for item in base.values())
    return Classified(items=tuple(items), resolved=resolved)


def _with_origin(item: DriftItem, before: DriftItem | None) -> DriftItem:
    if before is None:
        return replace(item, origin="introduced")
    if item.severity == "error" and before.severity != "error":
        return replace(item, origin="introduced")  # the change makes accepted drift fail
    if item.kind == "changed" and before.expected != item.expected:
        return replace(item, origin="conflict", base_expected=before.expected)
    return replace(item, origin="existing")
