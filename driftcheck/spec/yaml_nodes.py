"""The node path of the marked loader: for what the event path leaves (see
:mod:`driftcheck.spec.yaml_events`), i.e. anchors and aliases, tags, merge keys, and every
refusal with its message.

PyYAML composes a node tree (libyaml's composer when the document cannot hold too many
nodes, else a counting composer that stops at the limit) and constructs marked documents
from it, refusing alias bombs, recursive aliases and deep nesting first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from driftcheck.spec.marks import (
    Mark,
    MarkedDict,
    MarkedList,
    YamlProblem,
    new_marks,
    pack,
)
from driftcheck.wording import clip

MAX_DEPTH = 64
MAX_EXPANDED_NODES = 5_000_000
EXPANSION_FACTOR = 10  # expanded size may be this many times the written size
TOO_MANY = (
    f"the document holds more than {MAX_EXPANDED_NODES:,} YAML values: "
    "split the spec over several files"
)


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _MarkedLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader with positions and duplicate-key detection, composed by libyaml (fast;
    only for documents too small to hold too many nodes, see :func:`_could_be_huge`).

    ``duplicates``: when a list, duplicate keys are collected there (the first one kept,
    so that the rest of the document is still checked); when None, the first one raises."""

    duplicates: list[YamlProblem] | None = None


