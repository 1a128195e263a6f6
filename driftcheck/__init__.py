"""driftcheck: Datadog Product Analytics data connections as code, with drift detection.

The small library API is re-exported lazily so that ``driftcheck --version`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Report", "__version__", "load_specs", "run_check"]

if TYPE_CHECKING:
    from driftcheck.check import run_check
    from driftcheck.model import Report
    from driftcheck.spec import load_specs


def __getattr__(name: str) -> Any:
    if name == "load_specs":
        from driftcheck.spec import load_specs

        return load_specs
    if name == "run_check":
        from driftcheck.check import run_check

        return run_check
    if name == "Report":
        from driftcheck.model import Report

        return Report
    raise AttributeError(name)
