"""The JSON Schemas driftcheck ships (spec files, reports), read from the package.

Apart from ``schema.py`` (which imports the YAML loader, for the marks of its problems):
``driftcheck comment`` reads the report's schema without it."""

from __future__ import annotations

from pathlib import Path

SPEC_SCHEMA = "driftcheck-spec.schema.json"
REPORT_SCHEMA = "driftcheck-report.schema.json"


def schema_text(name: str) -> str:
    """The text of a shipped schema (from the wheel, or from ``schemas/`` in a checkout)."""
    from importlib import resources

    try:
        return resources.files("driftcheck.schemas").joinpath(name).read_text(encoding="utf-8")
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parents[2] / "schemas" / name
        return checkout.read_text(encoding="utf-8")
