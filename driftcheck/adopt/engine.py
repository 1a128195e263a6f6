"""``adopt``: accept the live state into the spec files with the smallest edits.

The orchestration: load and check the specs -> choose the drift items -> plan the edits ->
apply them to the texts -> load the results back, validate them and run the comparison
again -> (the caller) write every file at once. Returns values; never prints or writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from driftcheck.adopt.containers import Edit
from driftcheck.adopt.index import Index
from driftcheck.adopt.planner import Planned, Planner
from driftcheck.adopt.select import Selection
from driftcheck.adopt.verify import load_texts
from driftcheck.adopt.yamldoc import lookup, parse
from driftcheck.check import LiveReader, run_check, select_entities
from driftcheck.ignores import relative_attribute
from driftcheck.model import DriftItem, Location, Report


@dataclass(frozen=True, kw_only=True)
class Change:
    """One adopted item and where its edit is: in the edited file, or for a removal, in the
    file as it was."""

    item: DriftItem
    location: Location


@dataclass(frozen=True, kw_only=True)
class Refusal:
    """A selected item that cannot be adopted, and why."""

    item: DriftItem | None
    message: str
    where: str | None


@dataclass(frozen=True, kw_only=True)
class FileEdit:
    """A spec file before and after the edits (``old`` also gives the bytes to expect)."""

    path: str
    old: str
    new: str


@dataclass(frozen=True, kw_only=True)
class AdoptResult:
    """Everything a caller needs: what the check found, what was selected, what the edits
    are (``files``), what could not be adopted, and the drift left outside the selection."""

    before: Report
    selected: tuple[DriftItem, ...]
    changes: tuple[Change, ...]
    refused: tuple[Refusal, ...]
    files: tuple[FileEdit, ...]
    left: tuple[DriftItem, ...]  # drift after the edits that the selection did not take

    @property
    def adopted(self) -> bool:
        """Whether every selected item is adopted (and there was something to adopt)."""
        return bool(self.selected) and not self.refused


def adopt_paths(
    paths: Sequence[str],
    *,
    selection: Selection,
    entities: Sequence[str],
    read: LiveReader,
    now: dt.datetime,
) -> AdoptResult:
    """Plan the adoption of the selected drift at ``paths``; raises SpecInvalid first."""
    from driftcheck.spec.load import load_specs

    spec = load_specs(paths)
    state = read(select_entities(spec, entities))
    before = run_check(spec, state, now=now)
    selected = tuple(item for item in before.items if selection.selects(item))
    empty = AdoptResult(
        before=before, selected=selected, changes=(), refused=(), files=(), left=before.items
    )
    if before.errors or not selected:
        return empty
    texts = {path: _read(path) for path in spec.files}
    planner = Planner([parse(path, text) for path, text in texts.items()], state)
    for item in selected:
        planner.add(item)
    planned = planner.finish()
    refused = [Refusal(item=i, message=m, where=w) for i, m, w in planned.refused]
    if refused:
        return _with(empty, refused=refused)
    new_texts = _apply(texts, planned)
    spec_after, problems = load_texts(new_texts)
    if spec_after is None:
        return _with(empty, refused=[_invalid(p.location, p.message) for p in problems])
    changes = _changes(texts, new_texts, planned)
    after = run_check(spec_after, state, now=now)
    refused = _verify(before, after, selection)
    files = tuple(
        FileEdit(path=p, old=texts[p], new=new_texts[p]) for p in texts if new_texts[p] != texts[p]
    )
    return AdoptResult(
        before=before,
        selected=selected,
        changes=tuple(changes) if not refused else (),
        refused=tuple(refused),
        files=files if not refused else (),
        left=tuple(i for i in after.items if i.severity != "ignored"),
    )


def _with(result: AdoptResult, *, refused: list[Refusal]) -> AdoptResult:
    return AdoptResult(
        before=result.before,
        selected=result.selected,
        changes=(),
        refused=tuple(refused),
        files=(),
        left=result.left,
    )


def _invalid(where: Location, message: str) -> Refusal:
    return Refusal(
        item=None,
        message=f"the edited spec would be invalid ({message}); nothing was written",
        where=str(where),
    )


def _read(path: str) -> str:
    """A spec file's whole text, exactly (line endings and byte-order mark included)."""
    with open(path, "rb") as handle:
        return handle.read().decode("utf-8")


