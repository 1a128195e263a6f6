"""``driftcheck schema [-o FILE]`` and what the spec schema says for editors."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli

from driftcheck.spec.shipped import SPEC_SCHEMA, schema_text


def test_schema_prints_the_packaged_spec_schema() -> None:
    done = run_cli("schema")
    assert done.code == 0 and done.err == ""
    assert done.out == schema_text(SPEC_SCHEMA)
    schema = json.loads(done.out)
    # No invented host: the id is a name, and editors get the file itself (export, -o).
    assert schema["$id"] == "urn:driftcheck:schema:spec:1"


def test_schema_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "driftcheck-spec.schema.json"
    done = run_cli("schema", "-o", str(out))
    assert (done.code, done.out) == (0, "")
    assert done.err == f"wrote {out}\n"  # like export and plan -o: stdout stays clean
    assert out.read_text(encoding="utf-8") == schema_text(SPEC_SCHEMA)


def test_schema_refuses_the_job_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("kept\n", encoding="utf-8")
    done = run_cli("schema", "-o", str(summary), env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert done.code == 1
    assert summary.read_text(encoding="utf-8") == "kept\n"


def test_groups_are_unique_items_and_descriptions_are_markdown_too() -> None:
    schema = json.loads(schema_text(SPEC_SCHEMA))
    groups = schema["$defs"]["field"]["properties"]["groups"]
    assert groups["uniqueItems"] is True
    described: list[dict[str, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("description"), str):
                described.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert described and all(n["markdownDescription"] == n["description"] for n in described)


def test_a_repeated_group_is_reported_by_the_rule_not_twice_by_the_schema(tmp_path: Path) -> None:
    spec = tmp_path / "users.yaml"
    spec.write_text(
        "version: 1\nentities:\n  users:\n    connections:\n      - id: c\n        type: t\n"
        "        join: {attribute: a, type: b}\n        fields:\n"
        "          - {id: f, source_name: s, type: string, groups: [A, B, A]}\n",
        encoding="utf-8",
    )
    done = run_cli("validate", str(spec))
    assert done.code == 3
    lines = [line for line in done.out.splitlines() if "error" in line]
    # One line per place of 'A', naming both places (the rule); no uniqueItems message.
    assert len(lines) == 2, done.out
    assert all("group 'A' is listed more than once" in line for line in lines)
    assert "non-unique" not in done.out
