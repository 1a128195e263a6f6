"""Loaded YAML that remembers where each key and value was written, compactly.

:class:`MarkedDict` and :class:`MarkedList` are ordinary ``dict``/``list`` subclasses. Their
positions live in one ``array`` of packed integers per collection (the collection's own
start, then each key and value, or each item, in order): about 8 bytes a position instead
of a tuple and a dict entry. A position becomes a 1-based ``(line, column)`` tuple only when
it is asked for, which is when a message or a :class:`~driftcheck.model.Location` needs it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from typing import Any

Mark = tuple[int, int]  # (line, column), 1-based; (0, 0) for the file as a whole

_LOW = 0xFFFFFFFF


def pack(line: int, column: int) -> int:
    """The packed form of a 0-based (line, column), as parsers count them."""
    return (line << 32) | column


def unpack(packed: int) -> Mark:
    """The 1-based (line, column) of a packed position."""
    return ((packed >> 32) + 1, (packed & _LOW) + 1)


def new_marks(start: int) -> array[int]:
    return array("q", (start,))


class YamlProblem(Exception):
    """A document that cannot be loaded; ``mark`` is 1-based (line, column)."""

    def __init__(self, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class MarkedDict(dict[Any, Any]):
    """A mapping with the position of itself, of each key and of each value.

    ``marks`` holds the packed positions: the mapping's start, then key and value of each
    entry in the mapping's order (the loader fills it; the mapping is not changed after).
    """

    __slots__ = ("_order", "marks")

    marks: array[int]
    _order: dict[Any, int]

    @property
    def start(self) -> Mark:
        return unpack(self.marks[0])

    @property
    def key_marks(self) -> Mapping[Any, Mark]:
        return _MarkView(self, 1)

    @property
    def value_marks(self) -> Mapping[Any, Mark]:
        return _MarkView(self, 2)

    def slot(self, key: Any) -> int:
        """Where the marks of ``key`` start in ``marks``; KeyError if it is not a key."""
        try:
            order = self._order
        except AttributeError:  # built on the first look-up: most mappings never have one
            order = self._order = {k: 1 + 2 * i for i, k in enumerate(self)}
        return order[key]


class _MarkView(Mapping[Any, Mark]):
    """The key marks (``offset`` 1) or value marks (2) of a MarkedDict, by key."""

    __slots__ = ("_data", "_offset")

    def __init__(self, data: MarkedDict, offset: int) -> None:
        self._data, self._offset = data, offset

    def __getitem__(self, key: Any) -> Mark:
        return unpack(self._data.marks[self._data.slot(key) + self._offset - 1])

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class MarkedList(list[Any]):
    """A sequence with the position of itself and of each item (``marks``: the start,
    then each item's)."""

    __slots__ = ("marks",)

    marks: array[int]

    @property
    def start(self) -> Mark:
        return unpack(self.marks[0])

    @property
    def item_marks(self) -> _ItemMarks:
        return _ItemMarks(self.marks)


class _ItemMarks:
    """The item marks of a MarkedList, by index."""

    __slots__ = ("_marks",)

    def __init__(self, marks: array[int]) -> None:
        self._marks = marks

    def __getitem__(self, index: int) -> Mark:
        if index < 0:
            index += len(self._marks) - 1
        if not 0 <= index < len(self._marks) - 1:
            raise IndexError(index)
        return unpack(self._marks[index + 1])

    def __len__(self) -> int:
        return len(self._marks) - 1
