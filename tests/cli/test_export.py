"""``driftcheck export`` through the real CLI: files, --force, --entity, exit codes, and the
round trip export -> validate -> check that a new user runs first."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from helpers import Result, run_cli, write_live_snapshot

SCHEMA_FILE = "driftcheck-spec.schema.json"
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
USERS = [
    {
        "id": "user-profiles-connection",
        "type": "ref_table",
        "join": {"attribute": "user_email", "type": "email"},
        "metadata": {"owner": "growth", "since": "2026-01-01"},
        "created_at": "2026-11-20T10:02:11Z",
        "updated_by": "jane@example.com",
        "fields": [
            {
                "id": "customer_tier",
                "source_name": "subscription_tier",
                "type": "string",
                "display_name": "yes",
                "description": "Tier\nof the customer\n",
                "groups": ["@Business", "on"],
            }
        ],
    }
]


def run(*argv: str, env: dict[str, str] | None = None) -> Result:
    return run_cli(*argv, env=env, now=NOW)


def snapshot(tmp_path: Path, **entities: list[Any]) -> str:
    return write_live_snapshot(tmp_path / "live.json", entities, site="datadoghq.eu")


def test_export_then_validate_then_check_is_green(tmp_path: Path) -> None:
    live = snapshot(tmp_path, users=USERS, accounts=[])
    out = tmp_path / "specs"
    code, stdout, stderr = run("export", "--live-snapshot", live, "-o", str(out))
    assert (code, stdout) == (0, "")
    assert stderr == (
        f"wrote {out / 'users.yaml'}\nwrote {out / 'accounts.yaml'}\n"
        f"wrote {out / 'driftcheck-spec.schema.json'}\n"
    )
    users = (out / "users.yaml").read_text(encoding="utf-8")
    assert "datadoghq.eu" in users and "2026-11-29T21:40:58Z" in users
    assert 'display_name: "yes"' in users and 'groups: ["@Business", "on"]' in users
    assert "connections: []" in (out / "accounts.yaml").read_text(encoding="utf-8")
    code, stdout, _ = run("validate", str(out))
    assert code == 0 and stdout.startswith("ok: 2 files valid")
    code, stdout, _ = run("check", str(out), "--live-snapshot", live, "--format", "json")
    report = json.loads(stdout)
    assert code == 0
    assert report["status"] == "in_sync" and report["drift"] == []


def test_existing_files_are_refused_without_force(tmp_path: Path) -> None:
    live = snapshot(tmp_path, users=USERS, accounts=[])
    out = tmp_path / "specs"
    out.mkdir()
    (out / "users.yaml").write_text("# mine\n", encoding="utf-8")
    code, _, stderr = run("export", "--live-snapshot", live, "-o", str(out))
    assert code == 1
    assert str(out / "users.yaml") in stderr and "--force" in stderr
    assert (out / "users.yaml").read_text(encoding="utf-8") == "# mine\n"
    assert not (out / "accounts.yaml").exists()


def test_force_overwrites_existing_files(tmp_path: Path) -> None:
    live = snapshot(tmp_path, users=USERS, accounts=[])
    out = tmp_path / "specs"
    out.mkdir()
    (out / "users.yaml").write_text("# mine\n", encoding="utf-8")
    code, _, stderr = run("export", "--live-snapshot", live, "-o", str(out), "--force")
    assert code == 0 and "wrote" in stderr
    assert "- id: user-profiles-connection" in (out / "users.yaml").read_text(encoding="utf-8")


def test_entity_narrows_the_export(tmp_path: Path) -> None:
    live = snapshot(tmp_path, users=USERS, accounts=[])
    out = tmp_path / "specs"
    code, _, stderr = run("export", "--live-snapshot", live, "-o", str(out), "--entity", "accounts")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["accounts.yaml", SCHEMA_FILE]
    assert stderr == f"wrote {out / 'accounts.yaml'}\nwrote {out / SCHEMA_FILE}\n"


def test_an_entity_absent_from_the_snapshot_exits_4_and_gets_no_file(tmp_path: Path) -> None:
    live = snapshot(tmp_path, users=USERS)
    out = tmp_path / "specs"
    code, _, stderr = run("export", "--live-snapshot", live, "-o", str(out))
    assert code == 4
    assert "error: accounts:" in stderr and "does not hold entity 'accounts'" in stderr
    assert sorted(p.name for p in out.iterdir()) == [SCHEMA_FILE, "users.yaml"]
    code, _, stderr = run(
        "export", "--live-snapshot", live, "-o", str(tmp_path / "none"), "--entity", "accounts"
    )
    assert code == 4 and "error: accounts:" in stderr
    assert not (tmp_path / "none").exists()


def test_live_state_the_spec_cannot_express_exits_6_and_says_why(tmp_path: Path) -> None:
    broken = [{"id": "legacy\x1b[31m", "join": {"attribute": "a", "type": "t"}}]
    live = snapshot(tmp_path, users=USERS, accounts=broken)
    out = tmp_path / "specs"
    code, _, stderr = run("export", "--live-snapshot", live, "-o", str(out))
    assert code == 6  # partial, not 4: the live state was read
    assert "warning: accounts: connection 1 ('legacy\\x1b[31m'): 'type' is missing" in stderr
    assert "\x1b" not in stderr  # escaped for the terminal
    assert sorted(p.name for p in out.iterdir()) == ["accounts.yaml", SCHEMA_FILE, "users.yaml"]
    assert "\x1b" not in (out / "accounts.yaml").read_text("utf-8")
