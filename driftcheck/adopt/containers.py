"""Edits of one mapping or sequence: values replaced, entries removed, entries added.

Block collections are edited line by line: a removed entry takes its own lines with it,
new entries go after the last one, at its indentation. Flow collections (``{...}``,
``[...]``) are rewritten between their brackets, keeping the text of every entry that stays
and the separators that were written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml

from driftcheck.adopt.yamldoc import Document, entries, is_flow


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` of one file by ``new``."""

    path: str
    start: int
    end: int
    new: str
    #: among insertions at one offset, the lower goes first: a collection nested deeper
    #: (that starts later) is filled before the one around it gets its next entry
    order: int = 0


class Refused(Exception):
    """An item that cannot be adopted; the message says why and what to do."""

    def __init__(self, message: str, where: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


@dataclass
class Plan:
    """What to do with one collection. Entries are indexes into its written entries."""

    replace: dict[int, str] = field(default_factory=dict)  # entry -> new text of its value
    remove: set[int] = field(default_factory=set)
    add_block: list[list[str]] = field(default_factory=list)  # lines of each new entry
    add_flow: list[str] = field(default_factory=list)  # text of each new entry


def spans(doc: Document, node: yaml.Node) -> list[tuple[int, int, yaml.Node | None]]:
    """Each written entry of a collection: its start, its end, and its value node (for a
    sequence, the item)."""
    if isinstance(node, yaml.SequenceNode):
        return [(start, end, item) for item, start, end in doc.items(node)]
    assert isinstance(node, yaml.MappingNode)
    return [(k.start_mark.index, doc.end(v, k), v) for k, v in entries(node)]


def edit(doc: Document, key: yaml.Node | None, node: yaml.Node, plan: Plan) -> list[Edit]:
    """The edits that carry out ``plan`` on the collection ``node`` (the value of ``key``)."""
    written = spans(doc, node)
    if is_flow(node) or not written:
        if not written and plan.add_block:
            return [_block_into_empty(doc, key, node, plan.add_block)]
        return [_flow(doc, node, written, plan)]
    edits = [_replace(doc, written[i], text) for i, text in plan.replace.items()]
    kept = [i for i in range(len(written)) if i not in plan.remove]
    at = doc.line_after(written[-1][1])  # where new entries go
    for i in sorted(plan.remove):
        # Blank lines between entries go with the entry they separate from one that stays
        # after it, else (the last entries) from the one that stays before it.
        before = not any(j > i for j in kept) and any(j < i for j in kept)
        edits.append(_remove_lines(doc, written, i, blank_before=before))
    if plan.add_block:
        lines = [line for entry in plan.add_block for line in entry]
        edits.append(_insert(doc, at, lines, order=-int(node.start_mark.index)))
    elif not kept:
        edits.append(_empty_after_colon(doc, key, node))
    return edits


def _replace(doc: Document, span: tuple[int, int, yaml.Node | None], text: str) -> Edit:
    value = span[2]
    assert value is not None
    return Edit(doc.path, value.start_mark.index, doc.value_end(value), _lines(doc, text))


def _lines(doc: Document, text: str) -> str:
    """Generated text (lines broken by LF) with the file's own line ending."""
    return text.replace("\n", doc.newline)


def _insert(doc: Document, at: int, lines: Sequence[str], *, order: int) -> Edit:
    text = "\n".join(lines) + "\n"
    if at == len(doc.text) and doc.text and not doc.text.endswith("\n"):
        if doc.open_block is not None:
            raise Refused(
                "the file ends in a block scalar (| or >) with no line break after its last "
                "line: an entry written after it would add a line break to its value; write "
                "its header with '-' (|- or >-) so that it keeps none, then run adopt again",
                doc.open_block,
            )
        text = "\n" + text
    return Edit(doc.path, at, at, _lines(doc, text), order)


def _remove_lines(
    doc: Document, written: list[tuple[int, int, yaml.Node | None]], i: int, *, blank_before: bool
) -> Edit:
    """An entry's own lines, and the blank lines that separate it from the next entry (or,
    for the last one, from the entry before), so that no two blank lines are left in a row
    and the blank lines after the collection stay. An entry's text ends with its line break
    when it ends in a keep block (``|+``), and the blank lines before an entry that follows
    such a block are that block's value: they stay (and no blank line is left right after
    it: see ``engine._splice``)."""
    begin, finish = written[i][0], written[i][1]
    start, end = doc.line_start(begin), doc.line_after(finish)
    rest = doc.text[finish:end].strip()
    if doc.text[start:begin].strip() or (rest and not rest.startswith("#")):
        raise Refused(
            "the entry shares a line with other text (another entry or a value starts or "
            "ends on one of its lines): remove it by hand, or put it on lines of its own",
            begin,
        )
    if blank_before:
        start = _blank_lines_before(doc, start) or start
    elif i + 1 < len(written):
        end = _blank_lines_after(doc, end)
    return Edit(doc.path, start, end, "")


def _blank_lines_after(doc: Document, end: int) -> int:
    """Where the blank lines starting at ``end`` (a line's start) stop."""
    while end < len(doc.text) and not doc.text[end : doc.next_line(end)].strip():
        end = doc.next_line(end)
    return end


def _blank_lines_before(doc: Document, start: int) -> int | None:
    """Where the blank lines just above ``start`` begin, or None when there are none (the
    blank lines that end a keep block are its value, not lines between entries)."""
    at = start
    while at > 0 and at not in doc.keep_ends:
        previous = doc.line_start(at - 1)
        if doc.text[previous:at].strip():
            break
        at = previous
    return at if at < start else None


def _colon(doc: Document, key: yaml.Node | None) -> int:
    if key is None:
        raise Refused("the collection has no key to write after")
    return doc.text.index(":", key.end_mark.index) + 1


def _empty_after_colon(doc: Document, key: yaml.Node | None, node: yaml.Node) -> Edit:
    empty = " []" if isinstance(node, yaml.SequenceNode) else " {}"
    at = _colon(doc, key)
    return Edit(doc.path, at, at, empty)


def _block_into_empty(
    doc: Document, key: yaml.Node | None, node: yaml.Node, add: list[list[str]]
) -> Edit:
    """``fields: []`` becoming a block of new entries."""
    lines = [line for entry in add for line in entry]
    if lines and not lines[0]:
        lines = lines[1:]  # no blank line between the key and its first entry
    start = _colon(doc, key)
    return Edit(doc.path, start, node.end_mark.index, _lines(doc, "\n" + "\n".join(lines)))


def _flow(
    doc: Document, node: yaml.Node, written: list[tuple[int, int, yaml.Node | None]], plan: Plan
) -> Edit:
    open_, close = node.start_mark.index + 1, node.end_mark.index - 1
    text = doc.text
    pieces: list[str] = []
    for i, (start, end, value) in enumerate(written):
        if i in plan.remove:
            continue
        before = text[written[i - 1][1] : start] if i else ""
        entry = text[start:end]
        if i in plan.replace and value is not None:
            cut = value.start_mark.index - start
            entry = entry[:cut] + plan.replace[i] + text[doc.value_end(value) : end]
        pieces.append((before if pieces and before else (", " if pieces else "")) + entry)
    for new in plan.add_flow:
        pieces.append((", " if pieces else "") + new)
    if not pieces:
        return Edit(doc.path, open_, close, "")
    lead = text[open_ : written[0][0]] if written else ""
    trail = text[written[-1][1] : close] if written else ""
    return Edit(doc.path, open_, close, lead + "".join(pieces) + trail)
