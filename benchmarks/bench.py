"""driftcheck benchmarks: one run, one data set, every figure of the performance issues.

Generates synthetic specs and live snapshots (``generate.py``), then measures. Every
command runs in a fresh process under GNU time (its own peak RSS and CPU time), and
commands that are compared run **paired**: interleaved A B A B ..., so that each ratio
compares two runs made a moment apart, under the same load. Each ratio is reported as the
median with its min-max over the pairs, and the verdict is taken on the median.

The floor (``FLOOR_CODE``): one fresh process that loads every spec file with libyaml's
``CSafeLoader`` and ``json.load``s the snapshot, keeping every document, with the cyclic
GC off. Figures:

1. check end to end at 200 x 50 and 2,000 x 50 fields, time and peak RSS against the floor;
   10x the fields against the time;
2. deep drift (every field changed, 10k items): the GitHub Action's call (github format,
   JSON and Markdown reports, job summary) against the floor;
3. ``comment`` on that report against a process that imports requests and loads the report;
4. scale: one spec file of 20k / 200k fields, spec sets of 50k / 500k fields;
5. the diff stage against the naive ``DeepDiff``, startup, live reads (as before).

``--compare REV`` runs commit REV (checked out with ``git worktree``) and this checkout side
by side: floor, REV, this, floor, REV, this, ... and prints both ratios to the floor and
this ÷ REV. The python running this script runs both (``sys.executable -m driftcheck``).

Usage::

    python benchmarks/bench.py [--runs 5] [--work DIR] [--json FILE] [--compare REV]
                               [--only e2e|deep|comment|scale|diff|startup|live]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))  # in-process figures measure this checkout, not an installed one

from generate import Dataset, generate  # noqa: E402

#: The floor, as its own process: read the inputs, keep them, nothing else.
FLOOR_CODE = (
    "import gc, glob, json, sys, yaml\n"
    "gc.disable()\n"
    "kept = []\n"
    "for name in sorted(glob.glob(sys.argv[1] + '/**/*.yaml', recursive=True)):\n"
    "    with open(name, encoding='utf-8') as f:\n"
    "        kept.append(yaml.load(f, Loader=yaml.CSafeLoader))\n"
    "with open(sys.argv[2], encoding='utf-8') as f: kept.append(json.load(f))\n"
)
#: What ``comment`` cannot do without: start, import requests, read the report.
COMMENT_FLOOR_CODE = (
    "import json, sys, requests\nwith open(sys.argv[1], encoding='utf-8') as f: json.load(f)\n"
)
BASELINE_CODE = "import yaml, jsonschema, deepdiff, requests"
CODES = {FLOOR_CODE: "floor", COMMENT_FLOOR_CODE: "comment-floor"}
FORBIDDEN = {
    "version": ("requests", "deepdiff", "jsonschema"),
    "help": ("requests", "deepdiff", "jsonschema"),
    "validate": ("requests", "deepdiff"),
}
LIVE_ENTITIES = tuple(f"entity{n}" for n in range(1, 9))
LIVE_LATENCY = 0.2
#: Where commands run: not the checkout, whose driftcheck/ would shadow the one selected.
NEUTRAL = str(HERE)
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


@dataclass(frozen=True)
class Run:
    """One run of one command: wall and CPU seconds, peak RSS in KiB."""

    seconds: float
    cpu: float
    rss_kib: int


@dataclass(frozen=True)
class Cmd:
    """A command to run in a fresh process; ``before`` runs ahead of each run (untimed)."""

    name: str
    argv: tuple[str, ...]
    env: dict[str, str] | None = None
    ok_codes: tuple[int, ...] = (0,)
    before: Callable[[], None] | None = None

    def shown(self) -> str:
        extra = {k: v for k, v in (self.env or {}).items() if os.environ.get(k) != v}
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(extra.items()))
        argv = list(self.argv)
        if argv[1:2] == ["-c"] and argv[2] in CODES:  # the floors: named, not printed whole
            argv[2] = f'"$(python benchmarks/bench.py --print {CODES[argv[2]]})"'
            return (prefix + " " if prefix else "") + " ".join([*argv[:3], shlex.join(argv[3:])])
        return (prefix + " " if prefix else "") + shlex.join(argv)


@dataclass
class Spread:
    """Median and min-max of a list of numbers."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values), len(values))

    def ratio(self) -> str:
        return f"{self.median:.3g}x (min {self.low:.3g}, max {self.high:.3g}, n={self.n})"

    def ms(self) -> str:
        return (
            f"{self.median * 1000:.0f} ms (min {self.low * 1000:.0f}, max {self.high * 1000:.0f})"
        )


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
    spread: list[float] = field(default_factory=list)  # [median, min, max] of the ratio


