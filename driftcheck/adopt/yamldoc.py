"""A spec file as text plus its composed YAML nodes, for precise edits.

The nodes come from PyYAML's composer (over libyaml's parser when available, the
pure-Python one otherwise): every node carries ``start_mark.index``/``end_mark.index``
(offsets in characters into the text), scalars their ``style`` and collections their
``flow_style``. The text is kept exactly as read (line endings included); only a leading
byte-order mark is split off and put back on writing.

Anchors and aliases make one node appear in several places: :meth:`Document.shared`
tells whether editing a node would change more than one place, and names them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import yaml

from driftcheck.model import Location

MERGE = "tag:yaml.org,2002:merge"
BOM = "\ufeff"
_ALIAS = re.compile(r"\*[^\s,\[\]{}]+")


class ComposeError(Exception):
    """The text is not a YAML document that can be edited (it was validated before, so
    this means it changed meanwhile)."""


def _loader_class() -> type[Any]:
    """A composer that also records anchors and the places of aliases. Resolved at each
    call, so a process without libyaml (or a test that removes it) uses the Python parser."""
    base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    composer = yaml.composer.Composer

    class _Recording(base):  # type: ignore[misc]
        get_single_node = composer.get_single_node
        compose_document = composer.compose_document
        compose_scalar_node = composer.compose_scalar_node
        compose_sequence_node = composer.compose_sequence_node
        compose_mapping_node = composer.compose_mapping_node

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.anchors: dict[Any, yaml.Node] = {}
            self.anchor_of: dict[int, tuple[str, int]] = {}
            self.alias_at: dict[str, list[int]] = {}

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
            event = self.peek_event()
            anchor = getattr(event, "anchor", None)
            at = int(getattr(event.start_mark, "index", 0))
            if isinstance(event, yaml.AliasEvent):
                self.alias_at.setdefault(str(anchor), []).append(at)
            node = composer.compose_node(self, parent, index)
            if anchor is not None and not isinstance(event, yaml.AliasEvent) and node is not None:
                self.anchor_of[id(node)] = (str(anchor), at)
            return node

    return _Recording


@dataclass
class Document:
    """One spec file: its text, its nodes, and how often each node is reachable."""

    path: str
    text: str  # without the byte-order mark
    bom: bool
    root: yaml.MappingNode
    anchor_of: dict[int, tuple[str, int]] = field(default_factory=dict)
    alias_at: dict[str, list[int]] = field(default_factory=dict)
    uses: dict[int, int] = field(default_factory=dict)
    #: where each block scalar that keeps its trailing line breaks (``|+``, ``>+``) ends: at
    #: the start of the first line after it that is not blank, for its blank lines are part
    #: of its value (a blank line written there would enter the value)
    keep_ends: frozenset[int] = frozenset()
    #: the ``|`` or ``>`` block (not ``|-``) that the text ends in with no line break, whose
    #: value a line break written after it would change; None when there is none
    open_block: int | None = None

    @property
    def newline(self) -> str:
        """The file's line ending: CRLF when its first line ends so, else LF."""
        first = self.text.find("\n")
        return "\r\n" if first > 0 and self.text[first - 1] == "\r" else "\n"

    def location(self, index: int) -> Location:
        line = self.text.count("\n", 0, index) + 1
        return Location(self.path, line, index - (self.text.rfind("\n", 0, index) + 1) + 1)

    def shared(self, chain: list[yaml.Node]) -> str | None:
        """Where a node reached through ``chain`` (root first) also appears, or None when
        editing it changes one place only."""
        for node in chain:
            if self.uses.get(id(node), 1) > 1:
                return self._places(node)
        return None

    def _places(self, node: yaml.Node) -> str:
        name, at = self.anchor_of.get(id(node), ("?", node.start_mark.index))
        uses = ", ".join(str(self.location(i)) for i in self.alias_at.get(name, ()))
        return f"anchor &{name} at {self.location(at)}, used by the aliases at {uses}"

    # ------------------------------------------------------------ text positions

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def next_line(self, index: int) -> int:
        """The start of the line after the one holding ``index`` (the end of the text on
        the last line)."""
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end + 1

    def line_after(self, index: int) -> int:
        """The start of the line after text that ends at ``index`` (an entry's end): ``index``
        itself when that text ends with its line break (a keep block), else the next line."""
        if index in self.keep_ends:
            return index
        return self.next_line(index)

    def column(self, index: int) -> int:
        """0-based column of ``index``."""
        return index - self.line_start(index)

    def end(self, node: yaml.Node, key: yaml.Node | None = None) -> int:
        """Where ``node``'s own text ends: its last character, not the comments and blank
        lines that PyYAML counts into a block collection. ``key`` is the node's key when
        it is a mapping value (an alias's text is found after it)."""
        if key is not None and node.start_mark.index < key.end_mark.index:
            found = _ALIAS.search(self.text, key.end_mark.index)  # an alias: '*name'
            return found.end() if found else key.end_mark.index
        if isinstance(node, yaml.ScalarNode):
            return self._scalar_end(node)
        if is_flow(node) or not node.value:
            return int(node.end_mark.index)
        if isinstance(node, yaml.MappingNode):
            last_key, last_value = node.value[-1]
            return self.end(last_value, last_key)
        assert isinstance(node, yaml.SequenceNode)
        return self.items(node)[-1][2]

    def items(self, seq: yaml.SequenceNode) -> list[tuple[yaml.Node, int, int]]:
        """Each item of a sequence with where its text starts and ends (an alias item's
        node lies elsewhere: its own text is the '*name' found after the item before)."""
        out: list[tuple[yaml.Node, int, int]] = []
        after = seq.start_mark.index
        for item in seq.value:
            if item.start_mark.index < after or (out and item is out[-1][0]):
                found = _ALIAS.search(self.text, after)
                start, stop = (found.start(), found.end()) if found else (after, after)
            else:
                start, stop = item.start_mark.index, self.end(item)
            if not is_flow(seq):
                start = self._dash_before(start)
            out.append((item, int(start), int(stop)))
            after = stop
        return out

    def spaced(self, seq: yaml.SequenceNode) -> bool | None:
        """Whether the last two items of a block sequence are apart by a blank line (None
        when it has no two items to tell by). An item that ends in a keep block does not
        count: the blank lines after its last line are its value."""
        pairs = [p for p in pairwise(self.items(seq)) if p[0][2] not in self.keep_ends]
        if not pairs:
            return None
        first, second = pairs[-1]
        between = self.text[first[2] : self.line_start(second[1])].split("\n")
        return any(not line.strip() for line in between[1:-1])

    def value_end(self, node: yaml.Node) -> int:
        """Where the text to replace by a new value ends: a block scalar without the line
        breaks and blank lines after its last line; a keep block (whose blank lines are its
        value) without its last line break only, so that the next line stays apart."""
        stop = int(node.end_mark.index)
        if self.keeps(node):
            for newline in ("\r\n", "\n"):
                if self.text.endswith(newline, node.start_mark.index, stop):
                    return stop - len(newline)
            return stop
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            return self._last_line_end(node.start_mark.index, stop)
        return stop

    def _last_line_end(self, start: int, stop: int) -> int:
        """The end of the last line in ``text[start:stop]`` that is not blank (its trailing
        spaces included: in a block scalar they are part of the value)."""
        while stop > start:
            while stop > start and self.text[stop - 1] in "\r\n":
                stop -= 1
            begin = max(self.line_start(stop), start)
            if self.text[begin:stop].strip(" \t"):
                return stop
            stop = begin
        return stop

    def _scalar_end(self, node: yaml.ScalarNode) -> int:
        start, stop = node.start_mark.index, node.end_mark.index
        if node.style not in ("|", ">"):
            return int(stop)
        if self.keeps(node):
            return int(stop)  # kept trailing line breaks are part of the value
        return self._last_line_end(start, stop)

    def keeps(self, node: yaml.Node) -> bool:
        """Whether ``node`` is a block scalar that keeps its trailing line breaks."""
        return self.chomping(node) == "+"

    def chomping(self, node: yaml.Node) -> str | None:
        """A block scalar's chomping indicator ('+' keep, '-' strip, '' clip); None for
        other nodes."""
        if not isinstance(node, yaml.ScalarNode) or node.style not in ("|", ">"):
            return None
        start = node.start_mark.index
        header = self.text[start : self.next_line(start)].split("#")[0]
        return next((c for c in "+-" if c in header), "")

    def item_start(self, node: yaml.Node) -> int:
        """Where a block sequence item's dash is."""
        return self._dash_before(node.start_mark.index)

    def _dash_before(self, start: int) -> int:
        index = start - 1
        while index >= 0 and self.text[index] in " \t\r\n":
            index -= 1
        return index if index >= 0 and self.text[index] == "-" else start


