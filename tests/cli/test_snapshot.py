"""`driftcheck snapshot` (and --live-snapshot) through the real CLI against the fake API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fakes.datadog_api import (
    FakeDatadog,
    sample_connection,
)
from helpers import Result, run_cli

from driftcheck.live.sites import SITES
from driftcheck.live.snapshot import MAX_SNAPSHOT_BYTES

SPECS = Path(__file__).resolve().parents[2] / "examples" / "specs"
SNAPSHOT_TEXT = (SPECS.parent / "live-snapshot.json").read_text(encoding="utf-8")


def run(*argv: str, env: dict[str, str]) -> Result:
    return run_cli(*argv, env=env)


@pytest.fixture
def fake(fake_datadog: FakeDatadog) -> FakeDatadog:
    fake_datadog.set_connections(
        "users", [sample_connection(), sample_connection("crm-integration")]
    )
    fake_datadog.set_connections("accounts", [sample_connection("warehouse-accounts")])
    return fake_datadog


def test_snapshot_writes_every_entity_of_the_specs(fake: FakeDatadog, tmp_path: Path) -> None:
    path = tmp_path / "live.json"
    code, out, err = run("snapshot", str(SPECS), "-o", str(path), env=fake.env())
    assert code == 0, err
    assert out == ""
    assert err == f"wrote {path}: 2 entities, 3 connections\n"
    document = json.loads(path.read_text("utf-8"))
    assert document["site"] == fake.url.removeprefix("http://")
    assert (
        document["entities"]["users"]["connections"]
        == fake.response_body("users")["data"]["attributes"]["connections"]
    )
    assert set(document["entities"]) == {"users", "accounts"}


def test_entity_option_narrows_what_is_fetched(fake: FakeDatadog, tmp_path: Path) -> None:
    path = tmp_path / "live.json"
    code, _, err = run("snapshot", "--entity", "accounts", "-o", str(path), env=fake.env())
    assert code == 0, err
    assert err == f"wrote {path}: 1 entity, 1 connection\n"
    assert {r.entity for r in fake.requests} == {"accounts"}
    assert list(json.loads(path.read_text("utf-8"))["entities"]) == ["accounts"]


def test_a_snapshot_can_be_checked_offline(fake: FakeDatadog, tmp_path: Path) -> None:
    path = tmp_path / "live.json"
    assert run("snapshot", str(SPECS), "-o", str(path), env=fake.env())[0] == 0
    code, out, _ = run(
        "check", str(SPECS), "--live-snapshot", str(path), "--format", "json", env={}
    )
    assert code == 2  # the fake's connections differ from the example specs
    assert json.loads(out)["site"] == fake.url.removeprefix("http://")


def test_an_unreadable_entity_writes_nothing_and_keeps_the_old_file(
    fake: FakeDatadog, tmp_path: Path
) -> None:
    path = tmp_path / "live.json"
    path.write_text("the previous snapshot\n", encoding="utf-8")
    code, out, err = run(
        "snapshot", "--entity", "users", "--entity", "nosuch", "-o", str(path), env=fake.env()
    )
    assert code == 4
    assert out == ""
    assert "error: nosuch: could not read entity 'nosuch'" in err
    assert "HTTP 404" in err
    assert "no snapshot written: 1 entity could not be read" in err
    assert path.read_text("utf-8") == "the previous snapshot\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.json"]


def test_missing_keys_exit_4_naming_the_variables(fake: FakeDatadog, tmp_path: Path) -> None:
    path = tmp_path / "live.json"
    code, _, err = run("snapshot", "-o", str(path), env={"DRIFTCHECK_API_URL": fake.url})
    assert code == 4
    assert (
        "missing Datadog credentials: set DD_API_KEY and DD_APP_KEY (or DD_APPLICATION_KEY)" in err
    )
    assert not path.exists()
    assert fake.requests == []


def test_a_bad_site_exits_1_listing_the_sites(fake: FakeDatadog, tmp_path: Path) -> None:
    env = {k: v for k, v in fake.env().items() if k != "DRIFTCHECK_API_URL"}
    code, _, err = run(
        "snapshot", "--site", "datadoghq.org", "-o", str(tmp_path / "x.json"), env=env
    )
    assert code == 1
    assert "unknown Datadog site 'datadoghq.org'" in err
    for site in SITES:
        assert site in err


def test_dd_site_from_the_environment_is_checked_too(tmp_path: Path) -> None:
    code, _, err = run(
        "snapshot",
        "-o",
        str(tmp_path / "x.json"),
        env={"DD_SITE": "datadoghq.moon", "DD_API_KEY": "k" * 32, "DD_APP_KEY": "a" * 40},
    )
    assert code == 1
    assert "unknown Datadog site 'datadoghq.moon'" in err


@pytest.mark.parametrize("where", ["option", "environment"])
def test_plain_http_to_another_host_exits_1(where: str, tmp_path: Path) -> None:
    url = "http://192.0.2.10:8080"
    env = {"DD_API_KEY": "k" * 32, "DD_APP_KEY": "a" * 40}
    argv = ["snapshot", "-o", str(tmp_path / "x.json")]
    if where == "option":
        argv += ["--api-url", url]
    else:
        env["DRIFTCHECK_API_URL"] = url
    code, _, err = run(*argv, env=env)
    assert code == 1
    assert "plain http:// is allowed only to a loopback address" in err
    assert not (tmp_path / "x.json").exists()


def test_check_with_a_missing_snapshot_file_exits_4(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    code, out, err = run("check", str(SPECS), "--live-snapshot", str(missing), env={})
    assert code == 4
    assert out == ""
    assert f"error: {missing}: snapshot file not found" in err


def test_a_snapshot_that_cannot_be_used_fails_before_any_spec_is_loaded(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "bad.yaml").write_text("version: 1\nentities: {users: {connectionz: []}}\n")
    too_large = tmp_path / "huge.json"
    with too_large.open("wb") as handle:  # sparse: the size is checked before any read
        handle.truncate(MAX_SNAPSHOT_BYTES + 1)
    not_one = tmp_path / "other.json"
    not_one.write_text('{"format": "something-else"}', encoding="utf-8")
    for path, problem in (
        (too_large, f"larger than {MAX_SNAPSHOT_BYTES} bytes"),
        (not_one, 'it has no "format": "driftcheck-live-snapshot" marker'),
    ):
        code, out, err = run("check", str(specs), "--live-snapshot", str(path), env={})
        assert code == 4
        assert f"error: {path}: not a valid driftcheck live snapshot: {problem}" in err
        assert "connectionz" not in out + err  # the spec was not even loaded


def test_a_snapshot_over_the_former_64_mib_limit_is_read(tmp_path: Path) -> None:
    assert MAX_SNAPSHOT_BYTES >= 512 * 2**20  # a 500k-field snapshot is about 190 MB
    path = tmp_path / "padded.json"
    document = json.loads(SNAPSHOT_TEXT)
    document["padding"] = "x" * (65 * 2**20)  # unknown keys are kept, not refused
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, _ = run(
        "check", str(SPECS), "--live-snapshot", str(path), "--format", "json", env={}
    )
    assert code in (0, 2)
    assert json.loads(out)["errors"] == []


def test_check_with_a_snapshot_lacking_an_entity_exits_4(tmp_path: Path) -> None:
    path = tmp_path / "partial.json"
    path.write_text(
        json.dumps(
            {
                "format": "driftcheck-live-snapshot",
                "format_version": 1,
                "site": "datadoghq.com",
                "read_at": "2026-11-29T21:40:58Z",
                "driftcheck_version": "0.1.0",
                "entities": {"users": {"connections": []}},
            }
        ),
        encoding="utf-8",
    )
    code, out, _ = run(
        "check", str(SPECS), "--live-snapshot", str(path), "--format", "json", env={}
    )
    assert code == 4
    errors = json.loads(out)["errors"]
    assert [e["entity"] for e in errors] == ["accounts"]
    assert "does not hold entity 'accounts'" in errors[0]["message"]


def test_the_read_time_comes_from_the_injected_clock(fake: FakeDatadog, tmp_path: Path) -> None:
    path = tmp_path / "live.json"
    now = dt.datetime(2031, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    assert run_cli("snapshot", str(SPECS), "-o", str(path), env=fake.env(), now=now).code == 0
    assert json.loads(path.read_text("utf-8"))["read_at"] == "2031-02-03T04:05:06Z"
