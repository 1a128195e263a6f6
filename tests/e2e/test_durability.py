"""Durability: a report, snapshot or export interrupted mid-write leaves the previous file
intact and nothing partial or temporary beside it.

The write fails (the disk fills in the middle of a write, fsync or the rename fails, ^C)
in-process through ``main``, on both ways ``atomic.write_atomic`` writes (an unnamed
O_TMPFILE file, or a named temporary file where the system has none); or the process is
killed with SIGKILL in the middle of the write, in a subprocess that patches ``os`` before
calling ``main``: no hook exists in the product for this.
"""

from __future__ import annotations

import errno
import json
import os
import select
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakes.datadog_api import FakeDatadog, running, sample_connection
from helpers import run_cli

from driftcheck import atomic

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "examples" / "specs"
SNAPSHOT = ROOT / "examples" / "live-snapshot.json"
OLD = "the previous file, which must survive\n"


@pytest.fixture
def fake() -> Iterator[FakeDatadog]:
    connections = {"users": [sample_connection()], "accounts": [sample_connection("acc")]}
    with running(connections=connections) as server:
        yield server


@dataclass(frozen=True)
class World:
    fake: FakeDatadog
    tmp: Path
    monkeypatch: pytest.MonkeyPatch


@pytest.fixture(params=[False, True], ids=["unnamed file", "named temporary"])
def world(
    request: pytest.FixtureRequest,
    fake: FakeDatadog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    """Both ways of writing: an unnamed O_TMPFILE file, or a named temporary file."""
    if request.param:
        monkeypatch.setattr(atomic, "_open_unnamed", lambda directory: None)
    elif sys.platform == "linux":  # the unnamed way is really taken here
        fd = atomic._open_unnamed(tmp_path)
        assert fd is not None
        os.close(fd)
    return World(fake, tmp_path, monkeypatch)


@dataclass(frozen=True)
class Output:
    """A command and the files it writes (each is seeded with OLD first)."""

    name: str
    argv: Callable[[Path], list[str]]
    targets: tuple[str, ...]


OUTPUTS = [
    Output(
        "report-json",
        lambda d: [
            "check",
            str(SPECS),
            "--live-snapshot",
            str(SNAPSHOT),
            "--report-json",
            str(d / "report.json"),
        ],
        ("report.json",),
    ),
    Output(
        "report-markdown",
        lambda d: [
            "check",
            str(SPECS),
            "--live-snapshot",
            str(SNAPSHOT),
            "--report-markdown",
            str(d / "report.md"),
        ],
        ("report.md",),
    ),
    Output(
        "output",
        lambda d: [
            "check",
            str(SPECS),
            "--live-snapshot",
            str(SNAPSHOT),
            "--format",
            "json",
            "--output",
            str(d / "check.json"),
        ],
        ("check.json",),
    ),
    Output("snapshot", lambda d: ["snapshot", "-o", str(d / "live.json")], ("live.json",)),
    Output(
        "export",
        lambda d: ["export", "-o", str(d), "--force"],
        ("users.yaml", "accounts.yaml", "driftcheck-spec.schema.json"),
    ),
]
OUTPUT_IDS = [o.name for o in OUTPUTS]


def seed(folder: Path, output: Output) -> dict[str, str]:
    for name in output.targets:
        (folder / name).write_text(OLD, encoding="utf-8")
    return listing(folder)


def listing(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(folder.iterdir())}


def run(fake: FakeDatadog, argv: list[str]) -> tuple[int, str]:
    """Exit code and stderr."""
    code, _, err = run_cli(*argv, env=fake.env())
    return code, err


# ------------------------------------------------------------ failures Python sees


def fail_mid_write(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write

    def write(fd: int, data: Any) -> int:
        real(fd, bytes(data)[: max(1, len(data) // 2)])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write)


def fail_at(name: str, exc: BaseException) -> Callable[[pytest.MonkeyPatch], None]:
    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        def failing(*args: Any, **kwargs: Any) -> Any:
            raise exc

        monkeypatch.setattr(os, name, failing)

    return patch


@dataclass(frozen=True)
class Failure:
    name: str
    patch: Callable[[pytest.MonkeyPatch], None]
    code: int  # the exit code
    said: str  # what the message says


FAILURES = [
    Failure("disk full mid-write", fail_mid_write, 1, "No space left on device"),
    Failure(
        "fsync fails",
        fail_at("fsync", OSError(errno.EIO, "Input/output error")),
        1,
        "Input/output error",
    ),
    Failure(
        "rename fails",
        fail_at("replace", OSError(errno.EPERM, "Operation not permitted")),
        1,
        "Operation not permitted",
    ),
    Failure("^C during fsync", fail_at("fsync", KeyboardInterrupt()), 130, "interrupted"),
]


@pytest.mark.parametrize("failure", FAILURES, ids=[f.name for f in FAILURES])
@pytest.mark.parametrize("output", OUTPUTS, ids=OUTPUT_IDS)
def test_a_failed_write_keeps_the_previous_file_and_leaves_nothing(
    output: Output, failure: Failure, world: World
) -> None:
    before = seed(world.tmp, output)
    with world.monkeypatch.context() as patched:
        failure.patch(patched)
        got, err = run(world.fake, output.argv(world.tmp))
    assert got == failure.code, err
    assert failure.said in err
    if failure.code == 1:
        assert "cannot write" in err
    assert listing(world.tmp) == before


@pytest.mark.parametrize("output", OUTPUTS, ids=OUTPUT_IDS)
def test_a_whole_write_replaces_the_file_and_leaves_nothing_else(
    output: Output, world: World
) -> None:
    seed(world.tmp, output)
    got, err = run(world.fake, output.argv(world.tmp))
    assert got == (2 if output.argv(world.tmp)[0] == "check" else 0), err  # the example drifts
    after = listing(world.tmp)
    assert sorted(after) == sorted(output.targets)
    for name in output.targets:
        assert after[name] != OLD
        assert after[name].endswith("\n")
        if name.endswith(".json"):
            json.loads(after[name])


def test_export_without_force_refuses_before_writing_anything(
    fake: FakeDatadog, tmp_path: Path
) -> None:
    (tmp_path / "accounts.yaml").write_text(OLD, encoding="utf-8")
    got, err = run(fake, ["export", "-o", str(tmp_path)])
    assert got == 1
    assert "file exists" in err
    assert listing(tmp_path) == {"accounts.yaml": OLD}


def test_a_file_created_meanwhile_is_never_clobbered_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The target appears between the check and the link: the link refuses it.
    target = tmp_path / "users.yaml"
    real = os.link

    def link(*args: Any, **kwargs: Any) -> None:
        if not target.exists():
            target.write_text(OLD, encoding="utf-8")
        real(*args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    with pytest.raises(atomic.OutputError, match="file exists"):
        atomic.write_atomic(target, "new\n", overwrite=False)
    monkeypatch.undo()
    assert listing(tmp_path) == {"users.yaml": OLD}


# ------------------------------------------------------------ the process is killed


KILLER = textwrap.dedent("""\
    import os, signal, sys

    point, argv = sys.argv[1], sys.argv[2:]
    real_write = os.write

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    def half_then_die(fd, data):
        real_write(fd, bytes(data)[: len(data) // 2])
        die()

    if point == "mid-write":
        os.write = half_then_die
    else:
        os.fsync = die

    from driftcheck.cli import main

    sys.exit(main(argv))
""")


@pytest.mark.parametrize(
    ("output", "point"),
    [
        (OUTPUTS[0], "mid-write"),
        (OUTPUTS[1], "fsync"),
        (OUTPUTS[3], "mid-write"),
        (OUTPUTS[3], "fsync"),
        (OUTPUTS[4], "mid-write"),
    ],
    ids=[
        "report-json mid-write",
        "report-markdown at fsync",
        "snapshot mid-write",
        "snapshot at fsync",
        "export mid-write",
    ],
)
def test_a_process_killed_mid_write_leaves_the_previous_file_and_nothing_else(
    output: Output, point: str, fake: FakeDatadog, tmp_path: Path
) -> None:
    before = seed(tmp_path, output)
    done = subprocess.run(
        [sys.executable, "-c", KILLER, point, *output.argv(tmp_path)],
        env={**os.environ, **fake.env()},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert listing(tmp_path) == before


# ------------------------------------------------------------ SIGTERM (a cancelled job)


TERMINATOR = textwrap.dedent("""\
    import os, signal, sys

    point, way, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    import driftcheck.atomic as atomic

    if way == "named":
        atomic._open_unnamed = lambda directory: None
    real_write = os.write

    def term(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)

    def half_then_term(fd, data):
        written = real_write(fd, bytes(data)[: len(data) // 2])
        term()
        return written

    if point == "mid-write":
        os.write = half_then_term
    else:
        os.fsync = term

    from driftcheck.cli import main

    sys.exit(main(argv))
""")


@pytest.mark.parametrize("way", ["named", "unnamed"])
@pytest.mark.parametrize(
    ("output", "point"),
    [(OUTPUTS[0], "mid-write"), (OUTPUTS[3], "fsync"), (OUTPUTS[4], "mid-write")],
    ids=["report-json mid-write", "snapshot at fsync", "export mid-write"],
)
def test_sigterm_mid_write_leaves_the_previous_file_and_nothing_else(
    output: Output, point: str, way: str, fake: FakeDatadog, tmp_path: Path
) -> None:
    before = seed(tmp_path, output)
    done = subprocess.run(
        [sys.executable, "-c", TERMINATOR, point, way, *output.argv(tmp_path)],
        env={**os.environ, **fake.env()},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 143, done.stderr
    assert "terminated" in done.stderr
    assert listing(tmp_path) == before


# ------------------------------------------------------------ what is never replaced


def check_argv(option: str, path: Path | str) -> list[str]:
    return [
        "check",
        str(SPECS),
        "--live-snapshot",
        str(SNAPSHOT),
        "--format",
        "json",
        option,
        str(path),
    ]


@pytest.mark.parametrize("option", ["--output", "--report-json", "--report-markdown"])
def test_a_fifo_is_written_through_not_replaced(option: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    received: list[bytes] = []

    def drain() -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            ready, _, _ = select.select([reader], [], [], 0.05)
            if ready:
                chunk = os.read(reader, 1 << 16)
                received.append(chunk)
                if not chunk and b"".join(received):
                    return

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    try:
        code, _, err = run_cli(*check_argv(option, fifo))
        thread.join(6)
    finally:
        os.close(reader)
    assert code == 2, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the FIFO
    assert b"driftcheck" in b"".join(received) or b"version" in b"".join(received)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_character_device_is_written_through(tmp_path: Path) -> None:
    # A twin of /dev/null in tmp_path: a regression must never replace the machine's own.
    null = tmp_path / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a character device needs root")
    code, _, err = run_cli(*check_argv("--output", null))
    assert code == 2, err
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_a_link_to_a_fifo_is_written_through(tmp_path: Path) -> None:
    # /dev/stdout is such a link (to /proc/self/fd/1, a pipe or a terminal).
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "stdout").symlink_to(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, err = run_cli(*check_argv("--output", tmp_path / "stdout"))
        data = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert code == 2, err
    assert json.loads(data)["status"] == "drift"
    assert (tmp_path / "stdout").is_symlink()


@pytest.mark.parametrize("option", ["--output", "--report-json", "--report-markdown"])
def test_a_symbolic_link_to_a_file_is_refused_and_left_alone(option: str, tmp_path: Path) -> None:
    # A link checked out from a pull request could point at any file the job may write.
    victim = tmp_path / "victim.sh"
    victim.write_text(OLD, encoding="utf-8")
    link = tmp_path / "report"
    link.symlink_to(victim)
    code, _, err = run_cli(*check_argv(option, link))
    assert code == 1, err
    assert "is a symbolic link" in err
    assert victim.read_text("utf-8") == OLD
    assert link.is_symlink()


def test_a_snapshot_over_a_link_is_refused(fake: FakeDatadog, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text(OLD, encoding="utf-8")
    (tmp_path / "live.json").symlink_to(victim)
    code, err = run(fake, ["snapshot", "-o", str(tmp_path / "live.json")])
    assert code == 1, err
    assert "is a symbolic link" in err
    assert victim.read_text("utf-8") == OLD


@pytest.mark.parametrize("variable", ["GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_ENV"])
@pytest.mark.parametrize("option", ["--output", "--report-json", "--report-markdown"])
def test_a_file_of_the_runner_is_refused(variable: str, option: str, tmp_path: Path) -> None:
    runner_file = tmp_path / "runner_file"
    runner_file.write_text("key=value\n", encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", variable: str(runner_file)}
    code, _, err = run_cli(*check_argv(option, tmp_path / "." / "runner_file"), env=env)
    assert code == 1, err
    assert f"the file of ${variable}" in err
    assert runner_file.read_text("utf-8") == "key=value\n"


def test_snapshot_and_export_refuse_the_runner_files(fake: FakeDatadog, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# summary\n", encoding="utf-8")
    env = {**fake.env(), "GITHUB_STEP_SUMMARY": str(summary)}
    for argv in (["snapshot", "-o", str(summary)], ["export", "-o", str(tmp_path), "--force"]):
        code, _, err = run_cli(*argv, env=env)
        assert code == 1, err
        assert "$GITHUB_STEP_SUMMARY" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.md"]
    assert summary.read_text("utf-8") == "# summary\n"
    assert fake.requests == []  # refused before any work