@dataclass
class Results:
    machine: dict[str, str]
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        verdict = {True: "PASS", False: "MISS", None: "info"}[figure.ok]
        ratio = f"{figure.ratio:.3g}x" if figure.ratio is not None else "-"
        if len(figure.spread) == 3:
            ratio += f" (min {figure.spread[1]:.3g}, max {figure.spread[2]:.3g})"
        print(
            f"[{verdict}] {figure.name}: {figure.value}; median ratio {ratio} "
            f"(target {figure.target}){'; ' + figure.note if figure.note else ''}"
        )
        print(f"       $ {figure.command}", flush=True)

    def ratio(
        self,
        name: str,
        values: Sequence[float],
        target: str,
        limit: float | None,
        command: str,
        *,
        value: str = "",
        note: str = "",
        at_least: bool = False,
    ) -> Spread:
        """A figure graded on the median of paired ratios (``limit`` None: information)."""
        spread = Spread.of(values)
        ok = None
        if limit is not None:
            ok = spread.median >= limit if at_least else spread.median <= limit
        self.add(
            Figure(
                name,
                value or f"n={spread.n} pairs",
                spread.median,
                target,
                ok,
                command,
                note,
                [spread.median, spread.low, spread.high],
            )
        )
        return spread


# ---------------------------------------------------------------- measuring processes


