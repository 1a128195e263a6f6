"""A plan from the spec and the live state: operations, fingerprints, the spec digest."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from driftcheck import __version__
from driftcheck.model import DriftItem, LiveState, Spec
from driftcheck.plan.operation import Plan
from driftcheck.plan.planner import plan_operations


def spec_digest(files: Iterable[str]) -> str:
    """``sha256:`` of every spec file's path and bytes, in path order."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        with open(path, "rb") as handle:
            digest.update(hashlib.sha256(handle.read()).digest())
    return f"sha256:{digest.hexdigest()}"


def build_plan(
    spec: Spec,
    live: LiveState,
    items: Iterable[DriftItem],
    *,
    api_url: str,
    now: dt.datetime,
    base: str | None = None,
    notes: Iterable[str] = (),
    left: Iterable[DriftItem] = (),
) -> Plan:
    """The plan that turns the failing ``items`` into operations (every entity read);
    ``left``: the existing drift that ``--base`` leaves alone."""
    operations, unplanned, failing = plan_operations(spec, live, items, left)
    return Plan(
        site=live.site,
        api_url=api_url,
        created_at=now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        driftcheck_version=__version__,
        spec_digest=spec_digest(spec.files),
        spec_files=tuple(sorted(spec.files)),
        base=base,
        entities=tuple(live.entities),
        operations=operations,
        unplanned=(*notes, *unplanned),
        failing_unplanned=failing,
    )
