"""Drift items -> the edits of the spec files that make each of them go away.

A changed value is replaced in place (``scalars``); a changed ``groups`` list or
``metadata`` mapping is edited entry by entry; a live-only field or connection is added
after the last one of its connection or entity; a spec-only one is removed with its own
lines (``containers``). An item that cannot be adopted is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from driftcheck.adopt.containers import Edit, Plan, Refused, edit
from driftcheck.adopt.entries import (
    Layout,
    block_lines,
    default_layout,
    flow_text,
    layout_of,
    string_text,
)
from driftcheck.adopt.index import Index, Place, items, sequence
from driftcheck.adopt.scalars import replacement
from driftcheck.adopt.yamldoc import (
    Document,
    entries,
    is_flow,
    is_mapping,
    is_plain,
    lookup,
    string,
)
from driftcheck.export.exporter import UnexportableState, connection_entry, field_entry
from driftcheck.export.yaml_emitter import scalar
from driftcheck.ignores import relative_attribute
from driftcheck.model import DriftItem, LiveState


@dataclass
class _Collection:
    doc: Document
    key: yaml.Node | None
    node: yaml.Node
    plan: Plan = field(default_factory=Plan)
    items: list[DriftItem] = field(default_factory=list)


@dataclass
class Planned:
    """Edits by file, the edit each item made (file, offset), and the refused items."""

    edits: list[Edit] = field(default_factory=list)
    made: list[tuple[DriftItem, str, int]] = field(default_factory=list)
    refused: list[tuple[DriftItem, str, str | None]] = field(default_factory=list)
    keep_ends: dict[str, frozenset[int]] = field(default_factory=dict)  # Document.keep_ends


class Planner:
    """Collects the edits of many items; collections touched by several are edited once."""

    def __init__(self, docs: Sequence[Document], live: LiveState) -> None:
        self.index = Index(docs)
        self.live = live
        self.result = Planned(keep_ends={doc.path: doc.keep_ends for doc in docs})
        self._collections: dict[int, _Collection] = {}
        self._current: DriftItem

    def add(self, item: DriftItem) -> None:
        self._current = item
        try:
            doc, at = self._plan(item)
        except Refused as exc:
            where = str(item.source) if item.source else None
            self.result.refused.append((item, exc.message, where))
        else:
            self.result.made.append((item, doc.path, at))

    def finish(self) -> Planned:
        for coll in self._collections.values():
            try:
                self.result.edits += edit(coll.doc, coll.key, coll.node, coll.plan)
            except Refused as exc:  # e.g. an entry sharing its line with other text
                where = coll.doc.location(exc.where if exc.where is not None else 0)
                refused = {id(item) for item in coll.items}
                self.result.refused += [(item, exc.message, str(where)) for item in coll.items]
                self.result.made = [m for m in self.result.made if id(m[0]) not in refused]
        return self.result

    def _collection(self, doc: Document, key: yaml.Node | None, node: yaml.Node) -> Plan:
        found = self._collections.get(id(node))
        if found is None:
            found = self._collections[id(node)] = _Collection(doc, key, node)
        found.items.append(self._current)
        return found.plan

    # ---------------------------------------------------------------- items

    def _plan(self, item: DriftItem) -> tuple[Document, int]:
        if item.kind == "unexpected" and item.field is None:
            return self._new_connection(item)
        conn = self._connection(item)
        if item.kind == "changed":
            return self._changed(item, conn)
        if item.kind == "unexpected":
            return self._new_field(item, conn)
        if item.field is None:
            return self._remove(conn)
        place = self._field(conn, item.field)
        return self._remove(place)

    def _connection(self, item: DriftItem) -> Place:
        place = self.index.connections.get((item.entity, item.connection))
        if place is None:
            raise Refused(f"connection {item.connection!r} is not written in the spec files")
        return place

    def _field(self, conn: Place, field_id: str) -> Place:
        place = self.index.field(conn, field_id)
        if place is None:
            raise Refused(f"field {field_id!r} is not written in its connection")
        return place

    def _unshared(self, doc: Document, chain: Sequence[yaml.Node], what: str) -> None:
        places = doc.shared(list(chain))
        if places:
            raise Refused(
                f"{what} is shared through an alias ({places}): editing it would change "
                "every one of those places; edit them by hand (e.g. write the value where "
                "it differs instead of merging it in)"
            )

    def _changed(self, item: DriftItem, conn: Place) -> tuple[Document, int]:
        owner = conn if item.field is None else self._field(conn, item.field)
        attribute = relative_attribute(item) or ""
        head, _, rest = attribute.partition(".")
        found = lookup(owner.node, head)
        if found is None:
            raise Refused(f"{head!r} is not written where expected")
        chain = (*owner.chain, *found.via[1:], found.value)
        self._unshared(owner.doc, chain, f"{attribute!r}")
        doc = owner.doc
        if head == "metadata" and rest:
            return doc, self._metadata(doc, found, rest, item.actual)
        if head == "metadata":
            return doc, self._whole_metadata(doc, found, item.actual)
        if head == "join" and rest:
            inner = lookup(found.value, rest)
            if inner is None:
                raise Refused(f"{attribute!r} is not written in 'join'")
            self._unshared(doc, (*chain, *inner.via[1:], inner.value), f"{attribute!r}")
            return doc, self._scalar(doc, inner.value, item.actual, inner.via[-1])
        if head == "groups":
            return doc, self._groups(doc, found, item.actual)
        return doc, self._scalar(doc, found.value, item.actual, found.via[-1])

    def _scalar(self, doc: Document, node: yaml.Node, new: Any, owner: yaml.Node) -> int:
        if not isinstance(new, str):
            raise Refused(f"Datadog's value {new!r} is not a string; spec v1 holds strings")
        if not isinstance(node, yaml.ScalarNode):
            raise Refused("the spec writes a collection where Datadog has a string")
        text = replacement(doc, node, new, flow=is_flow(owner))
        start = int(node.start_mark.index)
        self.result.edits.append(
            Edit(doc.path, start, doc.value_end(node), text.replace("\n", doc.newline))
        )
        return start

    def _metadata(self, doc: Document, found: Any, key: str, new: Any) -> int:
        node = found.value
        if not isinstance(node, yaml.MappingNode) or any(
            k.tag.endswith(":merge") for k, _ in node.value
        ):
            raise Refused("'metadata' is not a plain mapping: edit it by hand")
        written = [string(k) for k, _ in entries(node)]
        plan = self._collection(doc, found.key, node)
        if key in written:
            position = written.index(key)
            if new is None:
                plan.remove.add(position)
            else:
                value = node.value[position][1]
                plan.replace[position] = self._value_text(doc, value, new, node)
            return int(node.value[position][0].start_mark.index)
        if not isinstance(new, str):
            raise Refused(f"Datadog's metadata value {new!r} is not a string")
        if is_flow(node) or not node.value:
            plan.add_flow.append(f"{scalar(key, flow=True)}: {scalar(new, flow=True)}")
        else:
            column = doc.column(node.value[0][0].start_mark.index)
            plan.add_block.append([f"{' ' * column}{scalar(key)}: {scalar(new)}"])
        return int(node.start_mark.index)

    def _whole_metadata(self, doc: Document, found: Any, new: Any) -> int:
        """``metadata`` made to hold exactly ``new``, key by key."""
        if not isinstance(new, Mapping):
            raise Refused(f"Datadog's metadata {new!r} is not a mapping")
        node = found.value
        written = {string(k): v for k, v in entries(node)} if is_mapping(node) else {}
        at = int(node.start_mark.index)
        for key in written:
            if key not in new:
                at = self._metadata(doc, found, str(key), None)
        for key, value in new.items():
            if key not in written or string(written[key]) != value:
                self._metadata(doc, found, key, value)
        return at

    def _value_text(self, doc: Document, value: yaml.Node, new: Any, owner: yaml.Node) -> str:
        if not isinstance(new, str) or not isinstance(value, yaml.ScalarNode):
            raise Refused(f"Datadog's value {new!r} is not a string; spec v1 holds strings")
        return replacement(doc, value, new, flow=is_flow(owner))

    def _groups(self, doc: Document, found: Any, new: Any) -> int:
        node = found.value
        if not isinstance(new, list) or not all(isinstance(g, str) for g in new):
            raise Refused(f"Datadog's groups {new!r} are not a list of strings")
        if not isinstance(node, yaml.SequenceNode):
            raise Refused("'groups' is not written as a list")
        written = [string(item) for item in node.value]
        plan = self._collection(doc, found.key, node)
        wanted = set(new)
        plan.remove.update(i for i, g in enumerate(written) if g not in wanted)
        styles = {
            None if is_plain(item) else item.style
            for item in node.value
            if isinstance(item, yaml.ScalarNode)
        }
        quote = next(iter(styles)) if len(styles) == 1 else None
        layout = Layout(dash=0, key=0, quote=quote if quote in ('"', "'") else None)
        for group in dict.fromkeys(g for g in new if g not in written):
            if is_flow(node) or not node.value:
                plan.add_flow.append(string_text(group, layout, flow=True))
            else:
                dash = doc.column(doc.item_start(node.value[-1]))
                plan.add_block.append([f"{' ' * dash}- {string_text(group, layout)}"])
        return int(node.start_mark.index)

    def _remove(self, place: Place) -> tuple[Document, int]:
        self._unshared(place.doc, place.chain, "the item")
        assert place.seq is not None
        self._collection(place.doc, place.key, place.seq).remove.add(place.position)
        return place.doc, int(place.doc.item_start(place.node))

    # ---------------------------------------------------------------- additions

    def _raw_connection(self, item: DriftItem) -> Mapping[str, Any]:
        read = self.live.entities.get(item.entity)
        for raw in (read.connections if read else None) or ():
            if raw.get("id") == item.connection:
                return raw
        raise Refused(f"connection {item.connection!r} is not in the live state")

    def _new_field(self, item: DriftItem, conn: Place) -> tuple[Document, int]:
        raw = next(
            (
                f
                for f in self._raw_connection(item).get("fields") or ()
                if isinstance(f, Mapping) and f.get("id") == item.field
            ),
            None,
        )
        if raw is None:
            raise Refused(f"field {item.field!r} is not in the live state")
        try:
            entry = field_entry(raw, f"field {item.field!r}")
        except UnexportableState as exc:
            raise Refused(str(exc)) from None
        return conn.doc, self._append(conn, "fields", entry.attributes, None)

    def _new_connection(self, item: DriftItem) -> tuple[Document, int]:
        try:
            entry = connection_entry(self._raw_connection(item), f"connection {item.connection!r}")
        except UnexportableState as exc:
            raise Refused(str(exc)) from None
        places = self.index.entities.get(item.entity) or []
        if not places:
            raise Refused(f"entity {item.entity!r} is not declared in the spec files")
        holding = [p for p in places if sequence(p, "connections") is not None]
        entity = holding[-1] if holding else places[0]
        fields = _field_layout(entity, places)
        return entity.doc, self._append(entity, "connections", entry.attributes, fields)

    def _append(
        self, parent: Place, key: str, attributes: dict[str, Any], fields: Layout | None
    ) -> int:
        """Add an item to the ``key`` sequence of ``parent`` (created when absent)."""
        doc = parent.doc
        self._unshared(doc, parent.chain, f"the {key} of this item")
        found = sequence(parent, key)
        if found is None:
            return self._new_key(parent, key, attributes, fields)
        seq = found.value
        assert isinstance(seq, yaml.SequenceNode)
        plan = self._collection(doc, found.key, seq)
        if is_flow(seq) and (seq.value or is_flow(parent.node)):
            plan.add_flow.append(flow_text(attributes, Layout(dash=0, key=0)))
            return int(seq.start_mark.index)
        last = seq.value[-1] if seq.value else None
        if last is not None and is_flow(last):  # items written '- {...}': one more like them
            dash = " " * doc.column(doc.item_start(last))
            plan.add_block.append([f"{dash}- {flow_text(attributes, Layout(dash=0, key=0))}"])
        else:
            layout = _layout(doc, found.key, seq, fields, key)
            plan.add_block.append(block_lines(attributes, layout))
        return int(seq.end_mark.index) if not seq.value else int(doc.line_after(doc.end(seq)))

    def _new_key(
        self, parent: Place, key: str, attributes: dict[str, Any], fields: Layout | None
    ) -> int:
        doc, node = parent.doc, parent.node
        plan = self._collection(doc, parent.key, node)
        if is_flow(node) or not node.value:
            plan.add_flow.append(f"{key}: [{flow_text(attributes, Layout(dash=0, key=0))}]")
            return int(node.start_mark.index)
        column = doc.column(node.value[0][0].start_mark.index)
        layout = Layout(dash=column + 2, key=column + 4, fields=fields)
        plan.add_block.append([f"{' ' * column}{key}:", *block_lines(attributes, layout)])
        return int(doc.line_after(doc.end(node)))


def _layout(
    doc: Document, key: yaml.Node | None, seq: yaml.SequenceNode, fields: Layout | None, name: str
) -> Layout:
    """The layout of the items of ``seq``, from its last item."""
    spaced = doc.spaced(seq)
    spaced = name == "connections" if spaced is None else spaced
    last = seq.value[-1] if seq.value else None
    if isinstance(last, yaml.MappingNode) and last.value:
        return layout_of(doc, last, spaced=spaced, fields=fields)
    column = doc.column(key.start_mark.index) if key is not None else 0
    return default_layout(column, spaced=spaced)


def _field_layout(entity: Place, places: list[Place]) -> Layout | None:
    """How fields are written in this entity's file (from its last written field)."""
    for place in reversed([p for p in places if p.doc is entity.doc]):
        for conn in reversed(items(place, "connections")):
            fields = items(conn, "fields")
            if fields and fields[-1].seq is not None and not is_flow(fields[-1].seq):
                found = layout_of(fields[-1].doc, fields[-1].node, spaced=False, fields=None)
                column = entity.doc.column(conn.node.start_mark.index)
                return replace(found, dash=found.dash - column, key=found.key - column)
    return None