def run_once(cmd: Cmd) -> Run:
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one fresh process.

    Run under GNU time when available: the RSS that ``wait4`` reports for a direct child
    would include this (large) process, which the child is forked from before its exec.
    """
    if cmd.before is not None:
        cmd.before()
    with tempfile.NamedTemporaryFile("r") as stats, tempfile.TemporaryFile() as err:
        full = [TIME, "-f", "%M %U %S", "-o", stats.name, *cmd.argv] if TIME else list(cmd.argv)
        start = time.perf_counter()
        proc = subprocess.Popen(
            full,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=cmd.env,
            cwd=NEUTRAL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in cmd.ok_codes:
            err.seek(0)
            raise RuntimeError(
                f"{cmd.shown()} exited {proc.returncode}: "
                f"{err.read().decode(errors='replace')[-2000:]}"
            )
        if TIME:
            rss, user, system = stats.read().split("\n")[-2].split()
            return Run(elapsed, float(user) + float(system), int(rss))
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def paired(commands: Sequence[Cmd], runs: int) -> dict[str, list[Run]]:
    """Each command once to warm up, then ``runs`` rounds of every command in turn
    (A B A B ...): the i-th runs of all commands happened a moment apart."""
    for cmd in commands:
        run_once(cmd)  # the page cache and the bytecode caches
    found: dict[str, list[Run]] = {cmd.name: [] for cmd in commands}
    for _ in range(runs):
        for cmd in commands:
            found[cmd.name].append(run_once(cmd))
    return found


def ratios(runs: dict[str, list[Run]], top: str, bottom: str, what: str = "seconds") -> list[float]:
    """Per round: ``top``'s figure ÷ ``bottom``'s (``what``: seconds, cpu or rss_kib)."""
    return [
        getattr(a, what) / getattr(b, what) for a, b in zip(runs[top], runs[bottom], strict=True)
    ]


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


def fmt(found: list[Run]) -> str:
    wall = Spread.of([r.seconds for r in found])
    cpu = statistics.median(r.cpu for r in found)
    rss = statistics.median(r.rss_kib for r in found)
    return f"{wall.ms()}, CPU {cpu * 1000:.0f} ms, peak RSS {rss / 1024:.1f} MiB"


# ---------------------------------------------------------------- commands


@dataclass(frozen=True)
class Side:
    """Which driftcheck runs: the one in ``root`` (this checkout, or another commit's
    worktree), put ahead of any installed one; commands run outside any checkout."""

    label: str
    root: Path

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {**os.environ, **(extra or {}), "PYTHONPATH": str(self.root)}


def floor_cmd(data: Dataset) -> Cmd:
    return Cmd("floor", (PY, "-c", FLOOR_CODE, str(data.root / "specs"), str(data.snapshot)))


def check_cmd(data: Dataset, side: Side, *extra: str, env: dict[str, str] | None = None) -> Cmd:
    argv = (PY, "-m", "driftcheck", "check", str(data.root / "specs"))
    argv += ("--live-snapshot", str(data.snapshot), *extra)
    return Cmd(side.label, argv, side.env(env), ok_codes=(2,))


@contextlib.contextmanager
def worktree_of(rev: str, work: Path) -> Iterator[Side]:
    """A detached ``git worktree`` of ``rev`` (removed afterwards), as a Side."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", rev],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    folder = work / f"rev-{sha}"
    if folder.exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False
        )
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(folder), sha], check=True
    )
    try:
        side = Side(f"{rev} ({sha})", folder)
        yield _probed(side)
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False
        )


def _probed(side: Side) -> Side:
    """``side``, once checked that its environment selects its driftcheck."""
    probe = [PY, "-c", "import driftcheck, sys; print(driftcheck.__file__)"]
    where = subprocess.run(
        probe, env=side.env(), capture_output=True, text=True, check=True, cwd=NEUTRAL
    )
    if not where.stdout.strip().startswith(str(side.root)):
        raise RuntimeError(f"PYTHONPATH={side.root} does not select that driftcheck: {where}")
    return side


# ---------------------------------------------------------------- correctness guard


