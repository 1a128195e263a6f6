"""YAML loading that remembers where every key and value was written.

Mappings load as :class:`MarkedDict` and sequences as :class:`MarkedList`, ordinary
``dict``/``list`` subclasses that also carry 1-based (line, column) marks, so that the
validator can point at the exact place of a problem. On top of PyYAML's safe loader
(libyaml's ``CSafeLoader`` when available) this loader:

* refuses duplicate mapping keys (PyYAML silently keeps the last one);
* keeps timestamps as strings (``expires: 2027-03-31`` is validated as a date string);
* refuses documents whose aliases expand past a bound, or that nest too deep, before
  building any Python object (a 1 KB "billion laughs" fails fast in bounded memory).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from driftcheck.model import Location
from driftcheck.wording import clip

Mark = tuple[int, int]  # (line, column), 1-based; (0, 0) for the file as a whole

MAX_DEPTH = 64
MAX_EXPANDED_NODES = 2_000_000
EXPANSION_FACTOR = 10  # expanded size may be this many times the written size


class YamlProblem(Exception):
    """A document that cannot be loaded; ``mark`` is 1-based (line, column)."""

    def __init__(self, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class MarkedDict(dict[Any, Any]):
    """A mapping with the position of itself, of each key and of each value."""

    start: Mark = (1, 1)
    key_marks: dict[Any, Mark]
    value_marks: dict[Any, Mark]


class MarkedList(list[Any]):
    """A sequence with the position of itself and of each item."""

    start: Mark = (1, 1)
    item_marks: list[Mark]


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _MarkedLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader with positions and duplicate-key detection, composed by libyaml (fast;
    only for documents too small to hold too many nodes, see :func:`_could_be_huge`)."""


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
            raise YamlProblem(
                f"the document holds more than {MAX_EXPANDED_NODES:,} YAML values: "
                "split the spec over several files",
                where,
            )
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


def _construct_map(loader: _MarkedLoader, node: yaml.MappingNode) -> Iterator[MarkedDict]:
    data = MarkedDict()
    data.start = _mark(node)
    key_marks: dict[Any, Mark] = {}
    value_marks: dict[Any, Mark] = {}
    data.key_marks = key_marks
    data.value_marks = value_marks
    yield data
    merges = any(key_node.tag == _MERGE for key_node, _ in node.value)
    if merges:
        _refuse_duplicates(loader, node)
        loader.flatten_mapping(node)  # merge keys ("<<"): explicit keys win, as YAML says
    for key_node, value_node in node.value:
        # Plain strings are the bulk of a spec: take them as they are, without the
        # constructor's bookkeeping (object identity only matters for collections).
        if key_node.tag == _STR and type(key_node) is yaml.ScalarNode:
            key = key_node.value
        else:
            key = loader.construct_object(key_node, deep=False)
        if not isinstance(key, str):
            raise YamlProblem(_key_problem(key_node, key), _mark(key_node))
        if not merges and key in key_marks:
            _refuse_duplicates(loader, node)  # raises, naming where the key came first
        if value_node.tag == _STR and type(value_node) is yaml.ScalarNode:
            data[key] = value_node.value
        else:
            data[key] = loader.construct_object(value_node, deep=False)
        key_marks[key] = _mark(key_node)
        value_marks[key] = _mark(value_node)


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
            raise YamlProblem(
                f"duplicate key {key!r} (first defined at line {first[0]}, column {first[1]}); "
                "YAML would silently keep only the last one: remove or rename one of them",
                _mark(key_node),
            )
        seen[key] = _mark(key_node)


def _construct_seq(loader: _MarkedLoader, node: yaml.SequenceNode) -> Iterator[MarkedList]:
    data = MarkedList()
    data.start = _mark(node)
    data.item_marks = [_mark(child) for child in node.value]
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


def load(text: str) -> Any:
    """Load one YAML document with marks. Raises :class:`YamlProblem`; None if empty.

    Documents that cannot be too large are composed by libyaml (its nesting stops at
    1,000 levels, and ours is checked right after); the others by the counting composer.
    """
    huge = _could_be_huge(text)
    loader = _Loader(text) if huge else _MarkedLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if huge:
            _check_size(root)
        else:
            _check_depth(root)
        return loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        text_parts = [part for part in (exc.context, exc.problem) if part]
        raise YamlProblem("YAML syntax error: " + "; ".join(text_parts), where) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}", (1, 1)) from exc
    except RecursionError as exc:
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", (1, 1)) from exc
    finally:
        loader.dispose()


def location(file: str, mark: Mark) -> Location:
    """The :class:`~driftcheck.model.Location` of ``mark`` in ``file``: the one place where a
    YAML position becomes a position in a report."""
    return Location(file, mark[0], mark[1])
