"""Run the ``run:`` steps of action.yml and of the example workflows with bash, as a runner does.

``Runner`` resolves the ``${{ }}`` expressions of each step's ``env:`` from a context the test
gives (nothing else may hold one: see e2e/test_workflows_lint.py), runs ``run:`` with
``bash --noprofile --norc -eo pipefail`` in the workspace (``Runner.tmp``) and reads
``$GITHUB_OUTPUT`` back. ``uses:`` steps (setup-python, the cache) are not run: the test says
what they gave (setup-python's interpreter is this test run's Python; the cache missed).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


ACTION = load(ROOT / "action.yml")
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]


def find_step(steps: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(s for s in steps if name in (s.get("id"), s.get("name")))


class Runner:
    """A fake runner: one RUNNER_TEMP, one job summary, step outputs by step id."""

    def __init__(self, tmp_path: Path, env: Mapping[str, str]) -> None:
        self.tmp = tmp_path
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir()
        self.summary = tmp_path / "summary.md"
        self.outputs: dict[str, dict[str, str]] = {}
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "LANG": "C.UTF-8",
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_WORKFLOW": "driftcheck",
            "GITHUB_JOB": "check",
            **env,
        }

    def run(
        self, step: dict[str, Any], context: Mapping[str, str], step_id: str = ""
    ) -> subprocess.CompletedProcess[str]:
        assert "${{" not in step["run"], "expressions belong in env:, not in run:"
        output = self.tmp / f"output-{len(self.outputs)}"
        output.touch()
        env = {**self.env, "GITHUB_OUTPUT": str(output)}
        env.update(
            {name: resolve(str(value), context) for name, value in (step.get("env") or {}).items()}
        )
        script = self.tmp / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            env=env,
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.outputs[step_id or str(len(self.outputs))] = dict(
            line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines()
        )
        return done


def resolve(text: str, context: Mapping[str, str]) -> str:
    """Replace each ``${{ expr }}`` by ``context[expr]``; an unknown expression fails the test."""

    def value(match: re.Match[str]) -> str:
        expression = match.group(1)
        assert expression in context, f"the test gives no value for ${{{{ {expression} }}}}"
        return resolve(context[expression], context)

    return EXPRESSION.sub(value, text)


def fake_venv(runner: Runner, record: bool = False) -> None:
    """driftcheck 'installed' in RUNNER_TEMP: its python is this test run's Python (where
    driftcheck is installed from this checkout). With ``record``, ``python -I -m driftcheck``
    only writes its arguments to ``$RUNNER_TEMP/argv``, one a line."""
    venv = runner.temp / "driftcheck-venv"
    (venv / "bin").mkdir(parents=True)
    recorder = (
        '[ "$1 $2 $3" = "-I -m driftcheck" ] && { shift 3; printf "%s\\n" "$@" '
        '> "$RUNNER_TEMP/argv"; exit 0; }\n'
        if record
        else ""
    )
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\n{recorder}exec "{sys.executable}" "$@"\n', encoding="utf-8")
    # The console script, as pip writes it: it never imports from the current directory.
    script = venv / "bin" / "driftcheck"
    script.write_text(f'#!/bin/sh\nexec "{python}" -I -m driftcheck "$@"\n', encoding="utf-8")
    for path in (python, script):
        path.chmod(0o755)


def action_context(inputs: Mapping[str, str], runner: Runner, token: str) -> dict[str, str]:
    """The expressions of the action's steps: inputs (defaults, then ``inputs``), the token,
    setup-python's interpreter (this test run's), a cache miss and every output so far."""
    context = {
        f"inputs.{name}": str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()
    }
    context.update({f"inputs.{name}": value for name, value in inputs.items()})
    context["github.token"] = token
    context["github.event.pull_request.base.sha"] = ""  # a test passes the base input itself
    context["steps.python.outputs.python-path"] = sys.executable
    context["steps.cache.outputs.cache-hit"] = ""
    for step_id, outputs in runner.outputs.items():
        for name, value in outputs.items():
            context[f"steps.{step_id}.outputs.{name}"] = value
    return context


def run_setup(runner: Runner) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every ``run:`` step before the check (keying, installing...), in order, as on a cache
    miss; stops at the first that fails. Returns what each did, by step id or name."""
    done: dict[str, subprocess.CompletedProcess[str]] = {}
    for step in STEPS[: STEPS.index(find_step(STEPS, "check"))]:
        if "run" not in step:
            continue
        step_id = step.get("id") or step["name"]
        done[step_id] = runner.run(step, action_context({"paths": "."}, runner, "t"), step_id)
        if done[step_id].returncode != 0:
            break
    return done


def run_action(runner: Runner, inputs: Mapping[str, str], token: str = "unused") -> dict[str, Any]:
    """Run check, then comment, then the exit step; returns what each did."""
    check = runner.run(find_step(STEPS, "check"), action_context(inputs, runner, token), "check")
    comment = runner.run(
        find_step(STEPS, "Comment on the pull request"),
        action_context(inputs, runner, token),
        "comment",
    )
    exit_step = runner.run(
        find_step(STEPS, "Exit with the check's exit code"),
        action_context(inputs, runner, token),
        "exit",
    )
    return {
        "check": check,
        "comment": comment,
        "exit": exit_step.returncode,
        "outputs": runner.outputs["check"],
    }
