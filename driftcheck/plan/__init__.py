"""Plan and apply: operations from the spec x live comparison, the plan file, and apply
with its safety rules. Public names are imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck import lazy_exports

if TYPE_CHECKING:
    from driftcheck.plan.apply import execute, missing_flags, stale, verify
    from driftcheck.plan.build import build_plan
    from driftcheck.plan.operation import Operation, Plan
    from driftcheck.plan.planfile import read_plan, render_json
    from driftcheck.plan.render import render_plan

_EXPORTS = {
    "Operation": "operation",
    "Plan": "operation",
    "build_plan": "build",
    "execute": "apply",
    "missing_flags": "apply",
    "read_plan": "planfile",
    "render_json": "planfile",
    "render_plan": "render",
    "stale": "apply",
    "verify": "apply",
}
__all__ = [
    "Operation",
    "Plan",
    "build_plan",
    "execute",
    "missing_flags",
    "read_plan",
    "render_json",
    "render_plan",
    "stale",
    "verify",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