def _key(item: DriftItem) -> tuple[str, str, str, str, str]:
    return (item.kind, item.entity, item.connection, item.field or "", item.attribute or "")


def _verify(before: Report, after: Report, selection: Selection) -> list[Refusal]:
    """The comparison run again on the edited texts: no selected item may be left, and no
    drift may appear that was not there before."""
    known = {_key(item) for item in before.items}
    refused = []
    for item in after.items:
        if selection.selects(item) and _key(item) in known:
            refused.append(Refusal(item=item, message="still differs after the edit", where=None))
        elif _key(item) not in known:
            refused.append(Refusal(item=item, message="would be new drift", where=None))
    return refused


def _apply(texts: dict[str, str], planned: Planned) -> dict[str, str]:
    """Every file's text with its edits made."""
    by_file: dict[str, list[Edit]] = {}
    for found in planned.edits:
        by_file.setdefault(found.path, []).append(found)
    new_texts = dict(texts)
    for path, edits in by_file.items():
        ordered = sorted(edits, key=lambda e: (e.start, e.end, e.order))
        new_texts[path] = _splice(texts[path], ordered, planned.keep_ends.get(path, frozenset()))
    return new_texts


def _changes(texts: dict[str, str], new_texts: dict[str, str], planned: Planned) -> list[Change]:
    """Where each change landed (the edited files are valid: they were loaded back)."""
    index = Index([parse(path, text) for path, text in new_texts.items()])
    changes = []
    for item, path, offset in planned.made:
        if item.kind == "missing":
            where = _location(path, texts[path], offset)
        else:
            where = _now(index, item) or _location(path, new_texts[path], offset)
        changes.append(Change(item=item, location=where))
    return sorted(changes, key=lambda c: c.location)


def _now(index: Index, item: DriftItem) -> Location | None:
    """Where an added or changed item is written in the edited files, found by its ids."""
    conn = index.connections.get((item.entity, item.connection))
    owner = conn if conn is None or item.field is None else index.field(conn, item.field)
    if owner is None:
        return None
    if item.kind == "unexpected":
        return owner.doc.location(owner.doc.item_start(owner.node))
    node = owner.node
    for part in (relative_attribute(item) or "").split(".", 1):
        found = lookup(node, part)
        if found is None:
            return None
        node, key = found.value, found.key
    return owner.doc.location(key.start_mark.index)


def _splice(raw: str, edits: list[Edit], keep_ends: frozenset[int] = frozenset()) -> str:
    """``raw`` with ``edits`` (sorted) made. Where the text written so far ends a keep
    block (``|+``, ``keep_ends``), the blank lines at the start of what comes next (after a
    removal, or an inserted entry's separating line) are left out: they would enter its
    value."""
    bom = raw.startswith("\ufeff")
    text = raw[1:] if bom else raw
    out: list[str] = []
    at, removed, glued = 0, False, False
    for found in edits:
        if found.start < at and removed and not found.new:
            at = max(at, found.end)  # removals that overlap remove the text of both
            continue
        if found.start < at:
            raise RuntimeError(f"{found.path}: overlapping edits at offset {found.start}")
        for written, ends_at in ((text[at : found.start], found.start), (found.new, None)):
            piece = _without_blank_lines(written) if glued else written
            if piece:
                out.append(piece)
                glued = ends_at in keep_ends
        at, removed = found.end, not found.new
    out.append(_without_blank_lines(text[at:]) if glued else text[at:])
    return ("\ufeff" if bom else "") + "".join(out)


def _without_blank_lines(piece: str) -> str:
    """``piece`` without the blank lines it starts with."""
    while "\n" in piece and not piece[: piece.index("\n")].strip():
        piece = piece[piece.index("\n") + 1 :]
    return piece


def _location(path: str, raw: str, offset: int) -> Location:
    text = raw.removeprefix("\ufeff")
    line = text.count("\n", 0, offset) + 1
    return Location(path, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


__all__ = ["AdoptResult", "Change", "FileEdit", "Refusal", "adopt_paths"]
