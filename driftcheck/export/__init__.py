"""``driftcheck export``: spec files written from the live state, and their YAML emitter.

Its public names, re-exported."""

from __future__ import annotations

from driftcheck.export.exporter import (
    ExportResult,
    UnexportableState,
    export_specs,
    render_spec,
)
from driftcheck.export.yaml_emitter import scalar

__all__ = ["ExportResult", "UnexportableState", "export_specs", "render_spec", "scalar"]
