"""The write client against the fake: no blind retries (safety rule 4), secrets kept out."""

from __future__ import annotations

from fakes import VirtualTime
from fakes.datadog_api import (
    API_KEY,
    APP_KEY,
    FakeDatadog,
    after_applying,
    dropped,
    error,
    sample_connection,
    server_error,
    slow,
)

from driftcheck.live.credentials import Credentials
from driftcheck.live.sites import resolve_target
from driftcheck.live.writes import Writer, WriteRequest
from driftcheck.plan.effects import took_effect
from driftcheck.retry import Deadline

CREATE = WriteRequest(
    method="POST",
    entity="users",
    connection="crm",
    body={
        "data": {
            "type": "connection_id",
            "id": "crm",
            "attributes": {"type": "ref_table", "join_attribute": "a", "join_type": "email"},
        }
    },
)


def writer(fake: FakeDatadog, clock: VirtualTime, **options: float) -> Writer:
    return Writer(
        target=resolve_target(site=None, api_url=fake.url),
        credentials=Credentials(API_KEY, APP_KEY),
        deadline=Deadline.after(options.pop("timeout", 60.0), clock.clock),
        sleep=clock.sleep,
        **options,  # type: ignore[arg-type]
    )


def test_a_timeout_after_the_write_took_effect_is_confirmed_by_a_re_read(
    fake_datadog: FakeDatadog,
) -> None:
    fake_datadog.set_connections("users", [sample_connection()])
    fake_datadog.fail_writes("users", after_applying(slow(1.0)))
    result = writer(fake_datadog, VirtualTime(), read_timeout=0.2).send(CREATE, took_effect(CREATE))
    assert result.applied and result.confirmed_by_read and result.sends == 1
    assert [r.method for r in fake_datadog.requests] == ["POST", "GET"]


def test_a_dropped_connection_before_the_write_applied_is_retried_once_shown_absent(
    fake_datadog: FakeDatadog,
) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail_writes("users", dropped())
    result = writer(fake_datadog, VirtualTime()).send(CREATE, took_effect(CREATE))
    assert result.applied and result.sends == 2
    assert [r.method for r in fake_datadog.requests] == ["POST", "GET", "POST"]


def test_when_the_re_read_fails_too_the_write_is_reported_uncertain_and_not_resent(
    fake_datadog: FakeDatadog,
) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail_writes("users", server_error(502))
    fake_datadog.fail_always("users", server_error(503))  # every read fails from now on
    result = writer(fake_datadog, VirtualTime()).send(CREATE, took_effect(CREATE))
    assert not result.applied and result.uncertain
    assert "unknown whether this write took effect" in result.message
    assert [r.method for r in fake_datadog.writes] == ["POST"]


def test_a_4xx_is_final_and_carries_datadogs_message(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail_writes("users", error(400, f"bad key {API_KEY}"))
    result = writer(fake_datadog, VirtualTime()).send(CREATE, took_effect(CREATE))
    assert not result.applied and result.status == 400 and not result.uncertain
    assert "Datadog said: bad key ***" in result.message and API_KEY not in result.message
    assert len(fake_datadog.writes) == 1


def test_writes_send_the_keys_as_headers_and_json_bodies(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    assert writer(fake_datadog, VirtualTime()).send(CREATE, took_effect(CREATE)).applied
    [request] = fake_datadog.writes
    assert request.headers["dd-api-key"] == API_KEY
    assert request.headers["dd-application-key"] == APP_KEY
    assert request.headers["content-type"] == "application/json"
    assert request.json() == CREATE.body
    assert fake_datadog.connection("users", "crm")["updated_by"]  # stamped by the fake
