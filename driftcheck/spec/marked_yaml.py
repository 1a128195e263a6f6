"""YAML loading that remembers where every key and value was written.

Mappings load as :class:`MarkedDict` and sequences as :class:`MarkedList`, ordinary
``dict``/``list`` subclasses that also carry 1-based (line, column) marks, so that the
validator can point at the exact place of a problem. On top of PyYAML's safe loader
(libyaml's ``CSafeLoader`` when available) this loader:

* refuses duplicate mapping keys (PyYAML silently keeps the last one), raising at the
  first or collecting them all;
* keeps timestamps as strings (``expires: 2027-03-31`` is validated as a date string);
* refuses documents whose aliases expand past a bound, or that nest too deep, before
  building any Python object (a 1 KB "billion laughs" fails fast in bounded memory).

Two ways to load: straight from the parser's events (``yaml_events``: the ordinary case,
about twice as fast as PyYAML's own loading, with no node tree in memory), and through a
node tree (``yaml_nodes``) for everything else: anchors, aliases, tags, merge keys, and
every refusal, so each message is the node path's. Positions are kept compactly
(``marks``) and made into (line, column) tuples only when asked for.
"""

from __future__ import annotations

from typing import Any

import yaml

from driftcheck.model import Location
from driftcheck.spec.marks import Mark, MarkedDict, MarkedList, YamlProblem
from driftcheck.spec.yaml_events import Unusual, load_events
from driftcheck.spec.yaml_nodes import (
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    TOO_MANY,
    _MarkedLoader,
    load_nodes,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANDED_NODES",
    "Mark",
    "MarkedDict",
    "MarkedList",
    "YamlProblem",
    "load",
    "location",
]


def load(text: str, *, duplicates: list[YamlProblem] | None = None) -> Any:
    """Load one YAML document with marks. Raises :class:`YamlProblem`; None if empty.

    ``duplicates``: a list to collect duplicate keys in (each is a problem, the first value
    is kept) instead of raising at the first, so that the document's other problems are
    found too."""
    try:
        try:
            loader = _MarkedLoader(text)
            try:
                return load_events(loader, MAX_EXPANDED_NODES, TOO_MANY, MAX_DEPTH)
            finally:
                loader.dispose()
        except (Unusual, yaml.YAMLError):
            return load_nodes(text, duplicates)  # its answer, or its message and position
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        text_parts = [part for part in (exc.context, exc.problem) if part]
        raise YamlProblem("YAML syntax error: " + "; ".join(text_parts), where) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}", (1, 1)) from exc
    except RecursionError as exc:
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", (1, 1)) from exc


def location(file: str, mark: Mark) -> Location:
    """The :class:`~driftcheck.model.Location` of ``mark`` in ``file``: the one place where a
    YAML position becomes a position in a report."""
    return Location(file, mark[0], mark[1])
