"""SECURITY.md names its evidence: every test file and test it cites exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def test_every_cited_test_file_exists() -> None:
    cited = set(re.findall(r"tests/[\w/]+\.py", DOC))
    assert cited, "SECURITY.md cites no test"
    missing = sorted(path for path in cited if not (ROOT / path).is_file())
    assert not missing, missing


def test_every_cited_test_exists() -> None:
    defined = {
        name
        for path in (ROOT / "tests").rglob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)
    }
    cited = set(re.findall(r"\b(test_\w+)\b", DOC)) - {
        Path(p).stem for p in re.findall(r"tests/[\w/]+\.py", DOC)
    }
    assert cited
    assert not sorted(cited - defined), sorted(cited - defined)
