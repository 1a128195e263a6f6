"""check.check_paths: the pipeline load -> choose entities -> read -> diff -> Report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from driftcheck.check import check_paths
from driftcheck.errors import SpecInvalid, UsageError
from driftcheck.live.snapshot import read_snapshot
from driftcheck.model import LiveState

ROOT = Path(__file__).resolve().parents[1]
SPECS = str(ROOT / "examples" / "specs")
SNAPSHOT = str(ROOT / "examples" / "live-snapshot.json")
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def test_the_reader_is_asked_for_the_chosen_entities_only() -> None:
    asked: list[tuple[str, ...]] = []

    def read(entities: tuple[str, ...]) -> LiveState:
        asked.append(entities)
        return read_snapshot(SNAPSHOT, entities)

    report = check_paths([SPECS], entities=["accounts"], read=read, now=NOW)
    assert asked == [("accounts",)]
    assert {status.name for status in report.entities} == {"accounts"}
    assert report.items and all(item.entity == "accounts" for item in report.items)


def test_an_invalid_spec_raises_before_anything_is_read(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("version: 1\nentities: 3\n", encoding="utf-8")

    def read(entities: tuple[str, ...]) -> LiveState:
        raise AssertionError("read after an invalid spec")

    with pytest.raises(SpecInvalid):
        check_paths([str(tmp_path)], entities=[], read=read, now=NOW)


def test_an_undeclared_entity_is_a_usage_error_before_any_read() -> None:
    def read(entities: tuple[str, ...]) -> LiveState:
        raise AssertionError("read for an undeclared entity")

    with pytest.raises(UsageError, match="not declared"):
        check_paths([SPECS], entities=["nosuch"], read=read, now=NOW)
