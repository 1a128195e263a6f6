"""A new string value written in the style of the scalar it replaces.

Plain stays plain unless the new text needs quotes (the export emitter's rules decide:
``yes``, ``1.0``, a leading ``@``...); single-quoted stays single-quoted and double-quoted
stays double-quoted; a ``|`` or ``>`` block stays a block with its indentation. Every
rendering is read back by YAML at its place and must give exactly the new text; when it
does not, the value is double-quoted, which always does.
"""

from __future__ import annotations

import re

import yaml

from driftcheck.adopt.entries import kept_apart
from driftcheck.adopt.yamldoc import Document, is_plain
from driftcheck.export.yaml_emitter import literal, quoted, scalar

_SINGLE_SAFE = re.compile(r"[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def replacement(doc: Document, node: yaml.ScalarNode, new: str, *, flow: bool) -> str:
    """The text that replaces ``node``'s text so that it reads as ``new``."""
    start = node.start_mark.index
    indent = _key_indent(doc, start)
    for candidate in _candidates(doc, node, new, flow=flow, indent=indent):
        if _reads_as(candidate, new, indent=indent, flow=flow, column=doc.column(start)):
            return candidate
    return quoted(new)


def _key_indent(doc: Document, index: int) -> int:
    """Indentation of the line holding ``index`` (where the key of a value stands)."""
    start = doc.line_start(index)
    line = doc.text[start:index]
    return len(line) - len(line.lstrip(" "))


def _candidates(
    doc: Document, node: yaml.ScalarNode, new: str, *, flow: bool, indent: int
) -> list[str]:
    if is_plain(node):
        return [scalar(new, flow=flow)]
    if node.style == "'":
        return [] if _SINGLE_SAFE.search(new) else ["'" + new.replace("'", "''") + "'"]
    if node.style == '"':
        return [quoted(new)]
    content = _content_indent(doc, node, indent)
    if node.style == "|":
        found = literal(new, content - 2)
        if not doc.keeps(node):  # a keep block is replaced whole: no blank line follows it
            found = kept_apart(found)
        if found is None and new and "\n" not in new and new[0] not in " \t":
            found = "|-\n" + " " * content + new  # one line kept in its block
        return [found] if found else []
    folded = _folded(new, content)
    return [folded] if folded else []


def _content_indent(doc: Document, node: yaml.ScalarNode, indent: int) -> int:
    """The indentation of a block scalar's lines, as written (else two more than its key)."""
    body = doc.text[doc.next_line(node.start_mark.index) : node.end_mark.index]
    for line in body.splitlines():
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return indent + 2


def _folded(new: str, content: int) -> str | None:
    """A ``>`` block holding one line of text (YAML folds nothing in a single line); None
    for text of several lines, or that ends in more than one line break."""
    text = new.removesuffix("\n")
    if not text or "\n" in text:
        return None
    chomp = "" if new.endswith("\n") else "-"
    hint = "2" if text[0] in (" ", "\t") else ""
    return f">{hint}{chomp}\n" + " " * content + text


def _reads_as(candidate: str, new: str, *, indent: int, flow: bool, column: int) -> bool:
    """Whether ``candidate`` written at its place reads back as ``new``."""
    if flow:
        probe = " " * indent + "k: [" + candidate + "]\n"
    else:
        probe = " " * indent + "k: " + candidate + "\n"
    try:
        loaded = yaml.safe_load(probe)
    except yaml.YAMLError:
        return False
    if not isinstance(loaded, dict):
        return False
    value = loaded.get("k")
    if flow:
        return isinstance(value, list) and value == [new]
    return value == new and isinstance(value, str)
