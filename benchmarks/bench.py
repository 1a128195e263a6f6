"""driftcheck benchmarks: one run, one data set, every figure of the performance issue.

Generates synthetic specs and live snapshots (``generate.py``), then measures medians of
several runs; every command runs in a fresh process (under GNU time, for its own peak RSS
and CPU time), the diff stage and ``read_live`` in this one:

1. the floor: parsing the inputs only (``yaml.load`` with ``CSafeLoader`` + ``json.load``);
2. ``driftcheck check --live-snapshot`` end to end, and its peak RSS against the floor's;
3. driftcheck's diff stage alone against the naive ``DeepDiff(spec, live, ignore_order=True)``;
4. startup: ``--version``, ``--help`` and ``validate`` (one file) against
   ``python -c "import yaml, jsonschema, deepdiff, requests"``, and what each imports;
5. live reads: 8 entities from the fake API with 200 ms latency against 8 x 200 ms;
6. scaling: 2,000 x 50 against 200 x 50 fields.

It prints each figure with its ratio, the target, and the command that reproduces it. The
python running this script is the one measured (``sys.executable -m driftcheck``).

Usage::

    python benchmarks/bench.py [--runs 5] [--work DIR] [--json FILE] [--skip-large]
                               [--only e2e|diff|startup|live|scaling]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
sys.path.insert(0, str(HERE))

from generate import Dataset, generate  # noqa: E402

#: The floor, as its own process: read the inputs, nothing else.
FLOOR_CODE = (
    "import glob, json, sys, yaml\n"
    "for name in sorted(glob.glob(sys.argv[1] + '/**/*.yaml', recursive=True)):\n"
    "    with open(name, encoding='utf-8') as f: yaml.load(f, Loader=yaml.CSafeLoader)\n"
    "with open(sys.argv[2], encoding='utf-8') as f: json.load(f)\n"
)
BASELINE_CODE = "import yaml, jsonschema, deepdiff, requests"
FORBIDDEN = {
    "version": ("requests", "deepdiff", "jsonschema"),
    "help": ("requests", "deepdiff", "jsonschema"),
    "validate": ("requests", "deepdiff"),
}
LIVE_ENTITIES = tuple(f"entity{n}" for n in range(1, 9))
LIVE_LATENCY = 0.2
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


@dataclass
class Sample:
    """Medians of several runs of one command (seconds, KiB)."""

    seconds: float
    low: float
    high: float
    cpu: float
    rss_kib: int
    runs: int


@dataclass
class Figure:
    """One printed line: a measurement, its ratio, its target, and how to reproduce it."""

    name: str
    value: str
    ratio: float | None
    target: str
    ok: bool | None
    command: str
    note: str = ""


@dataclass
class Results:
    machine: dict[str, str]
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        verdict = {True: "PASS", False: "MISS", None: "info"}[figure.ok]
        ratio = f"{figure.ratio:.3g}x" if figure.ratio is not None else "-"
        print(
            f"[{verdict}] {figure.name}: {figure.value}; ratio {ratio} "
            f"(target {figure.target}){'; ' + figure.note if figure.note else ''}"
        )
        print(f"       $ {figure.command}", flush=True)


# ---------------------------------------------------------------- measuring processes


def run_once(
    cmd: Sequence[str], env: dict[str, str] | None = None, ok_codes: Sequence[int] = (0,)
) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one fresh process.

    Run under GNU time when available: the RSS that ``wait4`` reports for a direct child
    would include this (large) process, which the child is forked from before its exec.
    """
    with tempfile.NamedTemporaryFile("r") as stats, tempfile.TemporaryFile() as err:
        full = [TIME, "-f", "%M %U %S", "-o", stats.name, *cmd] if TIME else list(cmd)
        start = time.perf_counter()
        proc = subprocess.Popen(
            full, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok_codes:
            err.seek(0)
            raise RuntimeError(
                f"{shlex.join(cmd)} exited {proc.returncode}: "
                f"{err.read().decode(errors='replace')[-2000:]}"
            )
        if TIME:
            rss, user, system = stats.read().split("\n")[-2].split()
            return elapsed, float(user) + float(system), int(rss)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def measure(
    cmd: Sequence[str], runs: int, env: dict[str, str] | None = None, ok_codes: Sequence[int] = (0,)
) -> Sample:
    run_once(cmd, env, ok_codes)  # warm the page cache and the bytecode cache
    times, cpus, peaks = [], [], []
    for _ in range(runs):
        seconds, cpu, rss = run_once(cmd, env, ok_codes)
        times.append(seconds)
        cpus.append(cpu)
        peaks.append(rss)
    return Sample(
        statistics.median(times),
        min(times),
        max(times),
        statistics.median(cpus),
        int(statistics.median(peaks)),
        runs,
    )


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median seconds of ``fn()`` in this process (each run after a full collection, so
    that no run pays for the garbage of the one before), and its last result."""
    import gc

    times, result = [], None
    for _ in range(runs):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def fmt(sample: Sample) -> str:
    return (
        f"{sample.seconds * 1000:.0f} ms (min {sample.low * 1000:.0f}, "
        f"max {sample.high * 1000:.0f}, n={sample.runs}; CPU {sample.cpu * 1000:.0f} ms), "
        f"peak RSS {sample.rss_kib / 1024:.1f} MiB"
    )


def floor_cmd(data: Dataset) -> list[str]:
    return [PY, "-c", FLOOR_CODE, str(data.root / "specs"), str(data.snapshot)]


def check_cmd(data: Dataset) -> list[str]:
    return [
        PY,
        "-m",
        "driftcheck",
        "check",
        str(data.root / "specs"),
        "--live-snapshot",
        str(data.snapshot),
    ]


# ---------------------------------------------------------------- correctness guard


def verify_report(data: Dataset) -> str:
    """Run the check once with a JSON report; the drift items must be the generated ones."""
    out = data.root / "report.json"
    cmd = [*check_cmd(data), "--format", "json", "--output", str(out)]
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, timeout=600)
    report = json.loads(out.read_text(encoding="utf-8"))
    items = report["drift"]
    found = Counter(item["kind"] for item in items)
    ignored = sum(1 for item in items if item.get("severity") == "ignored")
    if found != data.expected or ignored != data.ignored:
        raise AssertionError(
            f"check reported {dict(found)} ({ignored} ignored); the generator "
            f"planted {dict(data.expected)} ({data.ignored} ignored)"
        )
    return f"{sum(found.values())} drift items as planted"


# ---------------------------------------------------------------- the figures


def bench_end_to_end(
    res: Results, data: Dataset, runs: int, label: str, *, graded: bool = True
) -> tuple[Sample, Sample]:
    """Floor and check, fresh processes; the ratios are targets at 200 x 50 only."""
    floor = measure(floor_cmd(data), runs)
    res.add(
        Figure(
            f"{label} floor (parse inputs only)",
            fmt(floor),
            None,
            "-",
            None,
            shlex.join(floor_cmd(data)),
        )
    )
    e2e = measure(check_cmd(data), runs, ok_codes=(2,))
    ratio = e2e.seconds / floor.seconds
    res.add(
        Figure(
            f"{label} check end to end",
            fmt(e2e),
            ratio,
            "<= 2.0x floor" if graded else "none here; <= 2.0x at 200x50",
            ratio <= 2.0 if graded else None,
            shlex.join(check_cmd(data)),
            f"CPU ratio {e2e.cpu / floor.cpu:.2f}x; {verify_report(data)}",
        )
    )
    mem = e2e.rss_kib / floor.rss_kib
    res.add(
        Figure(
            f"{label} peak RSS check vs floor",
            f"{e2e.rss_kib / 1024:.1f} MiB vs {floor.rss_kib / 1024:.1f} MiB",
            mem,
            "<= 3.0x floor" if graded else "none here; <= 3.0x at 200x50",
            mem <= 3.0 if graded else None,
            f"(same commands; peak RSS from {TIME or 'wait4, includes the forked parent'})",
        )
    )
    return floor, e2e


def _plain_sides(data: Dataset) -> dict[str, tuple[list[Any], list[Any]]]:
    """Per entity: the spec's connections as plain YAML data, the snapshot's as plain JSON."""
    import yaml

    spec: dict[str, list[Any]] = {}
    for path in data.spec_files:
        with open(path, encoding="utf-8") as f:
            document = yaml.load(f, Loader=yaml.CSafeLoader)
        for entity, body in document["entities"].items():
            spec.setdefault(entity, []).extend(body.get("connections") or ())
    live = json.loads(data.snapshot.read_text(encoding="utf-8"))["entities"]
    return {name: (conns, live[name]["connections"]) for name, conns in spec.items()}


def bench_diff(res: Results, data: Dataset, runs: int, naive_runs: int, label: str) -> float:
    """driftcheck's diff stage vs the naive DeepDiff, in this process; returns diff seconds."""
    import datetime as dt

    from deepdiff import DeepDiff

    from driftcheck.check import run_check
    from driftcheck.diff import diff_entity
    from driftcheck.live.snapshot import read_snapshot
    from driftcheck.spec.load import load_specs

    spec = load_specs([str(data.root / "specs")])
    live = read_snapshot(str(data.snapshot), list(spec.entities))
    pairs = [
        (entity, live.entities[name].connections or ()) for name, entity in spec.entities.items()
    ]

    def ours() -> list[Any]:
        return [item for entity, conns in pairs for item in diff_entity(entity, conns)]

    seconds, items = timed(ours, max(runs, 15))  # cheap: more runs, a steadier median
    found = Counter(item.kind for item in items)
    if found != data.expected:
        raise AssertionError(f"diff stage found {dict(found)}, planted {dict(data.expected)}")
    now = dt.datetime(2026, 4, 2, tzinfo=dt.UTC)
    check_seconds, _ = timed(lambda: run_check(spec, live, now=now), max(runs, 15))
    repro = f"{shlex.join([PY, str(HERE / 'bench.py')])} --only diff"
    res.add(
        Figure(
            f"{label} diff stage (diff_entity over every entity)",
            f"{seconds * 1000:.1f} ms (run_check with ignores and sorting: "
            f"{check_seconds * 1000:.1f} ms)",
            None,
            "-",
            None,
            repro,
        )
    )
    if naive_runs <= 0:
        return seconds
    sides = _plain_sides(data)

    def naive() -> list[Any]:
        return [DeepDiff(s, lv, ignore_order=True) for s, lv in sides.values()]

    naive_seconds, _ = timed(naive, naive_runs)
    ratio = naive_seconds / seconds
    res.add(
        Figure(
            f"{label} naive DeepDiff(spec, live, ignore_order=True)",
            f"{naive_seconds * 1000:.0f} ms (n={naive_runs}) vs diff stage {seconds * 1000:.1f} ms",
            ratio,
            ">= 50x (naive / driftcheck)",
            ratio >= 50,
            repro,
        )
    )
    return seconds


def _imports(cmd: Sequence[str]) -> set[str]:
    """Top-level packages a command imports (``python -X importtime``)."""
    done = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def bench_startup(res: Results, small: Dataset, runs: int) -> None:
    base_cmd = [PY, "-c", BASELINE_CODE]
    base = measure(base_cmd, runs)
    res.add(
        Figure(
            "baseline: import yaml, jsonschema, deepdiff, requests",
            fmt(base),
            None,
            "-",
            None,
            shlex.join(base_cmd),
        )
    )
    one_file = str(small.spec_files[0])
    commands = {
        "version": [PY, "-m", "driftcheck", "--version"],
        "help": [PY, "-m", "driftcheck", "--help"],
        "validate": [PY, "-m", "driftcheck", "validate", one_file],
    }
    for name, cmd in commands.items():
        sample = measure(cmd, runs)
        ratio = sample.seconds / base.seconds
        loaded = _imports(cmd)
        bad = sorted(set(FORBIDDEN[name]) & loaded)
        timed_target = name != "validate"
        ok = not bad and (ratio <= 0.35 if timed_target else True)
        note = (
            f"imports {', '.join(bad)}" if bad else f"imports none of {', '.join(FORBIDDEN[name])}"
        )
        res.add(
            Figure(
                f"startup {' '.join(cmd[3:]) if name != 'validate' else 'validate 1 file'}",
                fmt(sample),
                ratio,
                "<= 0.35x baseline, lazy imports"
                if timed_target
                else "imports neither requests nor deepdiff",
                ok,
                f"{shlex.join(cmd)}   # imports: "
                f"{shlex.join([cmd[0], '-X', 'importtime', *cmd[1:]])}",
                note,
            )
        )


def bench_live(res: Results, runs: int, work: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from driftcheck.live.client import Credentials, read_live, resolve_target
    from tests.fakes.datadog_api import running, sample_connection

    connections = {
        name: [sample_connection(f"{name}-conn-{i}") for i in range(3)] for name in LIVE_ENTITIES
    }
    sequential = len(LIVE_ENTITIES) * LIVE_LATENCY
    with running(latency=LIVE_LATENCY, connections=connections) as fake:
        env = fake.env()
        target = resolve_target(site=None, api_url=fake.url)
        creds = Credentials(env["DD_API_KEY"], env["DD_APP_KEY"])

        def read() -> Any:
            state = read_live(LIVE_ENTITIES, target=target, credentials=creds, timeout=30)
            if not all(r.ok for r in state.entities.values()):
                raise AssertionError("the fake API read failed")
            return state

        read()  # warm up
        seconds, _ = timed(read, runs)
        ratio = seconds / sequential
        res.add(
            Figure(
                "live read_live(): 8 entities x 200 ms latency (in process)",
                f"{seconds * 1000:.0f} ms vs sequential {sequential * 1000:.0f} ms",
                ratio,
                "<= 0.3x sequential",
                ratio <= 0.3,
                f"{shlex.join([PY, str(HERE / 'bench.py')])} --only live",
            )
        )
        cmd = [
            PY,
            "-m",
            "driftcheck",
            "snapshot",
            "-o",
            str(work / "live.json"),
            *[arg for name in LIVE_ENTITIES for arg in ("--entity", name)],
        ]
        sample = measure(cmd, runs, env={**os.environ, **env})
        ratio = sample.seconds / sequential
        res.add(
            Figure(
                "live CLI: driftcheck snapshot of 8 entities x 200 ms (fresh process)",
                fmt(sample),
                ratio,
                "none; the 0.3x target is for the read itself, above",
                None,
                f"DRIFTCHECK_API_URL={fake.url} DD_API_KEY=... DD_APP_KEY=... "
                + shlex.join(cmd)
                + "   # against the fake started by this script",
            )
        )


def bench_scaling(
    res: Results, medium: tuple[Sample, Sample, float], large: tuple[Sample, Sample, float]
) -> None:
    (f1, e1, d1), (f2, e2, d2) = medium, large
    ratio = e2.seconds / e1.seconds
    res.add(
        Figure(
            "scaling: check end to end, 10x the fields",
            f"{e2.seconds:.2f} s vs "
            f"{e1.seconds:.2f} s (floor: {f2.seconds / f1.seconds:.1f}x; "
            f"diff stage: {d2 / d1:.1f}x)",
            ratio,
            "<= 12x",
            ratio <= 12,
            "(the two end-to-end commands above)",
        )
    )


# ---------------------------------------------------------------- driver


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import yaml

    from driftcheck import __version__

    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "executable": PY,
        "libyaml": str(getattr(yaml, "__with_libyaml__", False)),
        "driftcheck": __version__,
    }


def dataset(work: Path, name: str, **shape: Any) -> Dataset:
    start = time.perf_counter()
    data = generate(work / name, **shape)
    args = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in shape.items())
    print(
        f"generated {name}: {data.fields} fields, {len(data.spec_files)} spec files, planted "
        f"{dict(data.expected)} in {time.perf_counter() - start:.1f} s"
        f"\n       $ {PY} {HERE / 'generate.py'} {work / name} {args}",
        flush=True,
    )
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per figure")
    parser.add_argument("--naive-runs", type=int, default=3, help="runs of the naive DeepDiff")
    parser.add_argument("--large-runs", type=int, default=3, help="runs at 2,000 x 50")
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "driftcheck-bench"
    )
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--only", choices=("e2e", "diff", "startup", "live", "scaling"))
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    res = Results(machine())
    print("machine: " + ", ".join(f"{k}={v}" for k, v in res.machine.items()), flush=True)
    only = args.only
    medium = dataset(args.work, "c200x50", connections=200, fields=50, drift=0.01)
    if only in (None, "startup"):
        small = dataset(args.work, "small", connections=2, fields=5, drift=0.2, per_file=10)
        bench_startup(res, small, args.runs * 2)
    if only in (None, "e2e", "scaling"):
        floor, e2e = bench_end_to_end(res, medium, args.runs, "200x50")
    if only in (None, "diff", "scaling"):
        diff = bench_diff(
            res, medium, args.runs, 0 if only == "scaling" else args.naive_runs, "200x50"
        )
    if only in (None, "live"):
        bench_live(res, args.runs, args.work)
    if only in (None, "scaling") and not args.skip_large:
        large = dataset(args.work, "c2000x50", connections=2000, fields=50, drift=0.01)
        big = bench_end_to_end(res, large, args.large_runs, "2000x50", graded=False)
        big_diff = bench_diff(res, large, args.large_runs, 0, "2000x50")
        bench_scaling(res, (floor, e2e, diff), (*big, big_diff))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": res.machine, "figures": [asdict(f) for f in res.figures]}, indent=2
            )
            + "\n",
            encoding="utf-8",
        )
    missed = [f.name for f in res.figures if f.ok is False]
    print(f"\n{len(missed)} target(s) missed" + (": " + "; ".join(missed) if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
