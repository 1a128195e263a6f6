"""The fast way to load a spec: marked documents built straight from the parser's events.

No node tree is composed (PyYAML's composer builds one Python node per value, resolves
every scalar through several Python calls, and only then constructs): this loop takes each
event once, resolves plain scalars with the same resolvers, and places values, with their
packed positions, into :class:`MarkedDict`/:class:`MarkedList`. It checks the depth and
counts the values as it goes.

It only handles the ordinary case: string keys written once, no anchors, aliases, merge
keys or explicit tags, nesting within the limit, one document. On anything else it raises
:class:`Unusual`, and the caller loads the text through the node path
(:mod:`driftcheck.spec.yaml_nodes`), which gives every answer and every message as before.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from driftcheck.spec.marks import MarkedDict, MarkedList, YamlProblem, new_marks

_TAG = "tag:yaml.org,2002:"
#: Tags of plain scalars built by the loader's own constructors; timestamps stay strings.
_CONSTRUCTED = frozenset({_TAG + "bool", _TAG + "int", _TAG + "float", _TAG + "null"})
_AS_TEXT = _TAG + "timestamp"


class Unusual(Exception):
    """The document needs the node path (aliases, tags, merge keys, a refusal...)."""


def _resolvers(loader_class: type[Any]) -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    """The implicit resolvers of ``loader_class`` by first character ('' for empty)."""
    if loader_class.yaml_path_resolvers or None in loader_class.yaml_implicit_resolvers:
        raise TypeError("path and wildcard resolvers are not supported")
    return {k: tuple(v) for k, v in loader_class.yaml_implicit_resolvers.items()}


def load_events(loader: Any, limit: int, message: str, depth_limit: int) -> Any:
    """The document of ``loader``'s stream (None if there is none), built from events.

    Raises :class:`Unusual` for what the node path must decide, and
    :class:`~driftcheck.spec.marks.YamlProblem` (``message``) once more than ``limit``
    values were read. Parser errors propagate as ``yaml.YAMLError``.
    """
    loader.get_event()  # stream start
    if type(loader.peek_event()) is StreamEndEvent:
        return None
    loader.get_event()  # document start
    result = _build(loader, limit, message, depth_limit)
    if type(loader.get_event()) is not StreamEndEvent:
        raise Unusual  # more than one document
    return result


def _build(loader: Any, limit: int, message: str, depth_limit: int) -> Any:
    """The root value, from the events up to the end of the document."""
    get, first = loader.get_event, _resolvers(type(loader))
    stack: list[tuple[Any, bool]] = []  # the enclosing collections (a key is never open)
    top: Any = None
    key: Any = None
    in_map, result, budget = False, None, limit
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise Unusual
            mark = event.start_mark
            packed = (mark.line << 32) | mark.column
            budget -= 1
            if budget < 0:
                raise YamlProblem(message, (mark.line + 1, mark.column + 1))
            if kind is ScalarEvent:
                value = event.value
                if event.implicit[0]:
                    rules = first.get(value[:1])
                    if rules:  # most values start with a character no resolver looks at
                        value = _resolved(loader, rules, event)
            else:
                value = MarkedDict() if kind is MappingStartEvent else MarkedList()
                value.marks = new_marks(packed)
            if in_map:
                if key is None:
                    if type(value) is not str or value in top:
                        raise Unusual  # not a string, or written twice: the node path says so
                    key = value
                else:
                    top[key] = value
                    key = None
                top.marks.append(packed)
            elif top is not None:
                top.append(value)
                top.marks.append(packed)
            else:
                result = value
            if kind is not ScalarEvent:
                stack.append((top, in_map))
                if len(stack) > depth_limit:
                    raise Unusual
                top, key, in_map = value, None, kind is MappingStartEvent
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            top, in_map = stack.pop()
        elif kind is DocumentEndEvent:
            return result
        else:  # an alias, or anything this loop does not know
            raise Unusual


def _resolved(loader: Any, rules: tuple[tuple[str, re.Pattern[str]], ...], event: Any) -> Any:
    """A plain scalar's value: the first resolver that matches picks the tag (as PyYAML)."""
    value = event.value
    for tag, regexp in rules:
        if regexp.match(value):
            if tag == _AS_TEXT:
                return value
            if tag not in _CONSTRUCTED:
                raise Unusual  # merge keys, '=' and the like
            node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
            try:
                return loader.yaml_constructors[tag](loader, node)
            except (ValueError, YamlProblem, yaml.YAMLError) as exc:
                raise Unusual from exc
    return value