def verify_report(data: Dataset, side: Side, work: Path) -> str:
    """Run the check once with a JSON report; the drift items must be the generated ones."""
    out = work / f"verify-{os.getpid()}.json"
    cmd = check_cmd(data, side, "--format", "json", "--output", str(out))
    subprocess.run(
        cmd.argv, env=cmd.env, check=False, stdout=subprocess.DEVNULL, timeout=1800, cwd=NEUTRAL
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    items = report["drift"]
    found = Counter(item["kind"] for item in items)
    ignored = sum(1 for item in items if item.get("severity") == "ignored")
    if found != data.expected or ignored != data.ignored:
        raise AssertionError(
            f"{side.label}: check reported {dict(found)} ({ignored} ignored); the generator "
            f"planted {dict(data.expected)} ({data.ignored} ignored)"
        )
    return f"{sum(found.values())} drift items as planted"


# ---------------------------------------------------------------- the figures


def _graded(  # noqa: PLR0917
    res: Results,
    runs: dict[str, list[Run]],
    sides: Sequence[Side],
    label: str,
    floor: str,
    time_limit: float | None,
    rss_limit: float | None,
    command: Callable[[Side], str],
    floor_command: str,
) -> None:
    """Each side's time and peak RSS ÷ the floor's, and in a comparison, last ÷ first."""
    res.add(Figure(f"{label} floor", fmt(runs[floor]), None, "-", None, floor_command))
    for side in sides:
        key = f"{side.label} {label}"
        cpu = statistics.median(ratios(runs, key, floor, "cpu"))
        res.ratio(
            f"{key} ÷ floor, time",
            ratios(runs, key, floor),
            f"<= {time_limit}x" if time_limit else "none",
            time_limit,
            command(side),
            value=fmt(runs[key]),
            note=f"CPU ratio {cpu:.3g}x",
        )
        res.ratio(
            f"{key} ÷ floor, peak RSS",
            ratios(runs, key, floor, "rss_kib"),
            f"<= {rss_limit}x" if rss_limit else "none",
            rss_limit,
            "(same pairs)",
        )
    if len(sides) == 2:
        old, new = (f"{side.label} {label}" for side in sides)
        res.ratio(f"{label}: {new} ÷ {old}, time", ratios(runs, new, old), "-", None, "(same runs)")
        res.ratio(
            f"{label}: {new} ÷ {old}, peak RSS",
            ratios(runs, new, old, "rss_kib"),
            "-",
            None,
            "(same runs)",
        )


def bench_end_to_end(
    res: Results, medium: Dataset, large: Dataset | None, sides: Sequence[Side], runs: int
) -> None:
    """Floor and check at 200 x 50 (and 2,000 x 50), all in one round robin, so that the
    10x-the-fields ratio is paired too."""
    sizes = [("200x50", medium)] + ([("2000x50", large)] if large is not None else [])
    commands: list[Cmd] = []
    for label, data in sizes:
        commands.append(_renamed(floor_cmd(data), f"floor {label}"))
        for side in sides:
            commands.append(_renamed(check_cmd(data, side), f"{side.label} {label}"))
            print(f"{side.label} {label}: {verify_report(data, side, data.root)}", flush=True)
    runs_found = paired(commands, runs)
    for label, data in sizes:
        _graded(
            res,
            runs_found,
            sides,
            label,
            f"floor {label}",
            1.3,
            2.0,
            lambda side, data=data: check_cmd(data, side).shown(),  # type: ignore[misc]
            floor_cmd(data).shown(),
        )
    if large is None:
        return
    for side in sides:
        res.ratio(
            f"{side.label}: 10x the fields (2000x50 ÷ 200x50), time",
            ratios(runs_found, f"{side.label} 2000x50", f"{side.label} 200x50"),
            "<= 10.5x",
            10.5,
            "(the pairs above)",
            note="floor: " + Spread.of(ratios(runs_found, "floor 2000x50", "floor 200x50")).ratio(),
        )


def _renamed(cmd: Cmd, name: str) -> Cmd:
    return Cmd(name, cmd.argv, cmd.env, cmd.ok_codes, cmd.before)


def action_cmd(data: Dataset, side: Side, out: Path) -> Cmd:
    """The check as the GitHub Action calls it; a fresh job summary for every run."""
    out.mkdir(parents=True, exist_ok=True)
    summary = out / "summary.md"
    cmd = check_cmd(
        data,
        side,
        "--format",
        "github",
        "--report-json",
        str(out / "report.json"),
        "--report-markdown",
        str(out / "report.md"),
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    return Cmd(cmd.name, cmd.argv, cmd.env, cmd.ok_codes, lambda: summary.unlink(missing_ok=True))


def bench_deep(res: Results, deep: Dataset, sides: Sequence[Side], runs: int) -> dict[str, Path]:
    """The action's call on 10k drifted fields ÷ the floor; returns each side's JSON report
    (for ``comment``: a version reads the reports of its own format version)."""
    outs = {side.label: deep.root / f"out-{i}" for i, side in enumerate(sides)}
    commands = [floor_cmd(deep)] + [
        _renamed(action_cmd(deep, side, outs[side.label]), f"{side.label} deep") for side in sides
    ]
    runs_found = paired(commands, runs)
    for side in sides:
        report = json.loads((outs[side.label] / "report.json").read_text(encoding="utf-8"))
        if Counter(i["kind"] for i in report["drift"]) != deep.expected:
            raise AssertionError(f"{side.label}: the deep report does not hold the planted drift")
    _graded(
        res,
        runs_found,
        sides,
        "deep",
        "floor",
        2.0,
        None,
        lambda side: action_cmd(deep, side, outs[side.label]).shown(),
        floor_cmd(deep).shown(),
    )
    return {label: out / "report.json" for label, out in outs.items()}


def bench_comment(res: Results, reports: dict[str, Path], sides: Sequence[Side], runs: int) -> None:
    """``comment`` on the deep report, against a fake GitHub on 127.0.0.1, ÷ the floor of
    starting a process that imports requests and loads the report."""
    sys.path.insert(0, str(ROOT))
    from tests.fakes.github_api import FakeGitHub, serve

    fake = FakeGitHub()
    report = reports[sides[-1].label]
    with contextlib.contextmanager(serve)(fake):
        event = report.parent / "event.json"
        event.write_text(
            json.dumps({"pull_request": {"number": 7, "head": {"sha": "a" * 40}}}),
            encoding="utf-8",
        )
        env = {
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": fake.repository,
            "GITHUB_API_URL": fake.url,
            "GITHUB_TOKEN": fake.token,
        }
        floor = Cmd("floor", (PY, "-c", COMMENT_FLOOR_CODE, str(report)))
        commands = [floor] + [
            Cmd(
                f"{side.label} comment",
                (PY, "-m", "driftcheck", "comment", str(reports[side.label]), "--key", f"b{i}"),
                side.env(env),
            )
            for i, side in enumerate(sides)
        ]
        runs_found = paired(commands, runs)  # the warm-up run posts; then it is up to date
    _graded(
        res,
        runs_found,
        sides,
        "comment",
        "floor",
        1.5,
        None,
        lambda side: (
            next(c for c in commands if c.name == f"{side.label} comment").shown()
            + "   # against the fake GitHub started by this script"
        ),
        floor.shown(),
    )


def bench_scale(
    res: Results, work: Path, sides: Sequence[Side], runs: int, *, fields: int = 50
) -> None:
    """One spec file of 20k and 200k fields; spec sets of 50k and 500k fields (25
    connections a file). Each must complete, grow linearly, and stay within 2x the floor's
    memory."""
    shapes = {
        "1 file 20k": dict(connections=400, per_file=400),
        "1 file 200k": dict(connections=4000, per_file=4000),
        "set 50k": dict(connections=1000),
        "set 500k": dict(connections=10000),
    }
    data = {
        label: dataset(work, label.replace(" ", "-"), fields=fields, drift=0.01, **shape)
        for label, shape in shapes.items()
    }
    commands: list[Cmd] = []
    for label, found in data.items():
        commands.append(_renamed(floor_cmd(found), f"floor {label}"))
        for side in sides:
            cmd = _renamed(check_cmd(found, side), f"{side.label} {label}")
            try:
                run_once(cmd)
            except RuntimeError as exc:
                res.add(Figure(cmd.name, "fails", None, "completes", False, cmd.shown(), str(exc)))
                continue
            print(f"{cmd.name}: {verify_report(found, side, found.root)}", flush=True)
            commands.append(cmd)
    runs_found = paired(commands, runs)
    for label, found in data.items():
        res.add(
            Figure(
                f"floor {label}",
                fmt(runs_found[f"floor {label}"]),
                None,
                "-",
                None,
                floor_cmd(found).shown(),
            )
        )
        for side in sides:
            key = f"{side.label} {label}"
            if key not in runs_found:
                continue
            res.ratio(
                f"{key} ÷ floor, peak RSS",
                ratios(runs_found, key, f"floor {label}", "rss_kib"),
                "<= 2.0x (memory bounded)" if label.endswith("00k") else "none",
                2.0 if label.endswith("00k") else None,
                check_cmd(found, side).shown(),
                value=fmt(runs_found[key]),
                note="time ÷ floor " + Spread.of(ratios(runs_found, key, f"floor {label}")).ratio(),
            )
    for side in sides:
        for small, big in (("1 file 20k", "1 file 200k"), ("set 50k", "set 500k")):
            a, b = f"{side.label} {small}", f"{side.label} {big}"
            if a in runs_found and b in runs_found:
                res.ratio(
                    f"{side.label}: 10x the fields ({big} ÷ {small}), time",
                    ratios(runs_found, b, a),
                    "<= 12x (linear)",
                    12.0,
                    "(the pairs above)",
                    note="floor: "
                    + Spread.of(ratios(runs_found, f"floor {big}", f"floor {small}")).ratio(),
                )


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

    spec = load_specs([str(data.root / "specs")])  # this checkout's driftcheck
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
    base = Cmd("baseline", (PY, "-c", BASELINE_CODE))
    one_file = str(small.spec_files[0])
    commands = {
        "version": Cmd("version", (PY, "-m", "driftcheck", "--version")),
        "help": Cmd("help", (PY, "-m", "driftcheck", "--help")),
        "validate": Cmd("validate", (PY, "-m", "driftcheck", "validate", one_file)),
    }
    runs_found = paired([base, *commands.values()], runs)
    res.add(
        Figure(
            "baseline: import yaml, jsonschema, deepdiff, requests",
            fmt(runs_found["baseline"]),
            None,
            "-",
            None,
            base.shown(),
        )
    )
    for name, cmd in commands.items():
        loaded = _imports(cmd.argv)
        bad = sorted(set(FORBIDDEN[name]) & loaded)
        timed_target = name != "validate"
        note = (
            f"imports {', '.join(bad)}" if bad else f"imports none of {', '.join(FORBIDDEN[name])}"
        )
        spread = Spread.of(ratios(runs_found, name, "baseline"))
        ok = not bad and (spread.median <= 0.35 if timed_target else True)
        res.add(
            Figure(
                f"startup {name}",
                fmt(runs_found[name]),
                spread.median,
                "<= 0.35x baseline, lazy imports"
                if timed_target
                else "imports neither requests nor deepdiff",
                ok,
                f"{cmd.shown()}   # imports: "
                + shlex.join([cmd.argv[0], "-X", "importtime", *cmd.argv[1:]]),
                note,
                [spread.median, spread.low, spread.high],
            )
        )


def bench_live(res: Results, runs: int, work: Path) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))  # the fakes import each other as ``fakes``
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
        argv = (PY, "-m", "driftcheck", "snapshot", "-o", str(work / "live.json"))
        argv += tuple(arg for name in LIVE_ENTITIES for arg in ("--entity", name))
        cmd = Cmd("snapshot", argv, {**os.environ, **env})
        found = paired([cmd], runs)["snapshot"]
        ratio = statistics.median(r.seconds for r in found) / sequential
        res.add(
            Figure(
                "live CLI: driftcheck snapshot of 8 entities x 200 ms (fresh process)",
                fmt(found),
                ratio,
                "none; the 0.3x target is for the read itself, above",
                None,
                f"DRIFTCHECK_API_URL={fake.url} DD_API_KEY=... DD_APP_KEY=... "
                + shlex.join(argv)
                + "   # against the fake started by this script",
            )
        )


