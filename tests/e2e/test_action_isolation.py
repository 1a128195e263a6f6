"""The action never runs code from the checked-out workspace (issue 12, point 1).

A pull request can add any file at the repository root. The action's steps run in that
workspace with the Datadog keys in their environment, so no Python it starts may import a
module from there: ``json.py`` (read by the report step), ``venv/__main__.py`` (``python -m
venv``), ``pip/__main__.py``, a ``driftcheck`` package, ``sitecustomize.py``... Each hostile
module here only leaves a marker file; the tests run the action's steps (action_runner.py) in
such a workspace and assert that no marker appears and the steps still do their job.
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from action_runner import STEPS, Runner, action_context, fake_venv, find_step, run_action, run_setup
from fakes.datadog_api import FakeDatadog, running, sample_connection
from helpers import ONE_CONNECTION_SPEC

HOSTILE_MODULES = (
    "json.py",
    "hashlib.py",
    "platform.py",
    "sitecustomize.py",
    "usercustomize.py",
    "venv/__init__.py",
    "venv/__main__.py",
    "ensurepip/__main__.py",
    "pip/__init__.py",
    "pip/__main__.py",
    "setuptools/__init__.py",
    "driftcheck/__init__.py",
    "driftcheck/__main__.py",
)

SPEC = ONE_CONNECTION_SPEC


def plant(workspace: Path) -> Path:
    """Hostile modules in ``workspace``; each writes ``workspace/pwned/<name>`` when run."""
    markers = workspace / "pwned"
    markers.mkdir()
    for name in HOSTILE_MODULES:
        path = workspace / name
        path.parent.mkdir(exist_ok=True)
        marker = markers / name.replace("/", "_")
        path.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    return markers


@pytest.fixture
def datadog() -> Iterator[FakeDatadog]:
    with running(connections={"users": []}) as fake:
        yield fake


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Runner, Path]:
    """A runner whose workspace holds the hostile modules, and PYTHONPATH pointing at them
    (an earlier step of the job can set it through GITHUB_ENV)."""
    markers = plant(tmp_path)
    runner = Runner(
        tmp_path,
        {
            "PYTHONPATH": str(tmp_path),
            # pip only ever sees an index that refuses connections: no test reaches a network.
            "PIP_CONFIG_FILE": "/dev/null",
            "PIP_INDEX_URL": f"http://127.0.0.1:{closed_port()}/simple",
            "PIP_RETRIES": "0",
            "PIP_TIMEOUT": "2",
        },
    )
    return runner, markers


def test_the_hostile_modules_run_where_python_is_not_isolated(
    hostile: tuple[Runner, Path],
) -> None:
    """Control: without -I each planted module would run, so the tests below can fail."""
    runner, markers = hostile
    script = {
        "run": f'cd "$RUNNER_TEMP/.." && "{sys.executable}" -m venv --help >/dev/null || true'
    }
    runner.run(script, {})
    runner.run({"run": f'"{sys.executable}" -c "import json"'}, {})
    assert {"venv___main__.py", "json.py", "sitecustomize.py"} <= {
        p.name for p in markers.iterdir()
    }


def test_installing_runs_nothing_from_the_workspace(hostile: tuple[Runner, Path]) -> None:
    runner, markers = hostile
    done = run_setup(runner)
    assert done, "the action has steps before the check"
    ran = list(markers.iterdir())
    assert ran == [], f"workspace code ran while installing: {sorted(p.name for p in ran)}"
    # The install got as far as asking the (unreachable) index for the locked packages.
    install = done.get("install") or list(done.values())[-1]
    assert install.returncode != 0
    assert "127.0.0.1" in install.stdout + install.stderr or "No matching" in install.stderr


def test_a_cached_install_is_reused_without_running_workspace_code(
    hostile: tuple[Runner, Path],
) -> None:
    runner, markers = hostile
    key = runner.run(find_step(STEPS, "key"), action_context({}, runner, "t"), "key")
    assert key.returncode == 0, key.stderr
    fake_venv(runner)
    (runner.temp / "driftcheck-venv" / "driftcheck-key").write_text(
        runner.outputs["key"]["key"] + "\n", encoding="utf-8"
    )
    install = runner.run(find_step(STEPS, "install"), action_context({}, runner, "t"), "install")
    assert install.returncode == 0, install.stderr
    assert runner.outputs["install"]["built"] == "false"
    assert install.stdout.startswith("driftcheck ")
    assert list(markers.iterdir()) == []


def test_the_cache_key_names_version_python_and_platform(hostile: tuple[Runner, Path]) -> None:
    runner, markers = hostile
    key = runner.run(find_step(STEPS, "key"), action_context({}, runner, "t"), "key")
    assert key.returncode == 0, key.stderr
    from driftcheck import __version__

    python = ".".join(map(str, sys.version_info[:3]))
    assert runner.outputs["key"]["key"].startswith(f"driftcheck-{__version__}-py{python}-")
    assert list(markers.iterdir()) == []


def test_checking_and_reading_the_report_run_nothing_from_the_workspace(
    hostile: tuple[Runner, Path], datadog: FakeDatadog
) -> None:
    runner, markers = hostile
    runner.env.update(datadog.env())
    (runner.tmp / "specs").mkdir()
    (runner.tmp / "specs" / "users.yaml").write_text(SPEC, encoding="utf-8")
    fake_venv(runner)
    result = run_action(runner, {"paths": "specs", "comment": "true"})
    ran = sorted(p.name for p in markers.iterdir())
    assert ran == [], f"workspace code ran while checking: {ran}"
    outputs = result["outputs"]
    # The real driftcheck ran (not the planted package) and the report was read (not json.py).
    assert (outputs["status"], outputs["drift-count"], outputs["exit-code"]) == ("drift", "1", "2")
    report = json.loads(Path(outputs["report-json"]).read_text(encoding="utf-8"))
    assert report["drift"][0]["connection"] == sample_connection()["id"]
    assert result["comment"].returncode == 0, result["comment"].stderr
