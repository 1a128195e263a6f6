"""Parallel apply: 100 operations against the fake Datadog API with 200 ms latency per
request, applied with the default worker count and with one worker (sequential).

Target: the parallel apply takes at most 0.3x the sequential time. Each run starts from the
same live state (100 declared connections absent from Datadog: 100 creates), plans in
process, then runs ``run_apply`` (writes and the verifying re-read) with a real Writer.

    /work/venv/bin/python benchmarks/apply_parallel.py [--operations 100] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))  # measure this checkout

from fakes.datadog_api import API_KEY, APP_KEY, running  # noqa: E402

from driftcheck.check import run_check  # noqa: E402
from driftcheck.live.client import read_live  # noqa: E402
from driftcheck.live.credentials import Credentials  # noqa: E402
from driftcheck.live.sites import resolve_target  # noqa: E402
from driftcheck.live.writes import Writer  # noqa: E402
from driftcheck.plan.apply import WORKERS  # noqa: E402
from driftcheck.plan.build import build_plan  # noqa: E402
from driftcheck.plan.run import run_apply  # noqa: E402
from driftcheck.retry import Deadline  # noqa: E402
from driftcheck.spec.load import load_specs  # noqa: E402


def write_spec(folder: Path, count: int) -> Path:
    lines = ["version: 1", "entities:", "  users:", "    connections:"]
    for n in range(count):
        lines += [
            f"      - id: conn-{n:03d}",
            "        type: ref_table",
            "        join: {attribute: user_email, type: email}",
            "        fields:",
            f"          - {{id: f{n}, source_name: c{n}, type: string, display_name: F{n}}}",
        ]
    path = folder / "users.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def one_run(spec_path: Path, count: int, latency: float, workers: int) -> tuple[float, int]:
    """Seconds for one apply of ``count`` creates with ``workers``; and the requests sent."""
    with running(latency=latency, connections={"users": []}) as fake:
        target = resolve_target(site=None, api_url=fake.url)
        credentials = Credentials(API_KEY, APP_KEY)
        spec = load_specs([str(spec_path)])
        now = dt.datetime.now(dt.UTC)
        live = read_live(["users"], target=target, credentials=credentials, timeout=60)
        plan = build_plan(
            spec, live, run_check(spec, live, now=now).items, api_url=target.base_url, now=now
        )
        assert len(plan.operations) == count
        writer = Writer(
            target=target,
            credentials=credentials,
            deadline=Deadline.after(600, time.monotonic),
            workers=workers,
        )

        def read(entities: tuple[str, ...]):  # type: ignore[no-untyped-def]
            return read_live(entities, target=target, credentials=credentials, timeout=60)

        started = time.perf_counter()
        report = run_apply(
            plan,
            read=read,
            send=writer.send,
            pinned=False,
            allow_delete=False,
            allow_replace=False,
            workers=workers,
        )
        seconds = time.perf_counter() - started
        writer.close()
        assert all(r.outcome == "applied" for r in report.results) and not report.unverified
        assert len(fake.connections("users")) == count
        return seconds, len(fake.writes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--operations", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        spec = write_spec(Path(folder), args.operations)
        parallel, sent = one_run(spec, args.operations, args.latency, args.workers)
        sequential, _ = one_run(spec, args.operations, args.latency, 1)
    ratio = parallel / sequential
    verdict = "PASS" if ratio <= 0.3 else "MISS"
    print(
        f"apply, {args.operations} operations ({sent} writes) x {args.latency * 1000:.0f} ms: "
        f"{args.workers} workers {parallel:.2f} s, sequential {sequential:.2f} s, "
        f"ratio {ratio:.3f} (target <= 0.3) {verdict}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
