"""Safety rule 3: ``plan --base REV`` plans only what the change introduced, in a real git
repository made in the test, against the fake Datadog server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fakes.datadog_api import FakeDatadog
from helpers import THREE_FIELD_SPEC, run_cli

BASE = THREE_FIELD_SPEC
REGION = "          - {id: region, source_name: region, type: string}\n"


def live_field(field_id: str, display_name: str, type_: str = "string") -> dict[str, str]:
    return {"id": field_id, "source_name": field_id, "type": type_, "display_name": display_name}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_datadog: FakeDatadog) -> Path:
    """A repository whose last commit holds BASE; Datadog has BASE with `plan` edited in the UI."""
    root = tmp_path / "repo"
    (root / "specs").mkdir(parents=True)
    (root / "specs" / "users.yaml").write_text(BASE, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    monkeypatch.chdir(root)
    fields = [
        live_field("tier", "Tier"),
        live_field("plan", "Tariff"),
        live_field("seats", "Seats", "number"),
    ]
    conn = {"id": "crm", "type": "ref_table", "join": {"attribute": "email", "type": "email"}}
    fake_datadog.set_connections("users", [{**conn, "fields": fields}])
    return root


def change(repo: Path, text: str) -> None:
    (repo / "specs" / "users.yaml").write_text(text, encoding="utf-8")


def plan_json(fake: FakeDatadog, *args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("plan", "specs", "--base", "HEAD", "--format", "json", *args, env=fake.env())
    assert result.code in (0, 2), result
    return json.loads(result.out)  # type: ignore[no-any-return]


def test_only_introduced_drift_is_planned_and_existing_drift_is_left_alone(
    repo: Path, fake_datadog: FakeDatadog
) -> None:
    change(repo, BASE.replace("          - {id: seats", REGION + "          - {id: seats"))
    plan = plan_json(fake_datadog)
    [op] = plan["operations"]
    assert [c["kind"] for c in op["changes"]] == ["add_field"]  # region only, not `plan`
    assert op["requests"][0]["body"]["data"]["attributes"] == {
        "fields_to_add": [{"id": "region", "source_name": "region", "type": "string"}]
    }
    assert plan["base"] == "HEAD"
    assert any("fields[plan].display_name: existing drift" in n for n in plan["unplanned"])
    without_base = run_cli("plan", "specs", "--format", "json", env=fake_datadog.env())
    assert "update_field" in without_base.out  # without --base the UI edit would be reverted


def test_revert_drift_also_reverts_existing_drift(repo: Path, fake_datadog: FakeDatadog) -> None:
    change(repo, BASE.replace("          - {id: seats", REGION + "          - {id: seats"))
    [op] = plan_json(fake_datadog, "--revert-drift")["operations"]
    assert [c["kind"] for c in op["changes"]] == ["add_field", "update_field"]


def test_a_conflict_blocks_the_plan(repo: Path, fake_datadog: FakeDatadog) -> None:
    change(repo, BASE.replace("display_name: Plan}", "display_name: Pricing plan}"))
    result = run_cli("plan", "specs", "--base", "HEAD", "-o", "plan.json", env=fake_datadog.env())
    assert result.code == 2 and "the plan is blocked" in result.err
    assert "users/crm fields[plan].display_name" in result.err and "'Tariff'" in result.err
    assert not (repo / "plan.json").exists()


def test_a_resolved_item_needs_no_operation(repo: Path, fake_datadog: FakeDatadog) -> None:
    change(repo, BASE.replace("display_name: Plan}", "display_name: Tariff}"))
    plan = plan_json(fake_datadog)
    assert plan["operations"] == [] and plan["unplanned"] == []


def test_the_after_merge_run_applies_only_the_change(repo: Path, fake_datadog: FakeDatadog) -> None:
    change(repo, BASE.replace("          - {id: seats", REGION + "          - {id: seats"))
    git(repo, "commit", "-qam", "add region")
    result = run_cli("apply", "specs", "--base", "HEAD~1", env=fake_datadog.env())
    assert result.code == 0, result
    live = fake_datadog.connection("users", "crm")
    assert live is not None
    names = {f["id"]: f["display_name"] for f in live["fields"] if "display_name" in f}
    assert names["plan"] == "Tariff"  # the UI edit survives the merge
    assert [f["id"] for f in live["fields"]][-1] == "region"


JOIN_CHANGE = BASE.replace(
    "join: {attribute: email, type: email}", "join: {attribute: uid, type: user_id}"
)


def _created_fields(op: dict) -> dict:  # type: ignore[type-arg]
    post = op["requests"][-1]["body"]["data"]["attributes"]
    return {f["id"]: f for f in post["fields"]}


def test_a_replacement_keeps_existing_drift_as_datadog_has_it(
    repo: Path, fake_datadog: FakeDatadog
) -> None:
    change(repo, JOIN_CHANGE)
    plan = plan_json(fake_datadog)
    [op] = plan["operations"]
    assert op["action"] == "replace"
    assert _created_fields(op)["plan"]["display_name"] == "Tariff"  # the UI edit survives
    assert "existing drift keeps Datadog's value: plan.display_name" in op["changes"][0]["reason"]
    assert any("fields[plan].display_name: existing drift" in n for n in plan["unplanned"])
    reverted = plan_json(fake_datadog, "--revert-drift")["operations"][0]
    assert _created_fields(reverted)["plan"]["display_name"] == "Plan"
    assert "existing drift" not in reverted["changes"][0]["reason"]
    assert ["display_name", "Tariff", "Plan"] in [
        [a["attribute"], a["datadog"], a["spec"]]
        for c in reverted["changes"]
        if c["field"] == "plan"
        for a in c["attributes"]
    ]


def test_a_replacement_does_not_add_a_field_that_was_missing_before_the_change(
    repo: Path, fake_datadog: FakeDatadog
) -> None:
    [live] = fake_datadog.connections("users")
    live["fields"] = [f for f in live["fields"] if f["id"] != "seats"]  # deleted in the UI
    fake_datadog.set_connections("users", [live])
    change(repo, JOIN_CHANGE)
    [op] = plan_json(fake_datadog)["operations"]
    assert "seats" not in _created_fields(op)
    assert "stay absent (ignored, or absent before the change): seats" in op["changes"][0]["reason"]
    [reverted] = plan_json(fake_datadog, "--revert-drift")["operations"]
    assert "seats" in _created_fields(reverted)


def test_a_replaced_field_keeps_existing_drift_as_datadog_has_it(
    repo: Path, fake_datadog: FakeDatadog
) -> None:
    change(
        repo,
        BASE.replace(
            "{id: plan, source_name: plan, type: string",
            "{id: plan, source_name: plan, type: number",
        ),
    )
    [op] = plan_json(fake_datadog)["operations"]
    [added] = op["requests"][-1]["body"]["data"]["attributes"]["fields_to_add"]
    assert added["type"] == "number" and added["display_name"] == "Tariff"
    [replaced] = [c for c in op["changes"] if c["kind"] == "replace_field"]
    assert "existing drift keeps Datadog's value: plan.display_name" in replaced["reason"]


def test_existing_drift_left_alone_is_named_in_the_last_line(
    repo: Path, fake_datadog: FakeDatadog
) -> None:
    change(repo, BASE.replace("          - {id: seats", REGION + "          - {id: seats"))
    result = run_cli("plan", "specs", "--base", "HEAD", env=fake_datadog.env())
    last = result.out.strip().splitlines()[-1]
    assert "1 item is not planned (drift from before the change, or warnings)" in last
    assert "Datadog still differs there" in last and "matches" not in last
