"""New connections and fields written like their neighbours.

A :class:`Layout` is read off the item that the new one follows (the column of its dash and
of its keys, how its strings are quoted, which of its collections are flow ``{...}``/
``[...]`` and which are blocks, whether items are separated by a blank line). The values
come from the exporter (``export.exporter.connection_entry``/``field_entry``), which checks
that spec format v1 can hold them and never writes ``server-managed`` attributes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import yaml

from driftcheck.adopt.yamldoc import Document, entries, is_flow, is_plain
from driftcheck.export.yaml_emitter import WIDTH, Entry, literal, quoted, scalar

_SINGLE_SAFE = set(map(chr, range(0x20, 0x7F)))


@dataclass(frozen=True, kw_only=True)
class Layout:
    """How the items of one sequence are written."""

    dash: int  # column of the '-'
    key: int  # column of the item's keys
    quote: str | None = None  # None: plain where possible; '"' or "'": always so quoted
    flow: frozenset[str] = frozenset()  # keys whose collections are written {...}/[...]
    block: frozenset[str] = frozenset()  # keys whose collections are written as blocks
    spaced: bool = False  # a blank line before each item
    #: for connections, how their fields are written: columns relative to the connection's keys
    fields: Layout | None = None


def default_layout(parent_indent: int, *, spaced: bool) -> Layout:
    """The export emitter's layout, for a sequence whose key is at ``parent_indent``."""
    dash = parent_indent + 2
    fields = Layout(dash=2, key=4)
    return Layout(dash=dash, key=dash + 2, spaced=spaced, fields=fields)


def layout_of(doc: Document, item: yaml.Node, *, spaced: bool, fields: Layout | None) -> Layout:
    """The layout of a written block item (a mapping)."""
    dash = doc.column(doc.item_start(item))
    styles: Counter[str | None] = Counter()
    flow: set[str] = set()
    block: set[str] = set()
    for key, value in entries(item) if isinstance(item, yaml.MappingNode) else ():
        if isinstance(value, yaml.ScalarNode):
            if key.value != "id":
                styles[None if is_plain(value) else value.style] += 1
        elif value.value:
            (flow if is_flow(value) else block).add(key.value)
    quote = styles.most_common(1)[0][0] if styles else None
    return Layout(
        dash=dash,
        key=doc.column(item.start_mark.index),
        quote=quote if quote in ('"', "'") else None,
        flow=frozenset(flow),
        block=frozenset(block),
        spaced=spaced,
        fields=fields,
    )


def block_lines(attributes: dict[str, Any], layout: Layout) -> list[str]:
    """The lines (without line breaks) of a new item of a block sequence."""
    lines = [line for k, v in attributes.items() for line in _lines(k, v, layout.key, layout)]
    pad = " " * layout.dash + "-" + " " * (layout.key - layout.dash - 1)
    lines[0] = pad + lines[0][layout.key :]
    return ([""] if layout.spaced else []) + lines


def kept_apart(block: str | None) -> str | None:
    """A ``|`` block unless it keeps its trailing line breaks (``|+``): such a block would
    take in the blank lines that follow it in the file, and so change its value."""
    return None if block is None or "+" in block.split("\n", 1)[0] else block


def string_text(text: str, layout: Layout, *, flow: bool = False) -> str:
    """A string written the way ``layout`` quotes (re-quoted where YAML needs it)."""
    if layout.quote == '"':
        return quoted(text)
    if layout.quote == "'" and set(text) <= _SINGLE_SAFE:
        return "'" + text.replace("'", "''") + "'"
    return scalar(text, flow=flow)


def _lines(key: str, value: Any, indent: int, layout: Layout) -> list[str]:
    lead = " " * indent + key + ":"
    if isinstance(value, str):
        return [f"{lead} {kept_apart(literal(value, indent)) or string_text(value, layout)}"]
    if value and isinstance(value, list) and isinstance(value[0], Entry):
        inner = layout.fields or Layout(dash=2, key=4)
        inner = replace(inner, dash=indent + inner.dash, key=indent + inner.key, spaced=False)
        return [lead, *(line for e in value for line in block_lines(e.attributes, inner))]
    flow = lead + " " + flow_text(value, layout)
    if not value or (key not in layout.block and (key in layout.flow or len(flow) <= WIDTH)):
        return [flow]
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        return [
            lead,
            *(line for k, v in value.items() for line in _lines(scalar(k), v, indent + 2, layout)),
        ]
    return [lead, *(f"{pad}- {string_text(v, layout)}" for v in value)]


def flow_text(value: Any, layout: Layout) -> str:
    """``value`` (a string, list, dict or Entry) as one line of flow YAML."""
    if isinstance(value, Entry):
        value = value.attributes
    if isinstance(value, str):
        return string_text(value, layout, flow=True)
    if isinstance(value, dict):
        inner = ", ".join(
            f"{scalar(k, flow=True)}: {flow_text(v, layout)}" for k, v in value.items()
        )
        return "{" + inner + "}"
    return "[" + ", ".join(flow_text(v, layout) for v in value) + "]"
