"""Golden before/after spec files for every YAML style the spec format allows.

Each case in ``golden/`` holds ``before/`` (spec files as a person wrote them), ``case.json``
(the live state and the kinds adopted) and ``after/`` (the files as adopt must leave them,
byte for byte). ``pytest --update-golden`` rewrites ``after/``: review that diff like code.
The same cases run under libyaml and, in a subprocess without it, under the pure-Python
parser, which must give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from driftcheck.adopt.engine import adopt_paths
from driftcheck.adopt.select import Selection
from driftcheck.atomic import replace_all
from driftcheck.check import run_check
from driftcheck.model import EntityRead, LiveState
from driftcheck.spec.load import load_specs

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def live_state(case: Path) -> LiveState:
    live = json.loads((case / "case.json").read_text("utf-8"))["live"]
    reads = {n: EntityRead(entity=n, connections=tuple(c)) for n, c in live.items()}
    return LiveState(site="datadoghq.com", read_at="2026-12-01T00:00:00Z", entities=reads)


def adopt_case(name: str, work: Path) -> dict[str, bytes]:
    """Run adopt on a copy of the case's ``before/``; the files it leaves, by name."""
    case = GOLDEN / name
    specs = work / name
    shutil.copytree(case / "before", specs)
    kinds = tuple(json.loads((case / "case.json").read_text("utf-8"))["kinds"])
    state = live_state(case)
    result = adopt_paths(
        [str(specs)],
        selection=Selection(kinds=kinds),
        entities=(),
        read=lambda entities: state,
        now=NOW,
    )
    assert not result.refused, result.refused
    assert result.adopted
    replace_all({f.path: (f.old, f.new) for f in result.files})
    after = run_check(load_specs([str(specs)]), state, now=NOW)
    left = [i for i in after.items if i.kind in kinds and i.severity != "ignored"]
    assert left == [], left
    return {p.name: p.read_bytes() for p in sorted(specs.iterdir())}


@pytest.mark.parametrize("name", CASES)
def test_golden_case(name: str, tmp_path: Path, update_golden: bool) -> None:
    files = adopt_case(name, tmp_path)
    expected = GOLDEN / name / "after"
    if update_golden:
        shutil.rmtree(expected, ignore_errors=True)
        expected.mkdir()
        for file, data in files.items():
            (expected / file).write_bytes(data)
    assert files == {p.name: p.read_bytes() for p in sorted(expected.iterdir())}


def test_every_style_is_covered() -> None:
    """The cases hold each style the issue names (a guard against losing one)."""
    text = "".join(
        p.read_text("utf-8") for name in CASES for p in (GOLDEN / name / "before").iterdir()
    )
    raw = b"".join(p.read_bytes() for name in CASES for p in (GOLDEN / name / "before").iterdir())
    for marker in (": |", ": >", ": |-", "'", '"', "{", "[", "- {", "<<: *", "&", "  # ", "\n#"):
        assert marker in text, marker
    assert b"\r\n" in raw and raw.count(b"\xef\xbb\xbf") >= 1
    assert (GOLDEN / "spread" / "before").joinpath("users-b.yaml").exists()


def test_golden_cases_without_libyaml(tmp_path: Path) -> None:
    """The pure-Python parser gives the very same files (PyYAML without libyaml)."""
    script = (
        "import sys, yaml\n"
        "del yaml.CSafeLoader\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from pathlib import Path\n"
        "import test_golden as g\n"
        "for name in g.CASES:\n"
        "    files = g.adopt_case(name, Path(sys.argv[2]))\n"
        "    after = sorted((g.GOLDEN / name / 'after').iterdir())\n"
        "    expected = {p.name: p.read_bytes() for p in after}\n"
        "    assert files == expected, name\n"
        "    print('ok', name)\n"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("ok ") == len(CASES)
