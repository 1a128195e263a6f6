"""Hostile live data never ends in "internal error": values nested deep, lone surrogates and
ids of megabytes are bounded, with exit 2 or 4 and a clear message; ids are cut in text and
annotations, and two ids that would print alike are told apart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.datadog_api import FakeDatadog, raw, running, sample_connection
from helpers import run_cli

FORMATS = ["text", "json", "markdown", "github"]
SPEC = "version: 1\nentities:\n  users:\n    connections: []\n"


@pytest.fixture
def fake() -> Iterator[FakeDatadog]:
    with running(connections={"users": [], "accounts": []}) as server:
        yield server


@pytest.fixture
def spec(tmp_path: Path) -> str:
    path = tmp_path / "users.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return str(path)


def body_with(connection_json: str) -> str:
    return (
        '{"data": {"id": "x", "type": "list_connections_response", '
        f'"attributes": {{"connections": [{connection_json}]}}}}}}'
    )


def nested(depth: int) -> str:
    """A valid connection whose metadata nests ``depth`` lists deep."""
    connection = json.dumps(sample_connection("deep", metadata="HERE"))
    return connection.replace('"HERE"', '{"x": ' + "[" * depth + "]" * depth + "}")


def run_all(fake: FakeDatadog, spec: str, tmp_path: Path) -> list[tuple[list[str], int, str]]:
    runs = [["check", spec, "--format", fmt] for fmt in FORMATS]
    runs += [
        ["snapshot", spec, "-o", str(tmp_path / "live.json")],
        ["export", "-o", str(tmp_path / "out"), "--force"],
    ]
    results = []
    for argv in runs:
        code, out, err = run_cli(*argv, env=fake.env())
        results.append((argv, code, out + err))
    return results


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_values_nested_too_deep_are_refused_with_a_message(
    fake: FakeDatadog, spec: str, tmp_path: Path, depth: int
) -> None:
    fake.fail_always("users", raw(body_with(nested(depth))))
    for argv, code, text in run_all(fake, spec, tmp_path):
        assert code == 4, (argv, text[-500:])
        assert "internal error" not in text, argv
        assert "nested deeper than 64 levels" in text, (argv, text[-500:])


def test_values_nested_within_the_bound_are_checked_in_every_format(
    fake: FakeDatadog, spec: str, tmp_path: Path
) -> None:
    fake.fail_always("users", raw(body_with(nested(55))))  # 60 levels with the envelope
    for argv, code, text in run_all(fake, spec, tmp_path):
        # export leaves out a connection whose metadata is not text (partial: exit 6, said so).
        assert code in ((0, 2) if argv[0] != "export" else (6,)), (argv, text[-500:])
        assert "internal error" not in text, argv


def test_lone_surrogates_from_the_api_are_shown_not_crashed_on(
    fake: FakeDatadog, spec: str, tmp_path: Path
) -> None:
    connection = '{"id": "bad\\ud800id", "type": "ref_table", "metadata": {"x": "\\udfff"}}'
    fake.fail_always("users", raw(body_with(connection)))
    for argv in (["check", spec, "--format", fmt] for fmt in FORMATS):
        code, out, err = run_cli(*argv, env=fake.env())
        assert code == 2, (argv, err)
        assert "internal error" not in out + err
        if argv[-1] in ("text", "github"):
            assert "bad\\ud800id" in out


def test_an_id_of_megabytes_is_cut_in_text_and_annotations(fake: FakeDatadog, spec: str) -> None:
    huge = "x" * (5 * 1024 * 1024)
    fake.set_connections("users", [sample_connection(huge)])
    for fmt in ("text", "github"):
        code, out, err = run_cli("check", spec, "--format", fmt, env=fake.env())
        assert code == 2, err
        assert "internal error" not in out + err
        assert max(len(line) for line in out.splitlines()) < 2000
        assert "x" * 150 in out and "[id " in out
    code, out, _ = run_cli("check", spec, "--format", "json", env=fake.env())
    assert json.loads(out)["drift"][0]["connection"] == huge  # tools get the id whole


def test_two_ids_that_would_print_alike_are_told_apart(fake: FakeDatadog, spec: str) -> None:
    # "a" then ESC is shown as a\e; so would be the three characters a, \, e.
    fake.set_connections("users", [sample_connection("a\x1b"), sample_connection("a\\e")])
    for fmt in ("text", "github"):
        code, out, _ = run_cli("check", spec, "--format", fmt, env=fake.env())
        assert code == 2
        lines = [line for line in out.splitlines() if "connection a\\e" in line]
        assert len(lines) == 2, out
        assert lines[0] != lines[1], lines
