"""``plan --base REV`` (safety rule 3): operations only for what the change introduced.

The spec at REV and the change's spec are both compared with the one live read
(``driftcheck.base``). Items the change ``introduced`` are planned; ``existing`` drift (an
edit in Datadog that the change did not touch) is left alone unless ``revert_drift``;
``resolved`` items need nothing (the change's spec already agrees with Datadog); a
``conflict`` (the change edits what someone also changed in Datadog) blocks the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from driftcheck.base.classify import classify
from driftcheck.errors import PlanConflict
from driftcheck.model import DriftItem


def _what(item: DriftItem) -> str:
    if item.attribute:
        return item.attribute
    return f"field {item.field}" if item.field else "the connection"


@dataclass(frozen=True, kw_only=True)
class Limited:
    """What ``--base`` leaves of a plan: the ``items`` to plan (and the ignored ones), the
    existing drift ``left`` alone (a recreate keeps it as Datadog has it), notes on it."""

    items: tuple[DriftItem, ...]
    left: tuple[DriftItem, ...]
    notes: tuple[str, ...]


def limit_to_change(
    items: Sequence[DriftItem], base_items: Sequence[DriftItem], *, base: str, revert_drift: bool
) -> Limited:
    """The items to plan, the existing drift left alone, and notes on it."""
    classified = classify(items, base_items)
    failing = [i for i in classified.items if i.severity == "error"]
    conflicts = [i for i in failing if i.origin == "conflict"]
    if conflicts:
        lines = [
            f"the plan is blocked: the change edits {len(conflicts)} attribute(s) that were "
            f"also changed in Datadog since {base}; decide which value wins in the spec, "
            "then plan again:"
        ]
        lines += [
            f"  {i.entity}/{i.connection} {_what(i)}: {base} had {i.base_expected!r}, the change "
            f"says {i.expected!r}, Datadog has {i.actual!r}"
            for i in conflicts
        ]
        raise PlanConflict("\n".join(lines))
    wanted = ("introduced", "existing") if revert_drift else ("introduced",)
    # Ignored items are never planned; they tell a recreate which live values to keep.
    kept = (
        *(i for i in failing if i.origin in wanted),
        *(i for i in items if i.severity == "ignored"),
    )
    left = tuple(i for i in failing if i.origin == "existing" and not revert_drift)
    notes = tuple(
        f"{i.entity}/{i.connection} {_what(i)}: existing drift that the change did not touch "
        "(changed in Datadog); left as is, --revert-drift reverts it"
        for i in left
    )
    return Limited(items=kept, left=left, notes=notes)
