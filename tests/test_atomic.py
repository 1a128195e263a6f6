"""atomic.replace_all: several files replaced at once, all of them or none."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from driftcheck import atomic
from driftcheck.atomic import replace_all
from driftcheck.errors import OutputError


def files(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("a: 1\r\n", encoding="utf-8", newline="")
    b.write_text("\ufeffb: 1\n", encoding="utf-8")
    a.chmod(0o640)
    return a, b


def test_every_file_is_replaced_with_its_mode_kept(tmp_path: Path) -> None:
    a, b = files(tmp_path)
    replace_all({str(a): ("a: 1\r\n", "a: 2\r\n"), str(b): ("\ufeffb: 1\n", "\ufeffb: 2\n")})
    assert a.read_bytes() == b"a: 2\r\n" and b.read_bytes() == b"\xef\xbb\xbfb: 2\n"
    assert a.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]  # no temp file


def test_a_file_changed_meanwhile_refuses_the_whole_write(tmp_path: Path) -> None:
    a, b = files(tmp_path)
    with pytest.raises(OutputError, match="changed while driftcheck was editing it"):
        replace_all({str(a): ("a: 1\r\n", "a: 2\r\n"), str(b): ("b: 0\n", "b: 2\n")})
    assert a.read_bytes() == b"a: 1\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]


def test_a_failed_rename_restores_the_files_already_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = files(tmp_path)
    real = os.replace
    calls: list[str] = []

    def flaky(src: str, dst: object, **kwargs: object) -> None:
        calls.append(str(dst))
        if str(dst) == str(b):
            raise OSError(28, "No space left on device")
        real(src, dst, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "replace", flaky)
    with pytest.raises(OutputError, match=r"No space left.*restored, nothing was changed"):
        replace_all({str(a): ("a: 1\r\n", "a: 2\r\n"), str(b): ("\ufeffb: 1\n", "\ufeffb: 2\n")})
    assert str(a) in calls and a.read_bytes() == b"a: 1\r\n"
    assert b.read_bytes() == b"\xef\xbb\xbfb: 1\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_symbolic_link_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    a, b = files(tmp_path)
    link = tmp_path / "link.yaml"
    link.symlink_to(b)
    with pytest.raises(OutputError, match=r"link\.yaml: not a regular file; nothing was written"):
        replace_all({str(a): ("a: 1\r\n", "a: 2\r\n"), str(link): ("\ufeffb: 1\n", "x\n")})
    assert a.read_bytes() == b"a: 1\r\n" and link.is_symlink()
