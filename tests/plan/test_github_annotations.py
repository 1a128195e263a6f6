"""``plan --format github``: every planned change that comes from a spec line is annotated at
that file and line (a warning when destructive, a notice otherwise), capped at GitHub's 10
per level with the rest counted, the data escaped for workflow commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fakes.datadog_api import FakeDatadog, sample_connection
from helpers import run_cli

from .conftest import SpecWriter, declared

TIER = "driftcheck plan: users/user-profiles-connection ~ update field customer_tier"
ANNOTATION = re.compile(r"^::(warning|notice|error) (.*?)::(.*)$")


def _annotations(out: str) -> list[tuple[str, dict[str, str], str]]:
    found = []
    for line in out.splitlines():
        match = ANNOTATION.match(line)
        if match:
            props = {
                k: _unescape(v) for k, v in (p.split("=", 1) for p in match.group(2).split(","))
            }
            found.append((match.group(1), props, match.group(3)))
    return found


def _unescape(value: str) -> str:
    """A workflow-command property as GitHub reads it."""
    for code, char in (("%3A", ":"), ("%2C", ","), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        value = value.replace(code, char)
    return value


def _line_of(path: Path, text: str, after: str = "") -> int:
    lines = path.read_text("utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if after in line)
    return next(n for n, line in enumerate(lines) if n >= start and text in line) + 1


def test_every_planned_change_is_annotated_at_its_spec_line(
    fake: FakeDatadog, write_spec: SpecWriter, tmp_path: Path
) -> None:
    fake.set_connections("users", [sample_connection(), sample_connection("legacy")])
    conn = declared(sample_connection())
    conn["fields"][0] = {**conn["fields"][0], "display_name": "Tier"}
    conn["fields"].append({"id": "ltv", "source_name": "ltv", "type": "number"})
    folder = write_spec([conn], unmanaged_connections="delete")
    env = {**fake.env(), "GITHUB_WORKSPACE": str(tmp_path)}
    result = run_cli("plan", str(folder), "--format", "github", env=env)
    assert result.code == 2, result
    spec = folder / "users.yaml"
    by_title = {props["title"]: (level, props) for level, props, _ in _annotations(result.out)}
    level, props = by_title[TIER]
    assert level == "notice" and props["file"] == "specs/users.yaml"
    assert props["line"] == str(_line_of(spec, "display_name: Tier"))
    level, props = by_title["driftcheck plan: users/user-profiles-connection + add field ltv"]
    assert level == "notice" and props["line"] == str(_line_of(spec, "id: ltv"))
    level, props = by_title["driftcheck plan: users/legacy - delete (needs --allow-delete)"]
    assert level == "warning" and props["file"] == "specs/users.yaml" and int(props["line"]) > 0
    [summary] = [a for a in _annotations(result.out) if a[1] == {"title": "driftcheck plan"}]
    assert summary[0] == "notice" and summary[2].startswith("Plan: 0 to create, 1 to update")
    saved = tmp_path / "plan.json"
    run_cli("plan", str(folder), "-o", str(saved), env=env)
    changes = [
        c for op in json.loads(saved.read_text("utf-8"))["operations"] for c in op["changes"]
    ]
    [tier] = [c for c in changes if c["field"] == "customer_tier"]
    assert tier["source"] == {
        "file": str(spec),
        "line": int(by_title[TIER][1]["line"]),
        "column": 9,
    }


def test_annotations_past_githubs_cap_are_counted(
    fake: FakeDatadog, write_spec: SpecWriter, tmp_path: Path
) -> None:
    conn = declared(sample_connection())
    conn["fields"] += [
        {"id": f"f{n:02}", "source_name": f"s{n}", "type": "string"} for n in range(15)
    ]
    env = {**fake.env(), "GITHUB_WORKSPACE": str(tmp_path)}
    result = run_cli("plan", str(write_spec([conn])), "--format", "github", env=env)
    notices = [a for a in _annotations(result.out) if a[0] == "notice"]
    assert len(notices) == 10  # 9 changes and the count: GitHub shows 10 per level
    assert "6 more changes not annotated" in notices[-1][2]
    assert "+ add field f00" in result.out and "+ add field f14" in result.out  # the text has all


def test_a_hostile_spec_path_and_value_cannot_forge_a_command(
    fake: FakeDatadog, tmp_path: Path
) -> None:
    folder = tmp_path / "sp,ec:s"
    folder.mkdir()
    (folder / "users.yaml").write_text(
        "version: 1\nentities:\n  users:\n    connections:\n"
        "      - id: user-profiles-connection\n        type: ref_table\n"
        "        join: {attribute: user_email, type: email}\n        fields:\n"
        "          - {id: customer_tier, source_name: subscription_tier, type: string,\n"
        '             display_name: "x\\n::error::pwned"}\n'
        "          - {id: signup_source, source_name: acquisition_channel, type: string}\n"
        "        unmanaged_fields: ignore\n",
        "utf-8",
    )
    env = {**fake.env(), "GITHUB_WORKSPACE": str(tmp_path)}
    result = run_cli("plan", str(folder), "--format", "github", env=env)
    assert result.code == 2, result
    assert not any(line.startswith("::error") for line in result.out.splitlines())
    [(_, props, message)] = [a for a in _annotations(result.out) if "file" in a[1]]
    assert props["file"] == "sp,ec:s/users.yaml" and "file=sp%2Cec%3As/users.yaml," in result.out
    assert '-> "x\\n::error::pwned"' in message  # the value, data inside one command
