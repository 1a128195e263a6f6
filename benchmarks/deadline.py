"""The --timeout deadline against hostile servers, on the real clock (issue 12).

Runs ``driftcheck check --timeout T`` (and ``driftcheck comment --timeout T``) in a fresh
process against a server on 127.0.0.1 that sends its headers or its body one byte a second,
accepts and never answers, or sends a body without end, and prints the wall-clock time and
exit code of each run. The server would go on for ``--limit`` seconds.

Usage::

    python benchmarks/deadline.py [--timeout 3] [--interval 1] [--limit 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.datadog_api import sample_connection
from fakes.hostile_http import BEHAVIOURS, hostile
from helpers import write_live_snapshot

SPEC = "version: 1\nentities:\n  users:\n    connections: []\n"


def _check(url: str, work: Path, timeout: float) -> tuple[list[str], dict[str, str]]:
    spec = work / "users.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    env = {"DD_API_KEY": "k" * 32, "DD_APP_KEY": "a" * 40, "DRIFTCHECK_API_URL": url}
    return ["check", str(spec), "--format", "json", "--timeout", str(timeout)], env


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    started = time.monotonic()
    done = subprocess.run(  # noqa: PLW1510 - the exit code is reported
        [sys.executable, "-m", "driftcheck", *argv],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
    )
    return time.monotonic() - started, done.returncode


def _comment_argv(url: str, work: Path, timeout: float) -> tuple[list[str], dict[str, str]]:
    report = work / "report.json"
    if not report.exists():  # a drifted report: an unexpected connection in Datadog
        spec = work / "users.yaml"
        spec.write_text(SPEC, encoding="utf-8")
        snapshot = write_live_snapshot(work / "live.json", {"users": [sample_connection()]})
        argv = ["check", str(spec), "--live-snapshot", snapshot, "--report-json", str(report)]
        _run(argv, {})
    event = work / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 1}}), encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "octo/specs",
        "GITHUB_API_URL": url,
        "GITHUB_TOKEN": "ghs_" + "t" * 36,
    }
    return ["comment", str(report), "--timeout", str(timeout)], env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"--timeout {args.timeout:g}; the server sends a byte every {args.interval:g} s")
    print(f"{'command':<9} {'server':<13} {'median s':>8} {'max s':>6}  exit codes")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for command in ("check", "comment"):
            for behaviour in BEHAVIOURS:
                times, codes = [], []
                for _ in range(args.runs):
                    with hostile(behaviour, interval=args.interval, limit=args.limit) as server:
                        build = _check if command == "check" else _comment_argv
                        argv, env = build(server.url, work, args.timeout)
                        seconds, code = _run(argv, env)
                    times.append(seconds)
                    codes.append(code)
                print(
                    f"{command:<9} {behaviour:<13} {statistics.median(times):>8.2f} "
                    f"{max(times):>6.2f}  {sorted(set(codes))}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
