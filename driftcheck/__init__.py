"""driftcheck: Datadog Product Analytics data connections as code, with drift detection.

The small library API is re-exported lazily so that ``driftcheck --version`` stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Report", "__version__", "keep_until_exit", "lazy_exports", "load_specs", "run_check"]

#: What :func:`keep_until_exit` keeps; None (the default, and in tests): nothing is kept.
kept: list[object] | None = None


def keep_until_exit(*objects: object) -> None:
    """Let ``objects`` live until the process ends, when the console script ends it with
    ``os._exit``: freeing a large check's millions of small objects one by one, just before
    the process ends anyway, is wasted time. Does nothing unless the console script turned
    it on (``main()`` called in-process keeps nothing)."""
    if kept is not None:
        kept.extend(objects)


if TYPE_CHECKING:
    from driftcheck.check import run_check
    from driftcheck.model import Report
    from driftcheck.spec.load import load_specs


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) for a stage's ``__init__``: each public name is
    imported from its module on first use, so importing one module of a stage does not load
    the others (``driftcheck.live.sites`` does not import requests)."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__


def __getattr__(name: str) -> Any:
    if name == "load_specs":
        from driftcheck.spec.load import load_specs

        return load_specs
    if name == "run_check":
        from driftcheck.check import run_check

        return run_check
    if name == "Report":
        from driftcheck.model import Report

        return Report
    raise AttributeError(name)
