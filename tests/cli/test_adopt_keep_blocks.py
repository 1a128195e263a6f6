"""``driftcheck adopt`` next to block scalars that keep their trailing line breaks.

A ``|+`` (or ``>+``) block's blank lines after its last line are part of its value, and
its text runs up to the next line that is not blank: an entry that follows it starts right
there. Removing, adding or changing entries around such a block must leave its value byte
for byte, never take the next line with it, and never put a blank line right after it (that
line would enter the value). Each case is run through the CLI; the live state is the
expected file itself, so the result must be exactly that file and check clean.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from helpers import run_cli, write_live_snapshot

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
HEAD = "version: 1\nentities:\n  users:\n    connections:\n"


class Cut(str):
    """A piece of the spec that adopt must remove (absent from the live state)."""


class New(str):
    """A piece that only the live state has: adopt must write it."""


def conn(cid: str, fields: str | None = "") -> str:
    text = f"      - id: {cid}\n        type: ref_table\n        join: {{attribute: x, type: y}}\n"
    return text if fields is None else text + "        fields:\n"


def field(fid: str, extra: str = "") -> str:
    return (
        f"          - id: f{fid}\n            source_name: s{fid}\n            type: string\n"
        + extra
    )


KEEP = "            display_name: |+\n              Ann\n\n\n"  # "Ann\n\n\n"
KEEP_SPACES = "            display_name: |+\n              Ann\n   \n\n"  # the same value
KEEP_DESC = "            description: |+\n              one\n              two\n\n"
FOLDED_KEEP = "            display_name: >+\n              Ann\n\n"
KEEP_NO_BLANK = "            display_name: |+\n              Ann\n"
CLIP = "            display_name: |\n              Ann\n              Lee\n\n"
STRIP = "            display_name: |-\n              Ann\n              Lee\n"
COMMENT = "          # about the next field\n"


def added(cid: str) -> str:
    """A connection as adopt writes it (the exporter's values: "y" quoted, fields listed)."""
    return (
        f"      - id: {cid}\n        type: ref_table\n"
        '        join: {attribute: x, type: "y"}\n        fields: []\n'
    )


CASES: dict[str, list[str]] = {
    # an entry after a |+ display_name (or description) is removed
    "field after |+, in the middle": [
        HEAD, conn("a"), field("1", KEEP), Cut(field("2")), field("3"),
    ],
    "field after |+, last of its connection": [
        HEAD, conn("a"), field("1", KEEP), Cut(field("2")), Cut("\n"), conn("b", None),
    ],
    "field after |+, last of the file": [HEAD, conn("a"), field("1", KEEP), Cut(field("2"))],
    "field after |+ with spaces on a blank line": [
        HEAD, conn("a"), field("1", KEEP_SPACES), Cut(field("2")), field("3"),
    ],
    "field after a |+ description": [
        HEAD, conn("a"), field("1", KEEP_DESC), Cut(field("2")), Cut("\n"), conn("b", None),
    ],
    "field after >+": [HEAD, conn("a"), field("1", FOLDED_KEEP), Cut(field("2")), field("3")],
    "field after |+ without blank lines": [
        HEAD, conn("a"), field("1", KEEP_NO_BLANK), Cut(field("2")), Cut("\n"), conn("b", None),
    ],
    "field after |+ and a comment": [
        HEAD, conn("a"), field("1", KEEP), COMMENT, Cut(field("2")), field("3"),
    ],
    "field after | with blank lines": [
        HEAD, conn("a"), field("1", CLIP), Cut(field("2")), field("3"),
    ],
    "last field after |- with blank lines": [
        HEAD, conn("a"), field("1", STRIP), Cut("\n"), Cut(field("2")), "\n", conn("b", None),
    ],
    # the |+ entry itself is removed
    "field with |+, in the middle": [HEAD, conn("a"), Cut(field("1", KEEP)), field("2")],
    "field with |+, last of its connection": [
        HEAD, conn("a"), field("1"), Cut(field("2", KEEP)), conn("b", None),
    ],
    "field with |+, last of the file": [HEAD, conn("a"), field("1"), Cut(field("2", KEEP))],
    "field with |+ after a field with |+": [
        HEAD, conn("a"), field("1", KEEP), Cut(field("2", KEEP_DESC)), field("3"),
    ],
    # connections
    "connection after one ending in |+": [
        HEAD, conn("a"), field("1", KEEP), Cut(conn("b", None)), Cut("\n"), conn("c", None),
    ],
    "last connection after one ending in |+": [
        HEAD, conn("a"), field("1", KEEP), Cut(conn("b", None)),
    ],
    "connection ending in |+, in the middle": [
        HEAD, conn("a", None), "\n", Cut(conn("b")), Cut(field("1", KEEP)), conn("c", None),
    ],
    "last connection ending in |+": [
        HEAD, conn("a", None), Cut("\n"), Cut(conn("b")), Cut(field("1", KEEP)),
    ],
    # metadata: a mapping entry after a |+ value
    "metadata entry after |+": [
        HEAD, conn("a", None), "        metadata:\n          note: |+\n            hi\n\n",
        Cut("          owner: x\n"), "        fields: []\n",
    ],
    "last metadata entry after |+": [
        HEAD, conn("a", None), "        metadata:\n          note: |+\n            hi\n\n",
        Cut("          owner: x\n"),
    ],
    # additions after a |+ block: no blank line may come right after it
    "field added after a field with |+": [
        HEAD, conn("a"), field("1", KEEP), New(field("2")), conn("b", None),
    ],
    "connection added after one ending in |+": [
        HEAD, conn("a"), field("1", KEEP), New(added("b")),
    ],
    # edits of two collections meeting right after the block
    "connection removed after one ending in |+, and one added": [
        HEAD, conn("a"), field("1", KEEP), Cut(conn("b", None)), New(added("c")),
    ],
    "last field after |+ removed, and a connection added": [
        HEAD, conn("a"), field("1", KEEP), Cut(field("2")), New(added("b")),
    ],
    # the blank lines of a keep block count as the blank line between connections
    "connection added after two, the first ending in |+": [
        HEAD, conn("a"), field("1", KEEP), conn("b", None), New("\n" + added("c")),
    ],
    "field removed and one added after |+": [
        HEAD, conn("a"), field("1", KEEP), Cut(field("2")), New(field("3")), "\n",
        conn("b", None),
    ],
}  # fmt: skip


def texts(parts: list[str]) -> tuple[str, str]:
    before = "".join(p for p in parts if not isinstance(p, New))
    after = "".join(p for p in parts if not isinstance(p, Cut))
    return before, after


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("name", CASES)
def test_adopt_next_to_a_keep_block_edits_exactly_the_entry(
    tmp_path: Path, name: str, crlf: bool
) -> None:
    before, expected = texts(CASES[name])
    if crlf:
        before, expected = before.replace("\n", "\r\n"), expected.replace("\n", "\r\n")
    live = yaml.safe_load(expected)["entities"]["users"]["connections"]
    snapshot = write_live_snapshot(tmp_path / "live.json", {"users": live})
    spec = tmp_path / "users.yaml"
    spec.write_bytes(before.encode("utf-8"))
    done = run_cli(
        "adopt",
        str(spec),
        "--live-snapshot",
        snapshot,
        "--kind",
        "changed,unexpected,missing",
        now=NOW,
    )
    assert done.code == 0, done.err
    assert spec.read_bytes().decode("utf-8") == expected
    check = run_cli("check", str(spec), "--live-snapshot", snapshot, now=NOW)
    assert check.code == 0, check.out


CHANGED = {
    # a keep block is replaced whole (its blank lines with it), in its style where it can be
    "Bob\n\n\n": "            display_name: |+\n              Bob\n\n\n",
    "Bob\n\n": "            display_name: |+\n              Bob\n\n",
    "Bob\nLee\n": "            display_name: |\n              Bob\n              Lee\n",
    "Bob": "            display_name: |-\n              Bob\n",
}


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("new", CHANGED)
def test_a_keep_block_value_is_replaced_whole(tmp_path: Path, new: str, crlf: bool) -> None:
    before = HEAD + conn("a") + field("1", KEEP) + field("2")
    expected = HEAD + conn("a") + field("1", CHANGED[new]) + field("2")
    if crlf:
        before, expected = before.replace("\n", "\r\n"), expected.replace("\n", "\r\n")
    spec = tmp_path / "users.yaml"
    spec.write_bytes(before.encode("utf-8"))
    live = yaml.safe_load(expected)["entities"]["users"]["connections"]
    assert live[0]["fields"][0]["display_name"] == new
    snapshot = write_live_snapshot(tmp_path / "live.json", {"users": live})
    done = run_cli("adopt", str(spec), "--live-snapshot", snapshot, now=NOW)
    assert done.code == 0, done.err
    assert spec.read_bytes().decode("utf-8") == expected
    check = run_cli("check", str(spec), "--live-snapshot", snapshot, now=NOW)
    assert check.code == 0, check.out


@pytest.mark.parametrize("header", ["|+", "|", ">", "|2+"])
def test_an_entry_after_a_block_that_ends_the_file_without_a_line_break_is_refused(
    tmp_path: Path, header: str
) -> None:
    # the block's value has no final line break; one written after it would enter its value
    spec = tmp_path / "users.yaml"
    text = HEAD + conn("a") + field("1", f"            display_name: {header}\n              Ann")
    spec.write_text(text, encoding="utf-8")
    live = yaml.safe_load(text)["entities"]["users"]["connections"]
    live[0]["fields"].append({"id": "f2", "source_name": "s2", "type": "string"})
    snapshot = write_live_snapshot(tmp_path / "live.json", {"users": live})
    done = run_cli("adopt", str(spec), "--live-snapshot", snapshot, now=NOW)
    assert done.code == 2 and done.out == ""
    assert f"{spec}:12:27: error: cannot adopt added field users/a/f2: the file ends in a " in (
        done.err
    )
    assert "write its header with '-' (|- or >-) so that it keeps none" in done.err
    assert spec.read_text(encoding="utf-8") == text


def test_an_entry_after_a_strip_block_that_ends_the_file_is_added(tmp_path: Path) -> None:
    spec = tmp_path / "users.yaml"
    text = HEAD + conn("a") + field("1", "            display_name: |-\n              Ann")
    spec.write_text(text, encoding="utf-8")
    live = yaml.safe_load(text)["entities"]["users"]["connections"]
    live[0]["fields"].append({"id": "f2", "source_name": "s2", "type": "string"})
    snapshot = write_live_snapshot(tmp_path / "live.json", {"users": live})
    done = run_cli("adopt", str(spec), "--live-snapshot", snapshot, now=NOW)
    assert done.code == 0, done.err
    assert spec.read_text(encoding="utf-8") == text + "\n" + field("2")
