"""Small builders for CLI tests: a spec folder and a snapshot in one call."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from helpers import Result, run_cli, write_live_snapshot

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def connection(conn_id: str = "crm", **changes: Any) -> dict[str, Any]:
    """A live connection with one field ``tier``."""
    found: dict[str, Any] = {
        "id": conn_id,
        "type": "ref_table",
        "join": {"attribute": "user_email", "type": "email"},
        "fields": [{"id": "tier", "source_name": "tier", "type": "string"}],
    }
    found.update(changes)
    return found


def write_spec(folder: Path, body: str, name: str = "users.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return folder


def check(
    tmp_path: Path, spec: str, live: list[dict[str, Any]], *extra: str, env: Any = None
) -> Result:
    """``driftcheck check`` of ``spec`` (users.yaml) against a snapshot holding ``live``."""
    folder = write_spec(tmp_path / "specs", spec)
    snapshot = write_live_snapshot(tmp_path / "live.json", {"users": live})
    return run_cli(
        "check", str(folder), "--live-snapshot", snapshot, *extra, env=env or {}, now=NOW
    )


def check_json(tmp_path: Path, spec: str, live: list[dict[str, Any]]) -> tuple[int, Any]:
    result = check(tmp_path, spec, live, "--format", "json")
    return result.code, json.loads(result.out)


SPEC_HEAD = "version: 1\nentities:\n  users:\n    connections:\n"
CRM = (
    "      - id: crm\n        type: ref_table\n        join: {attribute: user_email, type: email}\n"
)
TIER = "          - {id: tier, source_name: tier, type: string"