# ---------------------------------------------------------------- driver


def _git(*argv: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), *argv], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import yaml

    from driftcheck import __version__

    head = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "executable": PY,
        "libyaml": str(getattr(yaml, "__with_libyaml__", False)),
        "driftcheck": __version__,
        "commit": head + ("+changes" if dirty else ""),
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def dataset(work: Path, name: str, **shape: Any) -> Dataset:
    """The data set ``name`` of ``shape``, generated (deterministic) unless ``work`` already
    holds it: a 500k-field set takes minutes to write."""
    start = time.perf_counter()
    folder = work / name
    marker = folder / "shape.json"
    wanted = json.dumps(shape, sort_keys=True)
    if marker.is_file() and marker.read_text(encoding="utf-8") == wanted:
        data, how = _reused(folder), "reused"
    else:
        data, how = generate(folder, **shape), "generated"
        marker.write_text(wanted, encoding="utf-8")
    args = " ".join(
        f"--{k.replace('_', '-')}" + ("" if v is True else f" {v}")
        for k, v in shape.items()
        if v is not False
    )
    print(
        f"{how} {name}: {data.fields} fields, {len(data.spec_files)} spec files, planted "
        f"{dict(data.expected)} in {time.perf_counter() - start:.1f} s"
        f"\n       $ {PY} {HERE / 'generate.py'} {folder} {args}",
        flush=True,
    )
    return data


