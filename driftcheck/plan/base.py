"""``plan --base REV``: only what the change since REV introduced (safety rule 3)."""

from __future__ import annotations

from collections.abc import Sequence

from driftcheck.errors import UsageError
from driftcheck.model import DriftItem, LiveState, Spec


def limit_to_change(
    spec: Spec,
    live: LiveState,
    items: Sequence[DriftItem],
    *,
    paths: Sequence[str],
    base: str,
    revert_drift: bool,
) -> tuple[tuple[DriftItem, ...], tuple[str, ...]]:
    """The items to plan and notes on those left alone (not available yet: refused)."""
    raise UsageError("--base is not available yet in this version of driftcheck")
