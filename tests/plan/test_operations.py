"""Every row of the operations table, against the fake: the plan shows it, apply sends
exactly the OpenAPI body (the fake enforces it), a check afterwards is clean and a second
plan is empty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fakes.datadog_api import FakeDatadog, sample_connection
from helpers import run_cli

from .conftest import SpecWriter, declared

FLAGS = ("--allow-delete", "--allow-replace")


def plan_apply_check(folder: Path, fake: FakeDatadog, *flags: str) -> str:
    """Plan (exit 2), apply (exit 0), then check (exit 0) and plan again (exit 0, empty)."""
    env = fake.env()
    plan = run_cli("plan", str(folder), "-o", str(folder.parent / "plan.json"), env=env)
    assert plan.code == 2, plan
    applied = run_cli("apply", str(folder.parent / "plan.json"), *flags, env=env)
    assert applied.code == 0, applied
    assert "Verified" in applied.out
    assert run_cli("check", str(folder), env=env).code == 0
    again = run_cli("plan", str(folder), env=env)
    assert again.code == 0 and "No changes." in again.out, again
    return plan.out


def bodies(fake: FakeDatadog) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path, r.json() if r.body else None) for r in fake.writes]


PATH = "/api/v2/product-analytics/users/mapping/connection"


def test_a_declared_connection_absent_in_datadog_is_created(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    new = declared(sample_connection("crm-integration"), metadata={"owner": "sales"})
    out = plan_apply_check(write_spec([declared(sample_connection()), new]), fake)
    assert "+ connection crm-integration" in out and "1 to create" in out
    [(method, path, body)] = bodies(fake)
    assert (method, path) == ("POST", PATH)
    attributes = body["data"]["attributes"]
    assert body["data"]["type"] == "connection_id" and body["data"]["id"] == "crm-integration"
    assert attributes["join_attribute"] == "user_email" and attributes["join_type"] == "email"
    assert attributes["metadata"] == {"owner": "sales"}
    assert [f["id"] for f in attributes["fields"]] == ["customer_tier", "signup_source"]


def test_a_declared_field_absent_is_added(fake: FakeDatadog, write_spec: SpecWriter) -> None:
    conn = declared(sample_connection())
    conn["fields"] = [*conn["fields"], {"id": "ltv", "source_name": "ltv", "type": "number"}]
    out = plan_apply_check(write_spec([conn]), fake)
    assert "+ add field ltv" in out and "1 to update" in out
    [(method, _, body)] = bodies(fake)
    assert method == "PUT"
    assert body["data"]["attributes"] == {
        "fields_to_add": [{"id": "ltv", "source_name": "ltv", "type": "number"}]
    }


def test_display_name_description_and_groups_are_updated(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    conn = declared(sample_connection())
    conn["fields"][0] = {
        **conn["fields"][0],
        "display_name": "Tier",
        "description": "",
        "groups": ["Business"],
    }
    out = plan_apply_check(write_spec([conn]), fake)
    assert "~ update field customer_tier" in out and '"Customer Tier" -> "Tier"' in out
    [(_, _, body)] = bodies(fake)
    assert body["data"]["attributes"] == {
        "fields_to_update": [
            {
                "field_id": "customer_tier",
                "updated_display_name": "Tier",
                "updated_description": "",
                "updated_groups": ["Business"],
            }
        ]
    }


def test_an_undeclared_field_is_deleted_only_under_the_delete_policy(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    conn = declared(sample_connection())
    conn["fields"] = conn["fields"][:1]
    plan = run_cli("plan", str(write_spec([conn])), env=fake.env())
    assert plan.code == 0 and "not planned" in plan.out  # policy fail: reported, not deleted
    out = plan_apply_check(write_spec([{**conn, "unmanaged_fields": "delete"}]), fake, *FLAGS)
    assert "- delete field signup_source  [destructive: needs --allow-delete]" in out
    [(_, _, body)] = bodies(fake)
    assert body["data"]["attributes"] == {"fields_to_delete": ["signup_source"]}


def test_a_field_whose_source_name_or_type_differs_is_replaced(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    conn = declared(sample_connection())
    conn["fields"][0] = {**conn["fields"][0], "source_name": "tier_v2", "type": "number"}
    out = plan_apply_check(write_spec([conn]), fake, "--allow-replace")
    assert "-/+ replace field customer_tier  [destructive: needs --allow-replace]" in out
    first, second = bodies(fake)  # one request may not name the field twice
    assert first[2]["data"]["attributes"] == {"fields_to_delete": ["customer_tier"]}
    assert second[2]["data"]["attributes"]["fields_to_add"][0]["source_name"] == "tier_v2"
    assert fake.connection("users", "user-profiles-connection")["fields"][-1]["type"] == "number"


def test_a_connection_whose_type_join_or_metadata_differs_is_replaced(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    conn = declared(sample_connection(), join={"attribute": "user_id", "type": "user_id"})
    out = plan_apply_check(write_spec([conn]), fake, "--allow-replace")
    assert "-/+ connection user-profiles-connection" in out and "1 to replace" in out
    (delete, path, none), (post, _, body) = bodies(fake)
    assert (delete, path, none) == ("DELETE", f"{PATH}/user-profiles-connection", None)
    assert post == "POST" and len(body["data"]["attributes"]["fields"]) == 2
    assert fake.connection("users", "user-profiles-connection")["join"]["type"] == "user_id"


def test_an_undeclared_connection_is_deleted_only_under_the_delete_policy(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    fake.set_connections("users", [sample_connection(), sample_connection("legacy")])
    keep = declared(sample_connection())
    assert "not planned" in run_cli("plan", str(write_spec([keep])), env=fake.env()).out
    folder = write_spec([keep], unmanaged_connections="delete")
    out = plan_apply_check(folder, fake, "--allow-delete")
    assert "# users/legacy will be DELETED" in out
    assert bodies(fake) == [("DELETE", f"{PATH}/legacy", None)]


def test_ignored_drift_is_not_reverted(fake: FakeDatadog, write_spec: SpecWriter) -> None:
    conn = declared(sample_connection())
    conn["fields"][0] = {**conn["fields"][0], "display_name": "Tier"}
    folder = write_spec([conn])
    text = (folder / "users.yaml").read_text("utf-8")
    (folder / "users.yaml").write_text(
        text + "ignore:\n  - entity: users\n    field: customer_tier\n    reason: UI owns it\n",
        "utf-8",
    )
    result = run_cli("plan", str(folder), "--format", "json", env=fake.env())
    assert result.code == 0 and json.loads(result.out)["operations"] == []


def test_the_check_treats_the_delete_policy_like_fail(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    fake.set_connections("users", [sample_connection(), sample_connection("legacy")])
    folder = write_spec([declared(sample_connection())], unmanaged_connections="delete")
    result = run_cli("check", str(folder), env=fake.env())
    assert result.code == 2 and "connection legacy" in result.out and "[error]" in result.out


def test_a_field_declared_with_previous_id_is_renamed_in_place(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    conn = declared(sample_connection())
    conn["fields"][0] = {**conn["fields"][0], "id": "tier", "previous_id": "customer_tier"}
    conn["fields"][0]["display_name"] = "Tier"
    folder = write_spec([conn])
    assert run_cli("check", str(folder), env=fake.env()).code == 2  # drift until applied
    out = plan_apply_check(folder, fake)  # no flag: a rename is not destructive
    assert "~ rename field tier" in out and '"customer_tier" -> "tier"' in out
    [(_, _, body)] = bodies(fake)
    assert body["data"]["attributes"] == {
        "fields_to_update": [
            {
                "field_id": "customer_tier",
                "updated_field_id": "tier",
                "updated_display_name": "Tier",
            }
        ]
    }


def test_previous_id_cannot_rename_a_field_whose_type_changed(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    conn = declared(sample_connection())
    conn["fields"][0] = {**conn["fields"][0], "id": "tier", "previous_id": "customer_tier"}
    conn["fields"][0]["type"] = "number"
    result = run_cli("plan", str(write_spec([conn])), "--format", "json", env=fake.env())
    plan = json.loads(result.out)
    assert any("cannot be renamed from customer_tier" in n for n in plan["unplanned"])
    [op] = plan["operations"]
    assert [c["kind"] for c in op["changes"]] == ["add_field"]  # the old field is not deleted
