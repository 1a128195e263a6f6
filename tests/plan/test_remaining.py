"""An apply never looks "in sync" when drift that the plan does not cover remains: its last
line says what remains, and it exits 2 when ``check`` (with the same --base) still fails on
it; drift that does not fail the check (warnings) is named but leaves exit 0."""

from __future__ import annotations

from fakes.datadog_api import FakeDatadog, sample_connection
from helpers import run_cli

from .conftest import SpecWriter, declared

EXTRA = "users/hubspot-sync: exists in Datadog but not in the spec"


def _edited() -> dict:  # type: ignore[type-arg]
    conn = declared(sample_connection())
    conn["fields"][0] = {**conn["fields"][0], "display_name": "Tier"}
    return conn


def test_apply_exits_2_when_failing_drift_the_plan_does_not_cover_remains(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    fake.set_connections("users", [sample_connection(), sample_connection("hubspot-sync")])
    folder = write_spec([_edited()])  # unmanaged_connections: fail (the default)
    result = run_cli("apply", str(folder), env=fake.env())
    assert result.code == 2, result
    last = result.out.strip().splitlines()[-1]
    assert "1 applied" in last and "Verified: Datadog now has every planned change" in last
    assert "Not in sync: 1 failing item is not planned" in last
    assert f"not planned     {EXTRA}" in result.out
    assert run_cli("check", str(folder), env=fake.env()).code == 2  # as the apply said


def test_a_saved_plan_says_what_remains_too(fake: FakeDatadog, write_spec: SpecWriter) -> None:
    fake.set_connections("users", [sample_connection(), sample_connection("hubspot-sync")])
    folder = write_spec([_edited()])
    plan_file = str(folder.parent / "plan.json")
    assert run_cli("plan", str(folder), "-o", plan_file, env=fake.env()).code == 2
    result = run_cli("apply", plan_file, env=fake.env())
    assert result.code == 2 and f"not planned     {EXTRA}" in result.out
    assert "Not in sync" in result.out


def test_nothing_planned_is_not_in_sync_when_failing_drift_remains(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    fake.set_connections("users", [sample_connection(), sample_connection("hubspot-sync")])
    folder = write_spec([declared(sample_connection())])
    plan = run_cli("plan", str(folder), env=fake.env())
    assert plan.code == 0 and "matches the spec" not in plan.out
    assert "No changes planned. Not in sync: 1 failing item is not planned" in plan.out
    result = run_cli("apply", str(folder), env=fake.env())
    assert result.code == 2 and "matches the spec" not in result.out
    assert "Not in sync: 1 failing item is not planned" in result.out


def test_warnings_left_alone_are_named_but_do_not_fail_the_apply(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    fake.set_connections("users", [sample_connection(), sample_connection("hubspot-sync")])
    folder = write_spec([_edited()], unmanaged_connections="warn")
    result = run_cli("apply", str(folder), env=fake.env())
    assert result.code == 0, result
    assert "matches the spec" not in result.out
    assert "1 item is not planned (warnings): 'driftcheck check' reports them" in result.out
    assert run_cli("check", str(folder), env=fake.env()).code == 0
