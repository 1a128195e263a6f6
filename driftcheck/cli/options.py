"""What the parser hands the commands: one frozen options object per command.

The parser (``parser.py``, with ``arguments.py``) is the only code that touches
:mod:`argparse`; commands read these values and nothing else, so every option a command
honours is visible here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from driftcheck.model import FailOn


@dataclass(frozen=True, kw_only=True)
class LiveOptions:
    """Where the live state comes from: the API (``--site``/``--api-url``) or a snapshot."""

    entities: tuple[str, ...] = ()
    site: str | None = None
    api_url: str | None = None
    snapshot: str | None = None
    timeout: float = 60.0
    #: --max-snapshot-age as written (e.g. "24h"); ``duration_seconds`` reads it
    max_snapshot_age: str | None = None


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(?:[0-9]+[smhdw])+")


def duration_seconds(text: str) -> int | None:
    """``24h``, ``90m``, ``1h30m``, ``7d`` as seconds; None when ``text`` is no duration."""
    if not _DURATION.fullmatch(text):
        return None
    return sum(int(n) * _UNITS[u] for n, u in re.findall("([0-9]+)([smhdw])", text))


@dataclass(frozen=True, kw_only=True)
class ValidateOptions:
    paths: tuple[str, ...]
    format: str = "text"
    find_specs: bool = False  # in folders, only YAML files that are driftcheck specs


@dataclass(frozen=True, kw_only=True)
class CheckOptions:
    paths: tuple[str, ...]
    live: LiveOptions
    format: str | None = None  # None: github under GitHub Actions, else text
    output: str | None = None
    report_json: str | None = None
    report_markdown: str | None = None
    report_sarif: str | None = None
    report_junit: str | None = None
    report_only: bool = False
    color: str = "auto"
    base: str | None = None  # a git revision: the three-way comparison
    fail_on: FailOn | None = None  # None: introduced with a base, else all


@dataclass(frozen=True, kw_only=True)
class SnapshotOptions:
    paths: tuple[str, ...]
    live: LiveOptions
    output: str


@dataclass(frozen=True, kw_only=True)
class ExportOptions:
    live: LiveOptions
    output: str
    force: bool = False


@dataclass(frozen=True, kw_only=True)
class CommentOptions:
    report: str
    key: str | None = None
    author: str | None = None  # None: $DRIFTCHECK_COMMENT_AUTHOR, else github-actions[bot]
    timeout: float = 120.0


@dataclass(frozen=True, kw_only=True)
class PlanOptions:
    paths: tuple[str, ...]
    live: LiveOptions
    base: str | None = None
    revert_drift: bool = False
    output: str | None = None
    format: str | None = None  # None: github under GitHub Actions, else text


@dataclass(frozen=True, kw_only=True)
class ApplyOptions:
    plan: PlanOptions  # paths: one PLAN.json, or the spec paths to plan and apply at once
    allow_delete: bool = False
    allow_replace: bool = False
    dry_run: bool = False
    format: str = "text"


@dataclass(frozen=True, kw_only=True)
class SchemaOptions:
    output: str | None = None  # None: stdout


@dataclass(frozen=True, kw_only=True)
class AdoptOptions:
    paths: tuple[str, ...]
    live: LiveOptions
    kinds: tuple[str, ...] = ("changed", "unexpected")
    connections: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    dry_run: bool = False
    report_markdown: str | None = None
