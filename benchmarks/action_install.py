"""Time the action's install, cold and warm, by running its own steps locally (issue 15).

The ``run:`` steps of action.yml that come before the check ("Key the driftcheck install",
"Install driftcheck") run with bash, as a runner runs them, against the package index pip is
configured for (``--index-url`` to choose one). ``uses:`` steps are played by hand:

- setup-python: the interpreter given by ``--python`` (default: this one);
- actions/cache/restore: cold = nothing restored; warm = the venv the cold run saved, packed
  and unpacked the way actions/cache does (tar + zstd), the unpack timed as part of warm.

Cold also starts with an empty pip cache, like a fresh runner. Prints each run and the median::

    python benchmarks/action_install.py --runs 3                       # pip's configured index
    python benchmarks/action_install.py --runs 3 --index-url https://pypi.org/simple
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"cold": 10.0, "warm": 3.0}


def steps() -> dict[str, dict[str, Any]]:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return {s["id"]: s for s in action["runs"]["steps"] if "id" in s}


def run_step(step: dict[str, Any], env: dict[str, str], workspace: Path) -> dict[str, str]:
    output = Path(env["RUNNER_TEMP"]) / "step-output"
    output.write_text("", encoding="utf-8")
    script = Path(env["RUNNER_TEMP"]) / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env={**env, "GITHUB_OUTPUT": str(output)},
        cwd=workspace,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return dict(line.split("=", 1) for line in output.read_text("utf-8").splitlines())


def install(env: dict[str, str], workspace: Path) -> tuple[float, str]:
    """Key + install steps; returns (seconds, built)."""
    found = steps()
    started = time.perf_counter()
    key = run_step(found["key"], env, workspace)["key"]
    built = run_step(found["install"], {**env, "KEY": key}, workspace)["built"]
    return time.perf_counter() - started, built


def source_install(env: dict[str, str], base: Path) -> float:
    """For comparison, the previous action's install: a venv with pip, then ``pip install``
    of the source tree (build isolation downloads setuptools; dependencies float)."""
    venv = base / "source-venv"
    started = time.perf_counter()
    subprocess.run([env["BASE_PYTHON"], "-m", "venv", str(venv)], env=env, check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(ROOT)]
    subprocess.run(pip, env=env, check=True, cwd=base)
    return time.perf_counter() - started


def once(python: str, index_url: str | None, compare: bool) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        temp, workspace, cache = base / "runner-temp", base / "workspace", base / "pip-cache"
        temp.mkdir()
        workspace.mkdir()
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(base),
            "RUNNER_TEMP": str(temp),
            "RUNNER_OS": "Linux",
            "GITHUB_ACTION_PATH": str(ROOT),
            "BASE_PYTHON": python,
            "PIP_CACHE_DIR": str(cache),
            # This machine's CA bundle, where it sets one (a TLS-inspecting proxy).
            **{k: os.environ[k] for k in ("PIP_CERT", "SSL_CERT_FILE") if k in os.environ},
            **({"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": index_url} if index_url else {}),
        }
        cold, built = install(env, workspace)
        assert built == "true", "the cold run must build"
        archive = base / "cache.tzst"
        pack = f"tar -C {temp} -cf - driftcheck-venv | zstd -q -T0 -o {archive}"
        subprocess.run(pack, shell=True, check=True)
        shutil.rmtree(temp / "driftcheck-venv")
        shutil.rmtree(cache, ignore_errors=True)
        started = time.perf_counter()
        unpack = f"zstd -q -d -c {archive} | tar -C {temp} -xf -"
        subprocess.run(unpack, shell=True, check=True)
        restore = time.perf_counter() - started
        step, built = install(env, workspace)
        assert built == "false", "the warm run must reuse the restored install"
        return cold, restore + step, source_install(env, base) if compare else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python", default=sys.executable, help="setup-python's interpreter")
    parser.add_argument("--index-url", help="default: pip's configuration")
    parser.add_argument(
        "--compare", action="store_true", help="also time the previous install from source"
    )
    args = parser.parse_args()
    results: dict[str, list[float]] = {"cold": [], "warm": [], "source": []}
    for run in range(args.runs):
        cold, warm, source = once(args.python, args.index_url, args.compare)
        results["cold"].append(cold)
        results["warm"].append(warm)
        results["source"].append(source)
        also = f", previous install from source {source:.2f} s" if args.compare else ""
        print(f"run {run + 1}: cold {cold:.2f} s, warm {warm:.2f} s{also}", flush=True)
    print(
        "load average:", " ".join(f"{x:.1f}" for x in os.getloadavg()), f"({os.cpu_count()} cpus)"
    )
    failed = False
    if args.compare:
        print(f"source: median {statistics.median(results['source']):.2f} s (for comparison)")
    for name in ("cold", "warm"):
        values = results[name]
        median = statistics.median(values)
        verdict = "PASS" if median <= TARGETS[name] else "MISS"
        failed |= verdict == "MISS"
        print(
            f"{name}: median {median:.2f} s (min {min(values):.2f}, max {max(values):.2f}) "
            f"target <= {TARGETS[name]:.0f} s {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
