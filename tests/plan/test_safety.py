"""The safety rules of apply, each against the fake Datadog server (rule 3, --base, is in
test_base.py; the writer's own rule 4 cases are in tests/live/test_writes.py)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import jsonschema
import pytest
from fakes import VirtualTime
from fakes.datadog_api import (
    API_KEY,
    APP_KEY,
    FakeDatadog,
    Fault,
    after_applying,
    error,
    rate_limited,
    sample_connection,
    server_error,
)
from helpers import run_cli

from driftcheck.live.writes import WriteRequest, WriteResult
from driftcheck.plan.apply import execute
from driftcheck.plan.planfile import read_plan
from driftcheck.spec.shipped import schema_text

from .conftest import SpecWriter, declared


def _destructive(write_spec: SpecWriter, fake: FakeDatadog) -> Path:
    fake.set_connections("users", [sample_connection(), sample_connection("legacy")])
    conn = declared(sample_connection(), type="snowflake")  # a replacement
    return write_spec([conn], unmanaged_connections="delete")


def _save_plan(folder: Path, fake: FakeDatadog) -> str:
    path = str(folder.parent / "plan.json")
    assert run_cli("plan", str(folder), "-o", path, env=fake.env()).code == 2
    return path


# ---------------------------------------------------------------- rule 1: opt-in twice


def test_a_destructive_plan_is_shown_prominently_and_refused_without_its_flags(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    folder = _destructive(write_spec, fake)
    path = str(folder.parent / "plan.json")
    plan = run_cli("plan", str(folder), "-o", path, env=fake.env())
    assert "will be DELETED" in plan.out and "will be REPLACED" in plan.out
    assert "Destructive: apply needs --allow-delete --allow-replace." in plan.out
    before = len(fake.requests)
    refused = run_cli("apply", path, "--allow-delete", env=fake.env())
    assert refused.code == 1
    assert "replace users/user-profiles-connection: needs --allow-replace" in refused.err
    assert "nothing was sent" in refused.err
    assert len(fake.requests) == before  # not even a read: refused before any request
    applied = run_cli("apply", path, "--allow-delete", "--allow-replace", env=fake.env())
    assert applied.code == 0, applied


def test_plan_and_apply_in_one_run_refuses_too_and_never_prompts(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    folder = _destructive(write_spec, fake)
    result = run_cli("apply", str(folder), env=fake.env())  # no stdin, no TTY: no prompt
    assert result.code == 1 and "delete users/legacy: needs --allow-delete" in result.err
    assert fake.writes == []


# ---------------------------------------------------------------- rule 2: pinned plans


def test_a_plan_is_refused_when_a_touched_connection_changed_since(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    conn = declared(sample_connection())
    conn["fields"][0] = {**conn["fields"][0], "display_name": "Tier"}
    path = _save_plan(write_spec([conn]), fake)
    edited = sample_connection(updated_at="2026-12-01T12:00:00Z", updated_by="ui@example.com")
    edited["fields"][1]["description"] = "edited in the UI meanwhile"
    fake.set_connections("users", [edited])
    result = run_cli("apply", path, env=fake.env())
    assert result.code == 5, result
    assert "users/user-profiles-connection changed in Datadog since the plan" in result.err
    assert "by ui@example.com" in result.err and "nothing was written" in result.err
    assert fake.writes == []


def test_a_create_is_refused_when_the_connection_appeared_since(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    new = declared(sample_connection("crm"))
    path = _save_plan(write_spec([declared(sample_connection()), new]), fake)
    fake.set_connections("users", [sample_connection(), sample_connection("crm")])
    result = run_cli("apply", path, env=fake.env())
    assert result.code == 5 and "users/crm was created in Datadog since the plan" in result.err
    assert fake.writes == []


def test_an_unrelated_change_does_not_make_the_plan_stale(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    new = declared(sample_connection("crm"))
    path = _save_plan(write_spec([declared(sample_connection()), new]), fake)
    fake.set_connections("users", [sample_connection(updated_by="someone@else")])
    assert run_cli("apply", path, env=fake.env()).code == 0  # only crm is touched


# ---------------------------------------------------------------- rule 4 through apply


def test_a_write_answered_5xx_after_taking_effect_is_not_sent_again(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    new = declared(sample_connection("crm"))
    folder = write_spec([declared(sample_connection()), new])
    fake.fail_writes("users", after_applying(server_error(502)))
    result = run_cli("apply", str(folder), env=fake.env())
    assert result.code == 0, result
    assert [r.method for r in fake.writes] == ["POST"]  # re-read, not resent: no duplicate
    assert [c["id"] for c in fake.connections("users")].count("crm") == 1


def test_a_write_that_did_not_take_effect_is_sent_again_after_the_re_read(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    folder = write_spec([declared(sample_connection()), declared(sample_connection("crm"))])
    fake.fail_writes("users", server_error(503))
    clock = VirtualTime()
    result = run_cli("apply", str(folder), env=fake.env(), clock=clock)
    assert result.code == 0, result
    methods = [r.method for r in fake.requests]
    assert methods[-4:] == ["POST", "GET", "POST", "GET"]  # send, re-read, send, verify


def test_a_rate_limited_write_waits_and_is_sent_again(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    folder = write_spec([declared(sample_connection()), declared(sample_connection("crm"))])
    fake.fail_writes("users", rate_limited(reset="7"))
    clock = VirtualTime()
    result = run_cli("apply", str(folder), env=fake.env(), clock=clock)
    assert result.code == 0, result
    assert [r.method for r in fake.writes] == ["POST", "POST"]
    assert 7.0 in clock.sleeps


# ---------------------------------------------------------------- rule 5: partial failure


def test_a_failed_operation_is_reported_and_a_new_plan_shows_exactly_the_rest(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    conn = declared(sample_connection())
    conn["fields"][0] = {**conn["fields"][0], "display_name": "Tier"}
    folder = write_spec([conn, declared(sample_connection("crm"))])
    fake.fail_writes("users", error(400, "field customer_tier is locked"))
    result = run_cli("apply", str(folder), env=fake.env())
    assert result.code == 4, result
    assert "FAILED" in result.out and "Datadog said: field customer_tier is locked" in result.out
    assert "1 failed" in result.out
    again = run_cli("plan", str(folder), "--format", "json", env=fake.env())
    remaining = {op["connection"] for op in json.loads(again.out)["operations"]}
    outcomes: dict[str, str] = {}
    for line in result.out.splitlines():
        for word in ("applied", "FAILED", "not attempted"):
            if line.startswith(word):
                key = line[len(word) :].split()[1]  # after the action symbol
                outcomes[key.removeprefix("users/").rstrip(":")] = word
    assert "FAILED" in outcomes.values() and set(outcomes) == {"crm", "user-profiles-connection"}
    assert remaining == {c for c, outcome in outcomes.items() if outcome != "applied"}


def test_after_a_failure_no_operation_starts_and_those_in_flight_finish() -> None:
    from driftcheck.plan.operation import Expected, Fingerprint, Operation

    ops = tuple(
        Operation(
            action="delete",
            entity="users",
            connection=f"c{n}",
            changes=(),
            requests=(
                WriteRequest(method="DELETE", entity="users", connection=f"c{n}", body=None),
            ),
            fingerprint=Fingerprint(exists=True),
            expected=Expected(exists=False, attributes={}, fields={}),
        )
        for n in range(6)
    )
    failed = threading.Event()

    def send(request: WriteRequest, _: object) -> WriteResult:
        if request.connection == "c1":
            failed.set()
            return WriteResult(applied=False, status=400, message="HTTP 400; Datadog said: no")
        assert failed.wait(5)  # c0 is in flight when c1 fails
        return WriteResult(applied=True, status=204)

    results = execute(ops, send, workers=2)
    assert [r.outcome for r in results] == ["applied", "failed"] + ["not_attempted"] * 4
    assert "Datadog said: no" in results[1].message


# ---------------------------------------------------------------- rule 6: verification


def test_a_write_that_answered_ok_but_changed_nothing_fails_the_verification(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    folder = write_spec([declared(sample_connection()), declared(sample_connection("crm"))])
    fake.fail_writes("users", Fault(201, b""))  # a 201 that did not create anything
    result = run_cli("apply", str(folder), env=fake.env())
    assert result.code == 2, result
    assert "unverified" in result.out and "users/crm: does not exist in Datadog" in result.out


# ---------------------------------------------------------------- rule 7: the plan file


def test_the_plan_file_follows_its_schema_and_holds_no_key(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    path = _save_plan(_destructive(write_spec, fake), fake)
    text = Path(path).read_text("utf-8")
    document = json.loads(text)
    jsonschema.Draft202012Validator(
        json.loads(schema_text("driftcheck-plan.schema.json"))
    ).validate(document)
    assert document["format"] == "driftcheck-plan" and document["format_version"] == 1
    assert document["api_url"] == fake.url and document["spec"]["digest"].startswith("sha256:")
    actions = {op["action"] for op in document["operations"]}
    assert actions == {"delete", "replace"}
    assert all(op["fingerprint"]["sha256"] for op in document["operations"])
    for secret in (API_KEY, APP_KEY, API_KEY[:8], APP_KEY[-8:]):
        assert secret not in text
    assert [p.name for p in Path(path).parent.iterdir() if p.name.startswith(".")] == []
    assert read_plan(path).operations  # reads back


def test_a_plan_for_another_site_or_url_is_refused(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    path = _save_plan(_destructive(write_spec, fake), fake)
    before = len(fake.requests)
    env = {**fake.env(), "DD_SITE": "datadoghq.eu"}
    del env["DRIFTCHECK_API_URL"]
    result = run_cli("apply", path, "--allow-delete", "--allow-replace", env=env)
    assert result.code == 1 and "was made for" in result.err and "datadoghq.eu" in result.err
    assert len(fake.requests) == before


def test_a_hand_edited_plan_is_refused(fake: FakeDatadog, write_spec: SpecWriter) -> None:
    path = _save_plan(_destructive(write_spec, fake), fake)
    document = json.loads(Path(path).read_text("utf-8"))
    document["operations"][0]["requests"][0]["path"] += "/../other"
    Path(path).write_text(json.dumps(document), "utf-8")
    result = run_cli("apply", path, "--allow-delete", "--allow-replace", env=fake.env())
    assert result.code == 1 and "make the plan again" in result.err
    Path(path).write_text('{"format": "driftcheck-plan", "format_version": 9}', "utf-8")
    result = run_cli("apply", path, env=fake.env())
    assert result.code == 1 and "format_version 9" in result.err and "Traceback" not in result.err


# ---------------------------------------------------------------- rule 8: dry run


def test_dry_run_prints_the_requests_and_sends_none(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    path = _save_plan(_destructive(write_spec, fake), fake)
    result = run_cli(
        "apply", path, "--allow-delete", "--allow-replace", "--dry-run", env=fake.env()
    )
    assert result.code == 0, result
    assert "DELETE /api/v2/product-analytics/users/mapping/connection/legacy" in result.out
    assert "POST /api/v2/product-analytics/users/mapping/connection" in result.out
    assert '"type": "snowflake"' in result.out
    assert fake.writes == []


# ---------------------------------------------------------------- unreadable, deadline


def test_an_unreadable_entity_gives_no_plan_and_no_write(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    folder = write_spec([declared(sample_connection()), declared(sample_connection("crm"))])
    path = _save_plan(folder, fake)
    fake.fail_always("users", server_error(503))
    clock = VirtualTime()
    plan = run_cli(
        "plan", str(folder), "-o", str(folder.parent / "p2.json"), env=fake.env(), clock=clock
    )
    assert plan.code == 4 and "no plan" in plan.err
    assert not (folder.parent / "p2.json").exists()
    for target in (path, str(folder)):
        result = run_cli("apply", target, env=fake.env(), clock=clock)
        assert result.code == 4, result
    assert fake.writes == []


def test_a_replacement_that_fails_half_way_says_what_took_effect(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    folder = write_spec([declared(sample_connection(), type="snowflake")])
    fake.fail_writes("users", Fault(204, b"", apply=True), error(400, "type snowflake unknown"))
    result = run_cli("apply", str(folder), "--allow-replace", env=fake.env())
    assert result.code == 4, result
    assert "POST /api/v2/product-analytics/users/mapping/connection failed" in result.out
    assert "after 1 of 2 requests took effect" in result.out
    assert fake.connection("users", "user-profiles-connection") is None  # deleted, said so
    again = run_cli("plan", str(folder), env=fake.env())
    assert "+ connection user-profiles-connection" in again.out  # the rest: create it


def test_the_timeout_is_one_deadline_for_the_whole_apply(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    folder = write_spec([declared(sample_connection()), declared(sample_connection("crm"))])
    fake.fail_writes("users", rate_limited(reset="50"))
    clock = VirtualTime()
    result = run_cli("apply", str(folder), "--timeout", "30", env=fake.env(), clock=clock)
    assert result.code == 4 and "--timeout deadline" in result.out, result
    assert [r.method for r in fake.writes] == ["POST"]  # not sent again past the deadline


def test_an_interrupted_apply_reports_what_was_done_and_exits_130(
    fake: FakeDatadog, write_spec: SpecWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    import _thread
    import time

    from driftcheck.plan import apply as apply_module

    real = apply_module._run
    started: list[str] = []

    def run_then_interrupt(op: object, send: object) -> object:
        started.append(op.connection)  # type: ignore[attr-defined]
        if len(started) == 1:
            _thread.interrupt_main()  # ^C while the first operation is in flight
            time.sleep(0.2)
        return real(op, send)  # type: ignore[arg-type]

    folder = write_spec([declared(sample_connection(f"c{n}")) for n in range(20)])
    fake.set_connections("users", [])
    monkeypatch.setattr(apply_module, "_run", run_then_interrupt)
    result = run_cli("apply", str(folder), env=fake.env())
    assert result.code == 130, result
    assert "Interrupted (^C)" in result.out and "not attempted" in result.out
    applied = [line for line in result.out.splitlines() if line.startswith("applied")]
    assert len(applied) == len(fake.connections("users")) >= 1, result.out
