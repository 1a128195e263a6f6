"""Where each entity, connection and field is written, found by its ids (not by marks).

Every place carries the chain of nodes from the document's root to it, so that an edit can
tell whether an alias makes the place appear elsewhere too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from driftcheck.adopt.yamldoc import Document, Found, entries, lookup, string


@dataclass(frozen=True)
class Place:
    """A mapping in a document (an entity's body, a connection, a field), the sequence it is
    an item of (None for an entity), and the nodes from the root to it."""

    doc: Document
    node: yaml.Node
    chain: tuple[yaml.Node, ...]
    key: yaml.Node | None = None  # the key of the sequence holding it, or the entity's key
    seq: yaml.SequenceNode | None = None
    position: int = 0  # index in ``seq``


class Index:
    """The places of every entity and connection of a set of documents, in file order."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.entities: dict[str, list[Place]] = {}
        self.connections: dict[tuple[str, str], Place] = {}
        for doc in docs:
            self._add(doc)

    def _add(self, doc: Document) -> None:
        found = lookup(doc.root, "entities")
        if found is None or not isinstance(found.value, yaml.MappingNode):
            return
        base = (doc.root, *found.via[1:], found.value)
        for key, body in entries(found.value):
            name = string(key)
            if name is None or not isinstance(body, yaml.MappingNode):
                continue
            entity = Place(doc, body, (*base, body), key)
            self.entities.setdefault(name, []).append(entity)
            for place in items(entity, "connections"):
                conn_id = string(_id(place.node))
                if conn_id is not None:
                    self.connections[(name, conn_id)] = place

    def field(self, connection: Place, field_id: str) -> Place | None:
        for place in items(connection, "fields"):
            if string(_id(place.node)) == field_id:
                return place
        return None


def items(parent: Place, key: str) -> list[Place]:
    """The mappings listed under ``key`` of ``parent`` (connections, fields)."""
    found = sequence(parent, key)
    if found is None:
        return []
    seq = found.value
    assert isinstance(seq, yaml.SequenceNode)
    chain = (*parent.chain, *found.via[1:], seq)
    return [
        Place(parent.doc, node, (*chain, node), found.key, seq, i)
        for i, node in enumerate(seq.value)
        if isinstance(node, yaml.MappingNode)
    ]


def sequence(parent: Place, key: str) -> Found | None:
    found = lookup(parent.node, key)
    return found if found is not None and isinstance(found.value, yaml.SequenceNode) else None


def _id(node: yaml.Node) -> yaml.Node | None:
    found = lookup(node, "id")
    return found.value if found else None