def parse(path: str, raw: str) -> Document:
    """``raw`` (a spec file's whole text) composed into a :class:`Document`."""
    bom = raw.startswith(BOM)
    text = raw[1:] if bom else raw
    loader = _loader_class()(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise ComposeError(f"{path}: {exc}") from exc
    finally:
        loader.dispose()
    if not isinstance(root, yaml.MappingNode):
        raise ComposeError(f"{path}: the top level is not a mapping")
    doc = Document(path, text, bom, root, loader.anchor_of, loader.alias_at)
    nodes = _count(root, doc.uses)
    doc.keep_ends = frozenset(int(node.end_mark.index) for node in nodes if doc.keeps(node))
    if not text.endswith("\n"):
        doc.open_block = next((int(n.start_mark.index) for n in nodes if _open(doc, n)), None)
    return doc


def _open(doc: Document, node: yaml.Node) -> bool:
    """Whether ``node`` is a block scalar that ends the text and takes a line break after it."""
    return node.end_mark.index == len(doc.text) and doc.chomping(node) in ("", "+")


def _count(node: yaml.Node, uses: dict[int, int]) -> list[yaml.Node]:
    """How many places reach each node (an anchored node once more per alias); returns
    every node once."""
    stack, nodes = [node], []
    while stack:
        current = stack.pop()
        seen = uses.get(id(current), 0)
        uses[id(current)] = seen + 1
        if seen:
            continue
        nodes.append(current)
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack += [key, value]
        elif isinstance(current, yaml.SequenceNode):
            stack += current.value
    return nodes


@dataclass(frozen=True)
class Found:
    """A key's entry in a mapping: its key and value nodes, and the mappings passed
    through to reach it (the mapping itself, then any merged ones)."""

    key: yaml.Node
    value: yaml.Node
    via: tuple[yaml.Node, ...]


def entries(mapping: yaml.MappingNode) -> Iterator[tuple[yaml.Node, yaml.Node]]:
    """The explicit (not merged) entries of a mapping."""
    return ((k, v) for k, v in mapping.value if k.tag != MERGE)


def lookup(mapping: yaml.Node, key: str) -> Found | None:
    """The entry of ``key`` in ``mapping``: written there, else merged in (``<<``), as
    YAML resolves it (explicit keys win; the first of several merged mappings wins)."""
    if not isinstance(mapping, yaml.MappingNode):
        return None
    for k, v in entries(mapping):
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return Found(k, v, (mapping,))
    for k, v in mapping.value:
        if k.tag != MERGE:
            continue
        for source in v.value if isinstance(v, yaml.SequenceNode) else [v]:
            found = lookup(source, key)
            if found is not None:
                return Found(found.key, found.value, (mapping, *found.via))
    return None


def string(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def is_mapping(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode)


def is_flow(node: yaml.Node) -> bool:
    """Whether a collection is written ``{...}``/``[...]``."""
    return bool(getattr(node, "flow_style", False))


def is_plain(node: yaml.ScalarNode) -> bool:
    return node.style in (None, "")  # libyaml says '', the Python parser None
