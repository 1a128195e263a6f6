"""``driftcheck adopt``: accept Datadog's state into the spec files with minimal edits.

Public names are re-exported here and imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck import lazy_exports

if TYPE_CHECKING:
    from driftcheck.adopt.engine import AdoptResult, Change, FileEdit, Refusal, adopt_paths
    from driftcheck.adopt.select import Selection

_EXPORTS = {
    "AdoptResult": "engine",
    "Change": "engine",
    "FileEdit": "engine",
    "Refusal": "engine",
    "adopt_paths": "engine",
    "Selection": "select",
}
__all__ = ["AdoptResult", "Change", "FileEdit", "Refusal", "Selection", "adopt_paths"]
__getattr__ = lazy_exports(__name__, _EXPORTS)