def _reused(folder: Path) -> Dataset:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return Dataset(
        root=folder,
        spec_files=sorted((folder / "specs").glob("*/*.yaml")),
        snapshot=folder / "live-snapshot.json",
        fields=expected["fields"],
        expected=Counter(expected["items"]),
        ignored=expected["ignored"],
    )


FIGURES = ("e2e", "deep", "comment", "scale", "diff", "startup", "live")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="paired rounds per figure")
    parser.add_argument("--scale-runs", type=int, default=5, help="paired rounds, scale figures")
    parser.add_argument("--naive-runs", type=int, default=3, help="runs of the naive DeepDiff")
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "driftcheck-bench"
    )
    parser.add_argument("--skip-large", action="store_true", help="no 2,000 x 50, no scale")
    parser.add_argument("--only", choices=FIGURES, action="append", help="repeatable")
    parser.add_argument("--compare", metavar="REV", help="run commit REV side by side")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--print", choices=sorted(CODES.values()), help="print a floor's code")
    args = parser.parse_args(argv)
    if args.print:
        print(next(code for code, name in CODES.items() if name == args.print), end="")
        return 0
    res = Results(machine())
    print("machine: " + ", ".join(f"{k}={v}" for k, v in res.machine.items()), flush=True)
    only = set(args.only or FIGURES)
    if args.skip_large:
        only.discard("scale")
    with contextlib.ExitStack() as stack:
        sides: list[Side] = []
        if args.compare:
            sides.append(stack.enter_context(worktree_of(args.compare, args.work)))
        sides.append(_probed(Side("this" if args.compare else "check", ROOT)))
        _run(res, only, sides, args)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": res.machine, "figures": [asdict(f) for f in res.figures]},
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
    res.machine["load average after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average after: {res.machine['load average after']}")
    missed = [f.name for f in res.figures if f.ok is False]
    print(f"\n{len(missed)} target(s) missed" + (": " + "; ".join(missed) if missed else ""))
    return 1 if missed else 0


def _run(res: Results, only: set[str], sides: list[Side], args: argparse.Namespace) -> None:
    work = args.work
    if only & {"e2e", "diff"}:
        medium = dataset(work, "c200x50", connections=200, fields=50, drift=0.01)
    if "e2e" in only:
        large = None
        if not args.skip_large:
            large = dataset(work, "c2000x50", connections=2000, fields=50, drift=0.01)
        bench_end_to_end(res, medium, large, sides, args.runs)
    if only & {"deep", "comment"}:
        deep = dataset(work, "deep", connections=200, fields=50, every_field=True)
        reports = bench_deep(res, deep, sides, args.runs)
        if "comment" in only:
            bench_comment(res, reports, sides, args.runs)
    if "scale" in only:
        bench_scale(res, work, sides, args.scale_runs)
    if "diff" in only:
        bench_diff(res, medium, args.runs, args.naive_runs, "200x50")
    if "startup" in only:
        small = dataset(work, "small", connections=2, fields=5, drift=0.2, per_file=10)
        bench_startup(res, small, args.runs * 2)
    if "live" in only:
        bench_live(res, args.runs, work)


if __name__ == "__main__":
    raise SystemExit(main())
