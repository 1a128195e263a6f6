"""adopt over generated live states: export a spec from state A, adopt state B into it.

* every item is adopted (nothing refused) and the result checks clean against B;
* the lines of every connection and field that A and B hold alike are unchanged, and so is
  the file's header;
* libyaml and the pure-Python parser give the same files.

And over hand-written specs full of block scalars, keep blocks (``|+``, ``>+``) above all
(blank lines between connections, a comment now and then, blank lines after ``|`` and ``|-``
blocks, blank lines with spaces in them), whose live state removes, changes and adds fields
and connections: every item is adopted, the result checks clean, every field and connection
left alone keeps its bytes, and both parsers agree.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st
from test_diff_properties import ENTITIES, LIVE_STATES, NAME, SETTINGS, TEXT, connections, fields

from driftcheck import __version__
from driftcheck.adopt.engine import AdoptResult, adopt_paths
from driftcheck.adopt.index import Index, items
from driftcheck.adopt.select import KINDS, Selection
from driftcheck.adopt.yamldoc import parse
from driftcheck.atomic import replace_all
from driftcheck.check import run_check
from driftcheck.export.exporter import render_spec
from driftcheck.model import EntityRead, LiveState
from driftcheck.spec.load import load_specs

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
Live = dict[str, list[dict[str, Any]]]


@st.composite
def edited_field(draw: st.DrawFn, field: dict[str, Any]) -> dict[str, Any]:
    out = dict(field)
    for key in ("source_name", "type"):
        if draw(st.booleans()):
            out[key] = draw(NAME)
    for key in ("display_name", "description"):
        if draw(st.booleans()):
            out[key] = draw(TEXT)
    if draw(st.booleans()):
        out["groups"] = draw(st.lists(NAME, unique=True, max_size=3))
    return out


@st.composite
def edited_connection(draw: st.DrawFn, conn: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(conn)
    if draw(st.booleans()):
        out["type"] = draw(NAME)
    if draw(st.booleans()):
        out["join"]["type"] = draw(NAME)
    if "metadata" in out and draw(st.booleans()):
        out["metadata"] = draw(st.dictionaries(NAME, TEXT, max_size=3))
    kept = []
    for field in out["fields"]:
        action = draw(st.sampled_from(("same", "edit", "drop")))
        if action != "drop":
            kept.append(draw(edited_field(field)) if action == "edit" else field)
    taken = {f["id"] for f in kept}
    kept += [f for f in draw(fields()) if f["id"] not in taken]
    out["fields"] = kept
    return out


@st.composite
def state_b(draw: st.DrawFn, live: Live) -> Live:
    """Live state A after changes made in Datadog: edits, removals and additions."""
    out: Live = {}
    for entity, conns in live.items():
        kept = []
        for conn in conns:
            action = draw(st.sampled_from(("same", "edit", "drop")))
            if action != "drop":
                kept.append(draw(edited_connection(conn)) if action == "edit" else conn)
        taken = {c["id"] for c in conns}
        kept += [c for c in draw(connections()) if c["id"] not in taken]
        out[entity] = kept
    return out


@contextlib.contextmanager
def parser(libyaml: bool) -> Iterator[None]:
    """PyYAML with or without libyaml for the editing (the loader is chosen per call)."""
    saved = getattr(yaml, "CSafeLoader", None)
    if not libyaml and saved is not None:
        del yaml.CSafeLoader
    try:
        yield
    finally:
        if saved is not None:
            yaml.CSafeLoader = saved  # type: ignore[misc]


def adopt(folder: Path, a: Live, b: Live) -> tuple[dict[str, str], AdoptResult]:
    for entity, conns in a.items():
        text = render_spec(entity, conns, site="s", read_at="t", version=__version__)
        (folder / f"{entity}.yaml").write_text(text, encoding="utf-8")
    before = {p.name: p.read_text("utf-8") for p in sorted(folder.iterdir())}
    reads = {e: EntityRead(entity=e, connections=tuple(c)) for e, c in b.items()}
    state = LiveState(site="s", read_at="t", entities=reads)
    result = adopt_paths(
        [str(folder)],
        selection=Selection(kinds=KINDS),
        entities=(),
        read=lambda entities: state,
        now=NOW,
    )
    assert result.refused == (), result.refused
    replace_all({f.path: (f.old, f.new) for f in result.files})
    report = run_check(load_specs([str(folder)]), state, now=NOW)
    assert report.items == (), report.items
    return before, result


def same_parts(a: Live, b: Live) -> list[tuple[str, str, str | None]]:
    """(entity, connection, field or None) of what A and B hold identically."""
    found: list[tuple[str, str, str | None]] = []
    for entity in ENTITIES:
        live_b = {c["id"]: c for c in b[entity]}
        for conn in a[entity]:
            other = live_b.get(conn["id"])
            if other is None:
                continue
            if other == conn:
                found.append((entity, conn["id"], None))
                continue
            fields_b = {f["id"]: f for f in other["fields"]}
            found += [
                (entity, conn["id"], f["id"]) for f in conn["fields"] if fields_b.get(f["id"]) == f
            ]
    return found


def lines_of(path: Path, text: str, entity: str, conn: str, field: str | None) -> str:
    doc = parse(str(path), text)
    place = Index([doc]).connections[(entity, conn)]
    if field is not None:
        place = next(p for p in items(place, "fields") if p.node.value[0][1].value == field)
    return text[doc.line_start(doc.item_start(place.node)) : doc.line_after(doc.end(place.node))]


@SETTINGS
@given(data=st.data())
def test_adopting_b_into_a_spec_exported_from_a(data: st.DataObject) -> None:
    a = data.draw(LIVE_STATES)
    b = data.draw(state_b(a))
    results = []
    for libyaml in (True, False):
        with tempfile.TemporaryDirectory() as name, parser(libyaml):
            folder = Path(name)
            before, result = adopt(folder, a, b)
            after = {p.name: p.read_text("utf-8") for p in sorted(folder.iterdir())}
            results.append(after)
            for entity, conn, field in same_parts(a, b):
                path = folder / f"{entity}.yaml"
                part = lines_of(path, before[path.name], entity, conn, field)
                assert part in after[path.name], (entity, conn, field)
            for file, text in before.items():
                head = text[: text.index("entities:")]
                assert after[file].startswith(head)
            assert result.adopted == bool(result.selected)
    assert results[0] == results[1]


HEAD = "version: 1\nentities:\n  users:\n    connections:\n"
WORD = st.text(st.sampled_from("abAB é"), min_size=1, max_size=4).map(str.strip).filter(bool)
VALUE = st.text(st.sampled_from("ab \n"), max_size=8)


@st.composite
def block(draw: st.DrawFn, key: str) -> str:
    """``key`` with a block scalar value as a person writes it (at a field's key column)."""
    header = draw(st.sampled_from(["|+", ">+", "|", "|-", ">", ">-"]))
    lines = draw(st.lists(WORD, min_size=1, max_size=3))
    blank = draw(st.sampled_from(["", " ", "   "]))  # what a blank line holds
    after = [blank] * draw(st.integers(0, 3))
    body = "".join(f"              {line}\n" for line in lines)
    return f"            {key}: {header}\n" + body + "".join(f"{b}\n" for b in after)


@st.composite
def field_text(draw: st.DrawFn, number: int) -> str:
    text = f"          - id: f{number}\n            source_name: s{number}\n"
    text += "            type: string\n"
    for key in ("display_name", "description"):
        if draw(st.booleans()):
            text += draw(block(key))
    if draw(st.integers(0, 5)) == 0:
        text += "          # a note\n"
    return text


@st.composite
def spec_text(draw: st.DrawFn) -> str:
    text = HEAD
    for c in range(draw(st.integers(1, 3))):
        if c and not text.endswith("\n\n") and draw(st.booleans()):
            text += "\n"
        text += (
            f"      - id: c{c}\n        type: ref_table\n        join: {{attribute: x, type: y}}\n"
        )
        numbers = range(draw(st.integers(0, 4)))
        text += "        fields:\n" + "".join(draw(field_text(n)) for n in numbers)
        if not numbers:
            text = text.removesuffix("\n") + " []\n"
    return text


@st.composite
def changed(draw: st.DrawFn, conns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The live state: the spec's connections with fields dropped, changed and added."""
    out = []
    for conn in copy.deepcopy(conns):
        if draw(st.integers(0, 4)) == 0:
            continue  # the connection was deleted in Datadog
        fields = []
        for f in conn["fields"]:
            action = draw(st.sampled_from(["same", "same", "drop", "edit"]))
            if action == "edit":
                f["display_name"] = draw(VALUE)
            if action != "drop":
                fields.append(f)
        if draw(st.booleans()):
            fields.append({"id": "new", "source_name": "n", "type": "string"})
        conn["fields"] = fields
        out.append(conn)
    if draw(st.booleans()):
        out.append({"id": "cn", "type": "ref_table", "join": {"attribute": "x", "type": "y"}})
    return out


@SETTINGS
@given(data=st.data())
def test_adopt_around_block_scalars_edits_only_what_changed(data: st.DataObject) -> None:
    text = data.draw(spec_text())
    conns = yaml.safe_load(text)["entities"]["users"]["connections"]
    live = data.draw(changed(conns))
    reads = {"users": EntityRead(entity="users", connections=tuple(live))}
    state = LiveState(site="s", read_at="t", entities=reads)
    results = []
    for libyaml in (True, False):
        with tempfile.TemporaryDirectory() as name, parser(libyaml):
            path = Path(name) / "users.yaml"
            path.write_text(text, encoding="utf-8")
            result = adopt_paths(
                [name], selection=Selection(kinds=KINDS), entities=(), read=lambda _: state, now=NOW
            )
            assert result.refused == (), result.refused
            replace_all({f.path: (f.old, f.new) for f in result.files})
            assert run_check(load_specs([name]), state, now=NOW).items == ()
            after = path.read_text("utf-8")
            for conn in conns:
                other = next((c for c in live if c["id"] == conn["id"]), None)
                if other is None:
                    continue
                same = [f for f in conn["fields"] if f in other["fields"]]
                for f in [None] if other == conn else [f["id"] for f in same]:
                    assert lines_of(path, text, "users", conn["id"], f) in after, (conn, f)
            results.append(after)
    assert results[0] == results[1]
