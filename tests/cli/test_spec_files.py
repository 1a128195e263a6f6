"""Issue 11, spec files: which files are specs, what is skipped, and every problem of a file
at its true position, through `driftcheck validate`."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli
from spec_builders import CRM, SPEC_HEAD

BOM = "\ufeff"


@pytest.mark.parametrize("name", ["users.YAML", "users.Yml", "USERS.YML"])
def test_a_spec_suffix_in_any_letter_case_is_a_spec_file(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(SPEC_HEAD + CRM, encoding="utf-8")
    code, out, _ = run_cli("validate", str(tmp_path))
    assert (code, out) == (
        0,
        "ok: 1 file valid: 1 entity, 1 connection, 0 fields, 0 ignore entries\n",
    )


def test_hidden_entries_that_are_skipped_are_counted(tmp_path: Path) -> None:
    (tmp_path / "users.yaml").write_text(SPEC_HEAD + CRM, encoding="utf-8")
    (tmp_path / ".drafts").mkdir()
    (tmp_path / ".drafts" / "accounts.yaml").write_text("version: 2\n", encoding="utf-8")
    (tmp_path / ".old.yaml").write_text("version: 2\n", encoding="utf-8")
    code, out, _ = run_cli("validate", str(tmp_path))
    assert code == 0
    assert out.endswith("; 2 hidden entries skipped\n")


def test_a_quoted_version_is_told_to_be_the_number_1(tmp_path: Path) -> None:
    spec = tmp_path / "users.yaml"
    spec.write_text('version: "1"\nentities: {}\n', encoding="utf-8")
    code, out, _ = run_cli("validate", str(spec))
    assert code == 3
    assert "write the number 1" in out and "version: 1" in out


def test_a_duplicate_key_does_not_hide_the_other_problems(tmp_path: Path) -> None:
    spec = tmp_path / "users.yaml"
    spec.write_text(
        SPEC_HEAD
        + "      - id: crm\n        id: crm2\n        type: ref_table\n"
        + "      - {id: other, type: ref_table, join: {attribute: a, type: b}, dispaly: x}\n",
        encoding="utf-8",
    )
    code, out, _ = run_cli("validate", str(spec))
    assert code == 3
    assert f"{spec}:6:9: error: duplicate key 'id'" in out
    assert "'join' is a required property" in out
    assert "unknown key 'dispaly'" in out
    assert out.endswith("3 problems in 1 file\n")


@pytest.mark.parametrize(
    "body",
    [
        b"version: 1\nentities:\n  users: {connections: [{id: \xff}]}\n",
        b"version: 2\xff\n",
    ],
)
def test_a_byte_order_mark_does_not_shift_positions(tmp_path: Path, body: bytes) -> None:
    plain, marked = tmp_path / "plain.yaml", tmp_path / "marked.yaml"
    plain.write_bytes(body)
    marked.write_bytes(BOM.encode("utf-8") + body)
    without = run_cli("validate", str(plain)).out
    with_bom = run_cli("validate", str(marked)).out
    assert "0xff" in without
    assert with_bom == without.replace(str(plain), str(marked))
