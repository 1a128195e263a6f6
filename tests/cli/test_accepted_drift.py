"""Issue 11, accepted drift: an ignore entry covers exactly what its selectors name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from helpers import run_cli, write_live_snapshot
from spec_builders import CRM, SPEC_HEAD, TIER, check_json, connection

ROOT = Path(__file__).resolve().parents[2]


def test_a_connection_attribute_rule_does_not_hide_the_same_attribute_of_a_field(
    tmp_path: Path,
) -> None:
    spec = (
        SPEC_HEAD + CRM + "        fields:\n" + TIER + "}\n"
        "ignore:\n  - {entity: users, connection: crm, attribute: type, reason: migrating}\n"
    )
    live = [
        connection(
            type="snowflake", fields=[{"id": "tier", "source_name": "tier", "type": "number"}]
        )
    ]
    code, report = check_json(tmp_path, spec, live)
    severities = {item["attribute"]: item["severity"] for item in report["drift"]}
    assert severities == {"type": "ignored", "fields[tier].type": "error"}
    assert code == 2  # the field's type change is not accepted drift: a false green before


def test_a_rule_naming_a_field_glob_covers_the_fields(tmp_path: Path) -> None:
    spec = (
        SPEC_HEAD + CRM + "        fields:\n" + TIER + "}\n"
        "ignore:\n  - {entity: users, connection: crm, field: '*', attribute: type, reason: r}\n"
    )
    live = [
        connection(
            type="snowflake", fields=[{"id": "tier", "source_name": "tier", "type": "number"}]
        )
    ]
    code, report = check_json(tmp_path, spec, live)
    severities = {item["attribute"]: item["severity"] for item in report["drift"]}
    assert severities == {"type": "error", "fields[tier].type": "ignored"}
    assert code == 2


def test_brackets_in_a_selector_are_literal(tmp_path: Path) -> None:
    spec = (
        "version: 1\nentities:\n  users:\n    connections:\n"
        "      - id: 'crm[eu]'\n        type: ref_table\n"
        "        join: {attribute: user_email, type: email}\n"
        "      - id: crme\n        type: ref_table\n"
        "        join: {attribute: user_email, type: email}\n"
        "ignore:\n  - {entity: users, connection: 'crm[eu]', attribute: type, reason: r}\n"
    )
    live = [
        connection("crm[eu]", type="snowflake", fields=[]),
        connection("crme", type="snowflake", fields=[]),
    ]
    code, report = check_json(tmp_path, spec, live)
    severities = {item["connection"]: item["severity"] for item in report["drift"]}
    # fnmatch read '[eu]' as a character class: 'crme' was hidden and 'crm[eu]' was not
    assert severities == {"crm[eu]": "ignored", "crme": "error"}
    assert code == 2
    assert report["notices"] == []


def test_readme_documents_scoping_globs_and_expiry() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "connection's own attribute" in readme
    assert 'field: "*"' in readme
    assert "`[` and `]` are literal" in readme
    assert "through the whole\nof that day in UTC" in readme


def test_a_live_null_in_metadata_is_absent(tmp_path: Path) -> None:
    spec = SPEC_HEAD + CRM + "        metadata: {owner: growth}\n"
    live = [connection(fields=[], metadata={"owner": "growth", "team": None})]
    code, report = check_json(tmp_path, spec, live)
    assert (code, report["drift"]) == (0, [])


def test_the_suggested_ignore_entry_accepts_exactly_its_item_even_for_glob_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Markdown report's 'What to do' entry, pasted as it is, accepts only the item it
    was written for: an id holding '*' or '?' is escaped, not a glob over its look-alikes."""
    monkeypatch.chdir(tmp_path)
    ids = ("crm*", "crm1", "a?", "ab")  # each with a look-alike that the bare id would glob
    spec = "version: 1\nentities:\n  users:\n    connections:\n" + "".join(
        f"      - {{id: '{i}', type: ref_table, join: {{attribute: e, type: email}}}}\n"
        for i in ids
    )
    (tmp_path / "users.yaml").write_text(spec, encoding="utf-8")
    live = [
        {"id": i, "type": "snowflake", "join": {"attribute": "e", "type": "email"}} for i in ids
    ]
    write_live_snapshot(tmp_path / "live.json", {"users": live})
    first = run_cli("check", "users.yaml", "--live-snapshot", "live.json", "--format", "markdown")
    assert first.code == 2
    suggested = first.out.split("```yaml\n", 1)[1].split("```", 1)[0]
    entry = yaml.safe_load(suggested)["ignore"][0]
    # the example is one of the glob ids (the first, in the report's order)
    chosen = next(i for i in ("crm*", "a?") if entry["connection"].replace("\\", "") == i)
    (tmp_path / "users.yaml").write_text(spec + suggested, encoding="utf-8")
    again = run_cli("check", "users.yaml", "--live-snapshot", "live.json", "--format", "json")
    severities = {i["connection"]: i["severity"] for i in json.loads(again.out)["drift"]}
    assert severities == {i: "ignored" if i == chosen else "error" for i in ids}
    assert again.code == 2