class _Loader(_MarkedLoader):
    """Safe loader with positions and duplicate-key detection.

    Nodes are composed by PyYAML's Python composer (over libyaml's parser when available),
    which lets us count them and their depth as they are built: a huge or deeply nested
    document is refused before it fills the memory or the stack.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.anchors: dict[Any, yaml.Node] = {}
        self._composed = 0
        self._depth = 0

    get_single_node = yaml.composer.Composer.get_single_node
    compose_document = yaml.composer.Composer.compose_document
    compose_scalar_node = yaml.composer.Composer.compose_scalar_node
    compose_sequence_node = yaml.composer.Composer.compose_sequence_node
    compose_mapping_node = yaml.composer.Composer.compose_mapping_node

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        start = self.peek_event().start_mark
        where = (start.line + 1, start.column + 1)
        self._composed += 1
        if self._composed > MAX_EXPANDED_NODES:
            raise YamlProblem(TOO_MANY, where)
        if self._depth >= MAX_DEPTH:
            raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", where)
        self._depth += 1
        try:
            node = yaml.composer.Composer.compose_node(self, parent, index)
        finally:
            self._depth -= 1
        return node


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


def _packed(node: yaml.Node) -> int:
    return pack(node.start_mark.line, node.start_mark.column)


def _construct_map(loader: _MarkedLoader, node: yaml.MappingNode) -> Iterator[MarkedDict]:
    data = MarkedDict()
    data.marks = new_marks(_packed(node))
    yield data
    merges = any(key_node.tag == _MERGE for key_node, _ in node.value)
    if merges:
        _refuse_duplicates(loader, node)
        loader.flatten_mapping(node)  # merge keys ("<<"): explicit keys win, as YAML says
    places: dict[Any, tuple[int, int]] = {}
    reported = False
    for key_node, value_node in node.value:
        # Plain strings are the bulk of a spec: take them as they are, without the
        # constructor's bookkeeping (object identity only matters for collections).
        if key_node.tag == _STR and type(key_node) is yaml.ScalarNode:
            key = key_node.value
        else:
            key = loader.construct_object(key_node, deep=False)
        if not isinstance(key, str):
            raise YamlProblem(_key_problem(key_node, key), _mark(key_node))
        if not merges and key in places:
            if not reported:  # raises, or collects, naming where each key came first
                _refuse_duplicates(loader, node)
                reported = True
            continue  # the first one is kept
        if value_node.tag == _STR and type(value_node) is yaml.ScalarNode:
            data[key] = value_node.value
        else:
            data[key] = loader.construct_object(value_node, deep=False)
        places[key] = (_packed(key_node), _packed(value_node))
    for key in data:  # a merged key keeps its first place in the order, its last marks
        data.marks.extend(places[key])


def _key_problem(key_node: yaml.Node, key: Any) -> str:
    if not isinstance(key_node, yaml.ScalarNode):  # "? [a, b]": its value is a list of nodes
        kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
        return f"a mapping key must be a string, not {kind}"
    shown = repr(key_node.value)
    shown = clip(shown, 60)
    return f"mapping key {shown} is not a string: quote it (YAML reads it as {type(key).__name__})"


def _refuse_duplicates(loader: _MarkedLoader, node: yaml.MappingNode) -> None:
    seen: dict[Any, Mark] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
            continue
        key = loader.construct_object(key_node, deep=False)
        try:
            first = seen.get(key)
        except TypeError:
            continue
        if first is not None:
            problem = YamlProblem(
                f"duplicate key {key!r} (first defined at line {first[0]}, column {first[1]}); "
                "YAML would silently keep only the last one: remove or rename one of them",
                _mark(key_node),
            )
            if loader.duplicates is None:
                raise problem
            loader.duplicates.append(problem)
            continue
        seen[key] = _mark(key_node)


def _construct_seq(loader: _MarkedLoader, node: yaml.SequenceNode) -> Iterator[MarkedList]:
    data = MarkedList()
    data.marks = new_marks(_packed(node))
    data.marks.extend(_packed(child) for child in node.value)
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)


_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_MarkedLoader.add_constructor("tag:yaml.org,2002:timestamp", _BaseLoader.construct_yaml_str)


def _construct_int(loader: _MarkedLoader, node: yaml.ScalarNode) -> int:
    try:
        value: int = _BaseLoader.construct_yaml_int(loader, node)
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise YamlProblem(
            f"a number of {len(node.value):,} characters is too long; quote it if it is text",
            _mark(node),
        ) from None
    return value


_MarkedLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _check_size(root: yaml.Node) -> None:
    """Refuse alias bombs, recursive aliases and deep nesting, iteratively (no recursion)."""
    expanded: dict[int, int] = {}
    distinct = 0
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    on_path: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            expanded[key] = 1 + sum(expanded[id(c)] for c in _children(node))
            if expanded[key] > MAX_EXPANDED_NODES:
                raise YamlProblem(_bomb_message(), _mark(node))
            continue
        if key in expanded:
            continue
        if key in on_path:
            raise YamlProblem("recursive alias: a node contains itself", _mark(node))
        if depth > MAX_DEPTH:
            raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", _mark(node))
        distinct += 1
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend(
            (child, depth + 1, False) for child in _children(node) if id(child) not in expanded
        )
    if expanded[id(root)] > max(100_000, EXPANSION_FACTOR * distinct):
        raise YamlProblem(_bomb_message(), _mark(root))


def _bomb_message() -> str:
    return (
        "anchors and aliases expand this document far beyond its written size "
        "(a 'billion laughs' document?): write the values out or use fewer nested aliases"
    )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _could_be_huge(text: str) -> bool:
    """Whether ``text`` might hold more than MAX_EXPANDED_NODES nodes, or aliases.

    A sound upper bound from counting indicators: besides the root, every node is a key
    (written before a ':', after a '?', or after '{' or ',' in a flow mapping), a value
    (one per key at most) or an item (after a '-', or after '[' or ','). Indicators inside
    scalars only loosen the bound. A few milliseconds per megabyte, against the counting
    composer's cost of about 1 microsecond per node.
    """
    if "&" in text or "*" in text:
        return True  # anchors and aliases: count their expansion
    keys = text.count(":") + text.count("?") + text.count("{") + text.count(",")
    items = text.count("-") + text.count("[") + text.count(",")
    return 1 + 2 * keys + items > MAX_EXPANDED_NODES


def load_nodes(text: str, duplicates: list[YamlProblem] | None = None) -> Any:
    """Load one document through a node tree (see the module's docstring); duplicate keys
    raise, or go to ``duplicates`` when it is a list."""
    huge = _could_be_huge(text)
    loader = _Loader(text) if huge else _MarkedLoader(text)
    loader.duplicates = duplicates
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if huge:
            _check_size(root)
        else:
            _check_depth(root)
        return loader.construct_document(root)
    finally:
        loader.dispose()


def _check_depth(root: yaml.Node) -> None:
    """Refuse deep nesting; walks the collections only (scalars are leaves)."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", _mark(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(
                (part, depth + 1)
                for pair in node.value
                for part in pair
                if type(part) is not yaml.ScalarNode
            )
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(
                (child, depth + 1) for child in node.value if type(child) is not yaml.ScalarNode
            )
