"""`driftcheck check` through the real CLI: the quickstart, every exit code, the outputs."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fakes import VirtualTime
from fakes.datadog_api import FakeDatadog, rate_limited
from helpers import Result, run_cli, write_live_snapshot

from driftcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "examples" / "specs"
SNAPSHOT = ROOT / "examples" / "live-snapshot.json"
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def run(*argv: str, env: dict[str, str] | None = None) -> Result:
    return run_cli(*argv, env=env, now=NOW)


def snapshot_without(tmp_path: Path, entity: str) -> Path:
    data = json.loads(SNAPSHOT.read_text("utf-8"))
    del data["entities"][entity]
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def json_report(*argv: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(*argv, "--format", "json")
    return code, json.loads(out)


def test_readme_quickstart_shows_every_kind_of_drift() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "driftcheck check examples/specs --live-snapshot examples/live-snapshot.json" in readme
    code, report = json_report("check", str(SPECS), "--live-snapshot", str(SNAPSHOT))
    assert code == 2
    kinds = {(item["kind"], item["severity"]) for item in report["drift"]}
    assert {
        ("missing", "error"),
        ("unexpected", "error"),
        ("unexpected", "warning"),
        ("changed", "error"),
        ("changed", "ignored"),
    } <= kinds
    assert report["status"] == "drift"
    code, out, err = run("check", str(SPECS), "--live-snapshot", str(SNAPSHOT))
    assert (code, err) == (2, "")
    for needle in (
        "customer_tier",
        "lifetime_value",
        "legacy-import",
        "metadata.owner",
        "jane.doe@example.com",
        "billing-export",
        "hubspot-sync",
    ):
        assert needle in out, needle


def test_in_sync_exits_0_with_warnings_allowed(tmp_path: Path) -> None:

    spec = tmp_path / "users.yaml"
    spec.write_text(
        "version: 1\nentities:\n  users:\n    unmanaged_connections: warn\n    connections:\n"
        "      - {id: crm, type: ref_table, join: {attribute: a, type: email}}\n",
        encoding="utf-8",
    )
    live = (
        {"id": "crm", "type": "ref_table", "join": {"attribute": "a", "type": "email"}},
        {"id": "extra", "type": "ref_table", "join": {"attribute": "a", "type": "email"}},
    )
    snap = write_live_snapshot(tmp_path / "snap.json", {"users": live})
    code, report = json_report("check", str(spec), "--live-snapshot", snap)
    assert code == 0
    assert report["status"] == "in_sync"
    assert [(i["kind"], i["severity"]) for i in report["drift"]] == [("unexpected", "warning")]


def test_invalid_spec_stops_before_any_request(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nentities: {users: {connections: [{id: x}]}}\n", encoding="utf-8")
    # No keys and an unreachable API: exit 3 proves neither was looked at.
    code, out, err = run("check", str(bad), "--api-url", "http://127.0.0.1:9")
    assert code == 3
    assert out == ""
    assert f"{bad}:2:34: error: 'type' is a required property" in err


def test_unreadable_entity_exits_4_even_with_drift(tmp_path: Path) -> None:
    partial = snapshot_without(tmp_path, "accounts")
    code, report = json_report("check", str(SPECS), "--live-snapshot", str(partial))
    assert code == 4
    assert report["status"] == "error"
    assert [e["entity"] for e in report["errors"]] == ["accounts"]
    assert any(i["severity"] == "error" for i in report["drift"])  # users drift still shown


def test_report_only_turns_drift_into_0_and_nothing_else(tmp_path: Path) -> None:
    assert run("check", str(SPECS), "--live-snapshot", str(SNAPSHOT), "--report-only")[0] == 0
    partial = snapshot_without(tmp_path, "accounts")
    assert run("check", str(SPECS), "--live-snapshot", str(partial), "--report-only")[0] == 4


def test_entity_filter(tmp_path: Path) -> None:
    partial = snapshot_without(tmp_path, "accounts")
    code, report = json_report(
        "check", str(SPECS), "--live-snapshot", str(partial), "--entity", "users"
    )
    assert code == 2
    assert [e["name"] for e in report["entities"]] == ["users"]
    code, _, err = run("check", str(SPECS), "--live-snapshot", str(SNAPSHOT), "--entity", "user")
    assert code == 1
    assert (
        "'user' is not declared in the spec files (did you mean 'users'?); "
        "declared: accounts, users" in err
    )


def test_one_read_several_renderings(tmp_path: Path) -> None:
    report_json, report_md, output = (tmp_path / n for n in ("r.json", "r.md", "out.txt"))
    code, out, _ = run(
        "check",
        str(SPECS),
        "--live-snapshot",
        str(SNAPSHOT),
        "--report-json",
        str(report_json),
        "--report-markdown",
        str(report_md),
        "--output",
        str(output),
    )
    assert code == 2
    assert out == ""
    assert json.loads(report_json.read_text("utf-8"))["status"] == "drift"
    assert report_md.read_text("utf-8").startswith("<!-- driftcheck:report -->")
    assert "legacy-import" in output.read_text("utf-8")


def test_github_format_is_the_default_in_github_actions(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    code, out, _ = run("check", str(SPECS), "--live-snapshot", str(SNAPSHOT), env=env)
    assert code == 2
    assert out.startswith("::error ") or "\n::error " in out
    assert "::error file=" in out
    text = summary.read_text("utf-8")
    assert text.startswith("earlier step\n")
    assert "<!-- driftcheck:report -->" in text


def test_missing_keys_is_exit_4_naming_the_variables() -> None:
    code, _, err = run("check", str(SPECS), "--api-url", "http://127.0.0.1:9")
    assert code == 4
    assert "DD_API_KEY" in err and "DD_APP_KEY" in err


def test_bad_site_is_a_usage_error() -> None:
    code, _, err = run(
        "check",
        str(SPECS),
        "--site",
        "datadoghq.org",
        env={"DD_API_KEY": "a" * 32, "DD_APP_KEY": "b" * 40},
    )
    assert code == 1
    assert "datadoghq.eu" in err  # the valid sites are listed


def test_unwritable_report_is_exit_1_and_nothing_half_written(tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "r.json"
    code, _, err = run(
        "check", str(SPECS), "--live-snapshot", str(SNAPSHOT), "--report-json", str(target)
    )
    assert code == 1
    assert "r.json: cannot write" in err
    assert not target.parent.exists()


def test_spec_copied_elsewhere_links_to_its_own_path(tmp_path: Path) -> None:
    copied = tmp_path / "specs"
    shutil.copytree(SPECS, copied)
    _, report = json_report("check", str(copied), "--live-snapshot", str(SNAPSHOT))
    files = {item["source"]["file"] for item in report["drift"] if item["source"]}
    assert files <= {str(copied / "users.yaml"), str(copied / "accounts.yaml")}


@pytest.mark.parametrize("color", ["always", "never"])
def test_color_flag(color: str) -> None:
    _, out, _ = run("check", str(SPECS), "--live-snapshot", str(SNAPSHOT), "--color", color)
    assert ("\x1b[" in out) == (color == "always")


def test_no_color_env_disables_colour_on_auto() -> None:
    _, out, _ = run("check", str(SPECS), "--live-snapshot", str(SNAPSHOT), env={"NO_COLOR": "1"})
    assert "\x1b[" not in out


def test_main_takes_an_injected_sleep_and_clock(fake_datadog: FakeDatadog, tmp_path: Path) -> None:
    """A 30 s rate-limit wait costs nothing when main() is given a virtual clock."""
    spec = tmp_path / "users.yaml"
    spec.write_text("version: 1\nentities: {users: {unmanaged_connections: warn}}\n", "utf-8")
    fake_datadog.set_connections("users", [])
    fake_datadog.fail("users", rate_limited(reset="30"))
    clock = VirtualTime()
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["check", str(spec), "--format", "json"],
        stdout=out,
        stderr=err,
        env=fake_datadog.env(),
        now=lambda: NOW,
        sleep=clock.sleep,
        clock=clock.clock,
    )
    assert code == 0, out.getvalue()
    assert clock.sleeps == [30.0]
    assert json.loads(out.getvalue())["status"] == "in_sync"


def test_the_console_script_ends_with_every_output_written_and_main_s_code() -> None:
    # It ends with os._exit (nothing torn down): the streams must be flushed before.
    import subprocess
    import sys

    argv = ["check", str(SPECS), "--live-snapshot", str(SNAPSHOT), "--format", "json"]
    done = subprocess.run(
        [sys.executable, "-m", "driftcheck", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    code, report = json_report("check", str(SPECS), "--live-snapshot", str(SNAPSHOT))
    assert done.returncode == code == 2
    assert json.loads(done.stdout)["drift"] == report["drift"]


def test_a_check_run_in_process_keeps_nothing_alive() -> None:
    import driftcheck

    run("check", str(SPECS), "--live-snapshot", str(SNAPSHOT))
    assert driftcheck.kept is None


def test_a_check_from_a_snapshot_in_github_actions_never_imports_requests(
    tmp_path: Path,
) -> None:
    # The action's call, offline: github annotations, the reports and the job summary. Only
    # reading Datadog or GitHub needs requests (its import is a fifth of a small check).
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from driftcheck.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print('requests' in sys.modules, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    summary = tmp_path / "summary.md"
    argv = ["check", str(SPECS), "--live-snapshot", str(SNAPSHOT)]
    argv += ["--report-json", str(tmp_path / "r.json"), "--report-markdown", str(tmp_path / "r.md")]
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "::error" in done.stdout and "driftcheck: drift found" in summary.read_text("utf-8")
    assert done.stderr.splitlines()[-1] == "False"
