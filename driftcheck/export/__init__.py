"""``driftcheck export``: spec files written from the live state, and their YAML emitter.

Public names are re-exported here and imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck import lazy_exports

if TYPE_CHECKING:
    from driftcheck.export.exporter import (
        ExportResult,
        UnexportableState,
        export_specs,
        render_spec,
    )
    from driftcheck.export.yaml_emitter import scalar

_EXPORTS = {
    "ExportResult": "exporter",
    "UnexportableState": "exporter",
    "export_specs": "exporter",
    "render_spec": "exporter",
    "scalar": "yaml_emitter",
}
__all__ = ["ExportResult", "UnexportableState", "export_specs", "render_spec", "scalar"]
__getattr__ = lazy_exports(__name__, _EXPORTS)
