"""A replacement never drops live state silently: a live field that the spec does not declare
is carried into the recreate (as Datadog has it) unless ``unmanaged_fields: delete`` asks for
its deletion, which the plan then shows as a delete needing --allow-delete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes.datadog_api import FakeDatadog, sample_connection
from helpers import run_cli

from .conftest import SpecWriter, declared
from .test_operations import bodies, plan_apply_check

LEGACY = {
    "id": "legacy_score",
    "source_name": "score_v1",
    "type": "number",
    "display_name": "Legacy score",
    "groups": ["Old"],
}
CONN = "user-profiles-connection"


def _live_with_legacy() -> dict[str, Any]:
    live = sample_connection()
    live["fields"] = [*live["fields"], dict(LEGACY)]
    return live


def _replaced(**policy: str) -> dict[str, Any]:
    """The spec of the sample connection with a new join (a replacement), and ``policy``."""
    return {
        **declared(sample_connection(), join={"attribute": "user_id", "type": "user_id"}),
        **policy,
    }


def _ignore_field(folder: Path, field: str) -> Path:
    spec = folder / "users.yaml"
    spec.write_text(
        spec.read_text("utf-8") + f"ignore:\n  - entity: users\n    field: {field}\n"
        "    reason: owned by the data team\n",
        "utf-8",
    )
    return folder


def _live_field(fake: FakeDatadog, field: str) -> dict[str, Any] | None:
    conn = fake.connection("users", CONN)
    assert conn is not None and conn["join"]["type"] == "user_id"  # it was replaced
    return next((f for f in conn["fields"] if f["id"] == field), None)


def test_an_ignored_undeclared_field_survives_a_replacement(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    fake.set_connections("users", [_live_with_legacy()])
    folder = _ignore_field(write_spec([_replaced()]), "legacy_score")
    out = plan_apply_check(folder, fake, "--allow-replace")
    assert "lost" not in out
    assert "live fields not in the spec are recreated as Datadog has them: legacy_score" in out
    (_, _, _), (_, _, body) = bodies(fake)
    sent = {f["id"]: f for f in body["data"]["attributes"]["fields"]}
    assert sent["legacy_score"] == LEGACY
    assert _live_field(fake, "legacy_score") == LEGACY


@pytest.mark.parametrize("policy", ["warn", "fail", "ignore"])
def test_an_undeclared_field_under_a_keeping_policy_survives_a_replacement(
    fake: FakeDatadog, write_spec: SpecWriter, policy: str
) -> None:
    fake.set_connections("users", [_live_with_legacy()])
    folder = write_spec([_replaced(unmanaged_fields=policy)])
    plan = run_cli("plan", str(folder), env=fake.env())
    assert plan.code == 2 and "recreated as Datadog has them: legacy_score" in plan.out
    noted = f"not planned: users/{CONN}: field legacy_score exists in Datadog" in plan.out
    assert noted == (policy != "ignore")  # an ignore policy reports nothing
    applied = run_cli("apply", str(folder), "--allow-replace", env=fake.env())
    assert applied.code == (2 if policy == "fail" else 0), applied  # check still fails on it
    assert _live_field(fake, "legacy_score") == LEGACY


def test_under_the_delete_policy_a_replacement_deletes_it_only_with_allow_delete(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    fake.set_connections("users", [_live_with_legacy()])
    folder = write_spec([_replaced(unmanaged_fields="delete")])
    plan = run_cli("plan", str(folder), env=fake.env())
    assert "- delete field legacy_score  [destructive: needs --allow-delete]" in plan.out
    assert "Destructive: apply needs --allow-delete --allow-replace." in plan.out
    refused = run_cli("apply", str(folder), "--allow-replace", env=fake.env())
    assert refused.code == 1 and "needs --allow-delete" in refused.err
    assert fake.writes == []
    plan_apply_check(folder, fake, "--allow-replace", "--allow-delete")
    (_, _, _), (_, _, body) = bodies(fake)
    assert "legacy_score" not in {f["id"] for f in body["data"]["attributes"]["fields"]}
    assert _live_field(fake, "legacy_score") is None


def test_a_live_field_that_cannot_be_recreated_is_a_delete_needing_its_flag(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    live = _live_with_legacy()
    del live["fields"][-1]["source_name"]  # Datadog gave no source_name: no create can carry it
    fake.set_connections("users", [live])
    folder = _ignore_field(write_spec([_replaced()]), "legacy_score")
    plan = run_cli("plan", str(folder), env=fake.env())
    assert "- delete field legacy_score  [destructive: needs --allow-delete]" in plan.out
    assert "the recreate cannot carry it: Datadog gave no source_name" in plan.out
    refused = run_cli("apply", str(folder), "--allow-replace", env=fake.env())
    assert refused.code == 1 and fake.writes == []


def test_an_ignored_missing_field_is_not_created_by_a_replacement(
    fake: FakeDatadog, write_spec: SpecWriter
) -> None:
    spec = _replaced()
    spec["fields"] = [*spec["fields"], {"id": "ltv", "source_name": "ltv", "type": "number"}]
    folder = _ignore_field(write_spec([spec]), "ltv")  # "Datadog lacks it: leave it so"
    out = plan_apply_check(folder, fake, "--allow-replace")
    assert (
        "declared fields Datadog lacks stay absent (ignored, or absent before the change): ltv"
        in out
    )
    (_, _, _), (_, _, body) = bodies(fake)
    assert "ltv" not in {f["id"] for f in body["data"]["attributes"]["fields"]}
    assert _live_field(fake, "ltv") is None
