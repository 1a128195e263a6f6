"""Review findings in the command line: closed or broken output streams, clashing outputs."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

from driftcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "examples" / "specs"
SNAPSHOT = ROOT / "examples" / "live-snapshot.json"
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
CHECK = ("check", str(SPECS), "--live-snapshot", str(SNAPSHOT))


class _ClosedPipe(io.StringIO):
    """stdout whose reader has gone away (``driftcheck check | head -1``)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_stops_early_is_not_an_internal_error() -> None:
    err = io.StringIO()
    code = main(list(CHECK), stdout=_ClosedPipe(), stderr=err, env={}, now=lambda: NOW)
    assert "internal error" not in err.getvalue()
    assert code == 2  # the verdict of the check still stands


def test_stdout_closed_by_the_shell_is_no_traceback() -> None:
    done = subprocess.run(  # '>&-': Python's sys.stdout is None
        ["sh", "-c", 'exec "$0" -m driftcheck "$@" >&-', sys.executable, *CHECK],
        stderr=subprocess.PIPE,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.stderr.decode() == ""
    assert done.returncode == 2


def test_a_pipe_closed_before_the_report_is_written_is_quiet() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "driftcheck", *CHECK],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before driftcheck writes anything
        err = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert "internal error" not in err and "Broken pipe" not in err, err
    assert code == 2


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, env={}, now=lambda: NOW)
    return code, out.getvalue(), err.getvalue()


def test_output_and_report_json_on_one_file_is_a_usage_error(tmp_path: Path) -> None:
    same = tmp_path / "report.json"
    code, _, err = _run(*CHECK, "--output", str(same), "--report-json", str(same))
    assert code == 1
    assert "--output and --report-json name the same file" in err
    assert not same.exists()  # refused before anything was written


def test_report_files_through_different_spellings_of_one_path(tmp_path: Path) -> None:
    code, _, err = _run(
        *CHECK,
        "--report-markdown",
        str(tmp_path / "r.md"),
        "--output",
        str(tmp_path / "sub" / ".." / "r.md"),
    )
    assert code == 1
    assert "--output and --report-markdown name the same file" in err


def test_site_flag_beats_an_api_url_from_the_environment() -> None:
    out, err = io.StringIO(), io.StringIO()
    env = {"DRIFTCHECK_API_URL": "ftp://proxy.invalid"}  # used, it would be a usage error
    code = main(["check", str(SPECS), "--site", "datadoghq.eu"], stdout=out, stderr=err, env=env)
    assert "missing Datadog credentials" in err.getvalue()  # the site was taken; keys next
    assert code == 4


def test_api_url_from_the_environment_applies_without_a_flag() -> None:
    err = io.StringIO()
    env = {"DRIFTCHECK_API_URL": "ftp://proxy.invalid", "DD_SITE": "datadoghq.eu"}
    code = main(["check", str(SPECS)], stdout=io.StringIO(), stderr=err, env=env)
    assert "--api-url 'ftp://proxy.invalid' must be an https:// URL" in err.getvalue()
    assert code == 1
