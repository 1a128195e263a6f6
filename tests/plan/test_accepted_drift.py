"""Ignored drift is never reverted, not even by a recreate: a replaced connection or field
keeps Datadog's value of the attributes an ignore entry covers, and the plan says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes.datadog_api import FakeDatadog, sample_connection
from helpers import run_cli

from .conftest import SpecWriter, declared
from .test_operations import bodies, plan_apply_check

UI_TEXT = "Acquisition channel (edited in UI)"


def _ignore(folder: Path, field: str, attribute: str) -> Path:
    spec = folder / "users.yaml"
    spec.write_text(
        spec.read_text("utf-8")
        + f"ignore:\n  - entity: users\n    field: {field}\n    attribute: {attribute}\n"
        "    reason: the UI owns it\n",
        "utf-8",
    )
    return folder


def _live_with_ui_edit() -> dict[str, Any]:
    live = sample_connection()
    live["fields"][1] = {**live["fields"][1], "description": UI_TEXT}
    return live


def test_a_replaced_connection_keeps_the_live_value_of_ignored_drift(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    fake.set_connections("users", [_live_with_ui_edit()])
    conn = declared(sample_connection(), join={"attribute": "user_id", "type": "user_id"})
    folder = _ignore(write_spec([conn]), "signup_source", "description")
    out = plan_apply_check(folder, fake, "--allow-replace")
    assert "ignored drift keeps Datadog's value: signup_source.description" in out
    (_, _, _), (post, _, body) = bodies(fake)
    sent = {f["id"]: f for f in body["data"]["attributes"]["fields"]}
    assert post == "POST" and sent["signup_source"]["description"] == UI_TEXT
    assert sent["customer_tier"]["description"] == "Customer subscription tier"
    after = fake.connection("users", "user-profiles-connection")
    assert after["join"]["type"] == "user_id"
    assert [f["description"] for f in after["fields"] if f["id"] == "signup_source"] == [UI_TEXT]


def test_a_replaced_field_keeps_the_live_value_of_ignored_drift(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    fake.set_connections("users", [_live_with_ui_edit()])
    conn = declared(sample_connection())
    conn["fields"][1] = {**conn["fields"][1], "type": "number"}
    folder = _ignore(write_spec([conn]), "signup_source", "description")
    out = plan_apply_check(folder, fake, "--allow-replace")
    assert "-/+ replace field signup_source" in out
    assert "ignored drift keeps Datadog's value: signup_source.description" in out
    _, (_, _, second) = bodies(fake)
    [added] = second["data"]["attributes"]["fields_to_add"]
    assert added["type"] == "number" and added["description"] == UI_TEXT


def test_a_replacement_shows_what_it_changes_in_each_field(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    conn = declared(sample_connection(), join={"attribute": "user_id", "type": "user_id"})
    conn["fields"][0] = {**conn["fields"][0], "display_name": "Tier"}
    conn["fields"].append({"id": "ltv", "source_name": "ltv", "type": "number"})
    out = plan_apply_check(write_spec([conn]), fake, "--allow-replace")
    assert "-/+ connection user-profiles-connection" in out
    assert '~ update field customer_tier\n          display_name: "Customer Tier" -> "Tier"' in out
    assert "+ add field ltv" in out and "+ add field customer_tier" not in out
    assert "signup_source" not in out  # unchanged: recreated as it is


def test_undeclared_live_items_under_warn_policies_are_listed_as_not_planned(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    live = sample_connection()
    extra = {"id": "last_contacted", "source_name": "last_activity", "type": "string"}
    live["fields"] = [*live["fields"], extra]
    fake.set_connections("users", [live, sample_connection("hubspot-sync")])
    conn = {**declared(sample_connection()), "unmanaged_fields": "warn"}
    conn["fields"][0] = {**conn["fields"][0], "display_name": "Tier"}
    folder = write_spec([conn], unmanaged_connections="warn")
    result = run_cli("plan", str(folder), env=fake.env())
    assert result.code == 2 and "~ update field customer_tier" in result.out
    assert "not planned: users/hubspot-sync: exists in Datadog but not in the spec" in result.out
    assert (
        "not planned: users/user-profiles-connection: field last_contacted exists in Datadog"
        in result.out
    )
