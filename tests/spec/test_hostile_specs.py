"""Hostile spec files: whatever a pull request puts in the spec folder, ``validate`` and
``check`` end with exit 0, 2, 3 or 4 and a message naming the file and the line, in
bounded time and memory; never a traceback, a hang or an internal error.

Random YAML and random mutations of the shipped examples come from hypothesis; the known
attacks (alias bombs, 10 MB files, 10,000-level nesting, NUL bytes, invalid UTF-8, devices,
pipes and symlink loops in spec folders) are spelt out.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import Result, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftcheck.spec.marked_yaml import MAX_EXPANDED_NODES

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "examples" / "live-snapshot.json"
EXAMPLES = [
    (ROOT / "examples" / "specs" / name).read_text("utf-8")
    for name in ("users.yaml", "accounts.yaml")
]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): error: .+")


def run(*argv: str) -> Result:
    return run_cli(*argv)  # with an empty environment


def assert_handled(path: Path) -> None:
    """validate and check both end cleanly, and every problem names the file and a line."""
    code, out, err = run("validate", str(path), "--format", "json")
    assert code in (0, 3), out + err
    assert err == ""
    report = json.loads(out)
    assert report["valid"] is (code == 0)
    for problem in report["problems"]:
        assert problem["file"] == str(path)
        assert problem["line"] >= 1, problem
        assert problem["column"] >= 1, problem
        assert problem["message"]
    code, out, err = run("check", str(path), "--live-snapshot", str(SNAPSHOT))
    assert code in (0, 2, 3, 4), out + err
    assert "Traceback" not in out + err
    assert "internal error" not in out + err
    if code == 3:
        lines = err.splitlines()
        assert re.fullmatch(r"\d+ problems? in 1 file", lines[-1])
        for line in lines[:-1]:
            match = PROBLEM.match(line)
            assert match and match["file"] == str(path), line


def write(text: str | bytes) -> Path:
    """A spec file in a fresh folder (hypothesis runs many examples per test)."""
    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    path = folder / "spec.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


# ------------------------------------------------------------ random YAML


YAML_BITS = st.sampled_from(
    [
        "version: 1\n",
        "entities:\n",
        "  users:\n",
        "    connections:\n",
        "      - id: x\n",
        "        type: t\n",
        "        join: {attribute: a, type: b}\n",
        "fields:",
        "groups: [a, a]",
        "ignore:\n",
        "  - entity: users\n",
        "    reason: r\n",
        "    expires: 2027-13-45\n",
        "metadata: {}",
        "&a ",
        "*a",
        "<<: *a\n",
        "!!binary ",
        "!!set ",
        "!!python/name:os.system ",
        "? ",
        ": ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "|\n",
        ">-\n",
        "'",
        '"',
        "#",
        "\t",
        "\n",
        "  ",
        "%YAML 1.1\n",
        "---\n",
        "...\n",
        "~",
        "null",
        "yes",
        "0x1F",
        "1e400",
        ".nan",
        "9" * 30,
        "\x00",
        "\ufeff",
        "\u202e",
        "\ud800",
        "é",
        "\x1b[31m",
        "@team",
        "unmanaged_fields: warn\n",
    ]
)


@SETTINGS
@given(st.lists(YAML_BITS | st.text(max_size=5), max_size=40).map("".join))
def test_random_yaml_never_escapes(text: str) -> None:
    assert_handled(write(text))


VOCABULARY = [
    "version",
    "entities",
    "users",
    "accounts",
    "connections",
    "id",
    "type",
    "join",
    "attribute",
    "metadata",
    "fields",
    "source_name",
    "display_name",
    "description",
    "groups",
    "unmanaged_fields",
    "unmanaged_connections",
    "ignore",
    "entity",
    "connection",
    "field",
    "reason",
    "expires",
    "fail",
    "warn",
    "ignore",
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(VOCABULARY)
    | st.just(1)
    | st.just("2027-01-01")
)
KEYS = st.sampled_from(VOCABULARY) | st.text(max_size=6)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=40,
)


@SETTINGS
@given(document=st.dictionaries(KEYS, DOCUMENTS, max_size=4), flow=st.booleans())
def test_random_documents_in_the_spec_vocabulary_never_escape(
    document: dict[str, Any], flow: bool
) -> None:
    if document and flow:
        document["version"] = 1
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    assert_handled(write(text))


# ------------------------------------------------------------ mutations of valid specs


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(EXAMPLES))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        at = draw(st.integers(0, max(0, len(text) - 1)))
        row = draw(st.integers(0, len(lines) - 1))
        how = draw(
            st.sampled_from(
                ["delete", "insert", "duplicate", "swap", "indent", "dedent", "replace"]
            )
        )
        if how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif how == "insert":
            text = text[:at] + draw(YAML_BITS | st.text(max_size=3)) + text[at:]
        elif how == "duplicate":
            lines.insert(row, lines[row])
            text = "\n".join(lines)
        elif how == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[row], lines[other] = lines[other], lines[row]
            text = "\n".join(lines)
        elif how == "indent":
            lines[row] = "  " + lines[row]
            text = "\n".join(lines)
        elif how == "dedent":
            lines[row] = lines[row][2:]
            text = "\n".join(lines)
        else:
            text = text[:at] + draw(st.characters()) + text[at + 1 :]
    return text


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_of_valid_specs_never_escape(text: str) -> None:
    assert_handled(write(text))


@SETTINGS
@given(data=st.data())
def test_bytes_flipped_anywhere_never_escape(data: st.DataObject) -> None:
    raw = bytearray(data.draw(st.sampled_from(EXAMPLES)).encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 3))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    assert_handled(write(bytes(raw)))


# ------------------------------------------------------------ the known attacks


def bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "version: 1\n" + "\n".join(lines) + "\n"


def merge_bomb() -> str:
    lines = ["a: &a {x: 1, y: 2, z: 3, w: 4, v: 5, u: 6, t: 7, s: 8, r: 9}"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} {{<<: [" + ",".join([f"*{prev}"] * 9) + "]}")
    return "version: 1\n" + "\n".join(lines) + "\n"


ATTACKS: dict[str, tuple[str | bytes, str]] = {
    "billion laughs": (bomb(), "anchors and aliases expand this document"),
    "billion laughs of merge keys": (merge_bomb(), "anchors and aliases expand"),
    "recursive alias": ("version: 1\nentities: &e {users: *e}\n", "recursive alias"),
    "10,000 nested flow lists": ("version: 1\nx: " + "[" * 10_000 + "]" * 10_000 + "\n", "nest"),
    "10,000 nested flow maps": (
        "version: 1\nx: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
        "nest",
    ),
    "10,000 nested block lists": ("version: 1\nx:\n  " + "- " * 10_000 + "x\n", ""),
    "200 nested block maps": (
        "version: 1\nx:\n" + "".join(" " * i + "a:\n" for i in range(1, 200)),
        "nesting deeper than 64 levels",
    ),
    "NUL byte first": ("\x00version: 1\n", "NUL byte"),
    "NUL byte in a value": (
        'version: 1\nentities: {users: {connections: [{id: "a\x00b"}]}}\n',
        "NUL byte",
    ),
    "NUL byte last": ("version: 1\nentities: {}\n\x00", "NUL byte"),
    "Latin-1 byte": (b"version: 1\n# caf\xe9\n", "not UTF-8 text"),
    "lone continuation byte": (b"version: 1\n\x80\n", "not UTF-8 text"),
    "cut multi-byte character": (b"version: 1\nx: \xe6\x97", "not UTF-8 text"),
    "overlong encoding": (b"version: 1\nx: \xc0\xaf\n", "not UTF-8 text"),
    "encoded surrogate": (b"version: 1\nx: \xed\xa0\x80\n", "not UTF-8 text"),
    "UTF-16 with a BOM": ("version: 1\n".encode("utf-16"), "not UTF-8 text"),
    "a number of 5,000 digits": ("version: 1" + "0" * 5000 + "\n", "too long"),
    "a 2,000-character key": ("version: 1\n" + "k" * 2000 + ": 1\n", ""),
    "python tag": (
        "version: 1\nx: !!python/object/apply:os.system ['id']\n",
        "could not determine a constructor",
    ),
    "a list as a key": ("version: 1\n? [a, b]\n: x\n", "must be a string, not a list"),
    "two documents": ("version: 1\n---\nversion: 1\n", "single document"),
}


@pytest.mark.parametrize(("content", "needle"), ATTACKS.values(), ids=ATTACKS.keys())
def test_known_attacks_are_refused_fast_with_the_place(content: str | bytes, needle: str) -> None:
    path = write(content)
    started = time.perf_counter()
    code, out, _ = run("validate", str(path))
    assert time.perf_counter() - started < 5  # generous: each is refused in milliseconds
    assert code == 3
    assert needle in out
    assert PROBLEM.match(out.splitlines()[0]), out
    assert_handled(path)


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    from driftcheck.spec.files import MAX_FILE_BYTES

    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse: nothing is written to the disk
        handle.truncate(MAX_FILE_BYTES + 1)
    started = time.perf_counter()
    code, out, _ = run("validate", str(path))
    assert time.perf_counter() - started < 1
    assert code == 3
    assert f"{path}: error: file is larger than 64 MiB; split the spec" in out


@pytest.mark.parametrize(
    ("tail", "needle"),
    [
        (b"\x00\n", "NUL byte"),
        (b"\xff\n", "not UTF-8 text"),
        (b"  - [unclosed\n", "YAML syntax error"),
    ],
)
def test_a_10_mb_file_with_a_fault_at_its_end_is_refused_at_that_line(
    tmp_path: Path, tail: bytes, needle: str
) -> None:
    path = tmp_path / "big.yaml"
    comment = b"# " + b"x" * 97 + b"\n"
    count = 10 * 2**20 // len(comment)
    path.write_bytes(b"version: 1\n" + comment * count + tail)
    started = time.perf_counter()
    code, out, _ = run("validate", str(path))
    assert time.perf_counter() - started < 10
    assert code == 3
    assert needle in out
    assert f"{path}:{count + 2}:" in out


def test_a_10_mb_flood_of_values_stops_at_the_node_limit_in_bounded_memory(tmp_path: Path) -> None:
    # Over five million one-letter values: the limit is reached before the list is whole.
    path = tmp_path / "flood.yaml"
    path.write_text("version: 1\nx: [" + ",".join(["a"] * (5 * 2**20)) + "]\n", encoding="utf-8")
    assert path.stat().st_size > 10 * 10**6
    assert MAX_EXPANDED_NODES < 5 * 2**20
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "driftcheck", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert done.returncode == 3, done.stderr
    assert f"{path}:2:" in done.stdout
    assert f"holds more than {MAX_EXPANDED_NODES:,} YAML values: split the spec" in done.stdout
    assert seconds < 30
    assert max(before, peak_kib) < 1_200_000, f"peak RSS {peak_kib} KiB"


def test_a_file_of_three_million_values_is_loaded_whole(tmp_path: Path) -> None:
    # One spec file of 200k fields holds about 3 million values (the limit was 2 million):
    # it is loaded, so the problem reported is the spec's own, at its place.
    path = tmp_path / "many.yaml"
    path.write_text("version: 1\nx: [" + ",".join(["a"] * 3_000_000) + "]\n", encoding="utf-8")
    code, out, _ = run("validate", str(path))
    assert code == 3
    assert f"{path}:2:1: error: unknown key 'x'" in out
    assert "YAML values" not in out


# ------------------------------------------------------------ what a spec folder can hold


VALID = "version: 1\nentities:\n  users:\n    connections: []\n"


def test_symlink_loops_in_a_spec_folder_end_with_a_clear_error(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    (specs / "sub").mkdir(parents=True)
    (specs / "users.yaml").write_text(VALID, encoding="utf-8")
    (specs / "sub" / "up").symlink_to("..")  # a folder loop: never followed
    (specs / "self").symlink_to(".")
    (specs / "a.yaml").symlink_to("b.yaml")  # a file loop
    (specs / "b.yaml").symlink_to("a.yaml")
    (specs / "gone.yaml").symlink_to("nowhere.yaml")  # dangling
    started = time.perf_counter()
    code, out, _ = run("validate", str(specs))
    assert time.perf_counter() - started < 5
    assert code == 3
    assert f"{specs / 'a.yaml'}: error: cannot read: Too many levels of symbolic links" in out
    assert f"{specs / 'b.yaml'}: error: cannot read" in out
    assert f"{specs / 'gone.yaml'}: error: cannot read: No such file or directory" in out
    assert "up" not in out and "self" not in out
    assert out.endswith("3 problems in 3 files\n")


def test_a_spec_folder_that_loops_through_symlinks_is_walked_once(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "users.yaml").write_text(VALID, encoding="utf-8")
    (specs / "loop").symlink_to(specs)
    code, out, _ = run("validate", str(specs))
    assert (code, out) == (
        0,
        "ok: 1 file valid: 1 entity, 0 connections, 0 fields, 0 ignore entries\n",
    )


@pytest.mark.parametrize("kind", ["/dev/zero", "/dev/urandom", "fifo"])
def test_a_spec_that_is_a_device_or_a_pipe_is_refused_without_reading(
    tmp_path: Path, kind: str
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "users.yaml").write_text(VALID, encoding="utf-8")
    evil = specs / "evil.yaml"
    if kind == "fifo":
        os.mkfifo(evil)
    else:
        evil.symlink_to(kind)
    started = time.perf_counter()
    code, out, _ = run("validate", str(specs))
    assert time.perf_counter() - started < 5
    assert code == 3
    # A device reached through a link is refused as a link out of the folder, before any read.
    why = "not a regular file" if kind == "fifo" else "symbolic link to a file outside"
    assert f"{evil}: error: {why}" in out
    code, _, err = run("check", str(specs), "--live-snapshot", str(SNAPSHOT))
    assert code == 3
    assert f"{evil}: error: {why}" in err
