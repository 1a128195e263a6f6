"""The SARIF report: Microsoft's SARIF multitool validates it (npm, installed by
``npm ci --prefix tests/tools``), results sit at the spec lines with URIs relative to the
repository, fingerprints survive moved lines, and origins become baseline states."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

from helpers import assert_valid_sarif, multitool
from samples import hostile, item, report, representative, three_way

from driftcheck.model import Location
from driftcheck.reporters import RenderOptions, render


def sarif(rep: Any, root: str | None = None) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render(rep, "sarif", RenderOptions(repository_root=root)))
    return document


def test_the_multitool_finds_no_error_or_warning(tmp_path: Path) -> None:
    files = []
    for name, sample in (("rep", representative), ("three", three_way), ("hostile", hostile)):
        path = tmp_path / f"{name}.sarif"
        path.write_text(render(sample(), "sarif", RenderOptions(repository_root="/repo")), "utf-8")
        files.append(str(path))
    assert_valid_sarif(files, tmp_path / "validation.sarif")


def test_the_multitool_catches_a_broken_log(tmp_path: Path) -> None:
    broken = sarif(representative())
    broken["runs"][0]["results"][0]["ruleIndex"] = 99  # no such rule
    path = tmp_path / "broken.sarif"
    path.write_text(json.dumps(broken), "utf-8")
    out = tmp_path / "validation.sarif"
    subprocess.run(
        [str(multitool()), "validate", str(path), "-o", str(out)],
        capture_output=True,
        timeout=300,
        check=False,
    )
    results = json.loads(out.read_text("utf-8"))["runs"][0]["results"]
    assert any(r.get("level", "warning") == "error" for r in results)


def test_one_rule_per_kind_and_results_at_the_spec_lines() -> None:
    run = sarif(representative(), root=str(Path.cwd()))["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules[:3] == ["missing", "unexpected", "changed"]
    first = run["results"][0]
    assert (first["ruleId"], first["level"]) == ("changed", "error")
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "examples/specs/users.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 18, "startColumn": 9}
    assert 'spec: "Customer Tier"\ndatadog: "Tier"' in first["message"]["text"]
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}
    ignored = next(r for r in run["results"] if r["level"] == "note")
    assert ignored["suppressions"][0]["kind"] == "external"
    assert "Datadog UI" in ignored["suppressions"][0]["justification"]


def test_uris_are_relative_to_the_repository_root(tmp_path: Path, monkeypatch: Any) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    rep = report((item("missing", file="specs/users.yaml"),))
    run = sarif(rep, root=str(tmp_path))["runs"][0]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "sub/specs/users.yaml"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_fingerprints_stay_when_unrelated_lines_move() -> None:
    before = representative()
    moved = replace(
        before,
        items=tuple(
            replace(i, source=Location(file=i.source.file, line=i.source.line + 7, column=3))
            if i.source
            else i
            for i in before.items
        ),
    )
    prints = [
        [r["partialFingerprints"] for r in sarif(x)["runs"][0]["results"]] for x in (before, moved)
    ]
    assert prints[0] == prints[1]
    assert len({json.dumps(p) for p in prints[0]}) == len(prints[0])  # one per item


def test_origins_are_baseline_states() -> None:
    results = sarif(three_way())["runs"][0]["results"]
    states = {
        (r["properties"].get("origin"), r.get("baselineState"))
        for r in results
        if "properties" in r
    }
    assert states == {("conflict", "new"), ("introduced", "new"), ("existing", "unchanged")}
    assert all("baselineState" not in r for r in sarif(representative())["runs"][0]["results"])


def test_an_unreadable_entity_makes_the_invocation_unsuccessful() -> None:
    invocation = sarif(representative())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert (
        "accounts: could not be read"
        in invocation["toolExecutionNotifications"][0]["message"]["text"]
    )


def test_no_legacy_workflow_command_in_the_log() -> None:
    rep = report((item("changed", attribute="type", expected="##[error]x", actual="y"),))
    text = render(rep, "sarif", RenderOptions())
    assert "##[" not in text
    assert json.loads(text)["runs"][0]["results"][0]["message"]["text"].count("##[error]x") == 1
