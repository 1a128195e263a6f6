"""A small YAML emitter for spec files: exact scalars and the house layout.

``scalar`` writes one string so that YAML reads back exactly that string: plain when
PyYAML (and YAML 1.2 readers such as editors) would read it as the same text, quoted
otherwise (``yes``, ``1.0``, ``2026-01-01``, a leading ``@``...), with hidden and control
characters escaped. Multi-line text becomes a literal block. ``Entry`` and ``lines``
lay out connections and fields like ``examples/specs``: flow ``join``/``metadata``/
``groups`` when they fit, block style otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

WIDTH = 100  # a flow collection that would make its line longer is written in block style


_PRINTABLE = "\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
# Printable for YAML, but line breaks (YAML 1.1) or invisible: escaped, so a reviewer sees them.
_HIDDEN = "\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_NOT_PLAIN = re.compile(f"[^{_PRINTABLE}]|[{_HIDDEN}]")
_NOT_LITERAL = re.compile(f"[^\t\n{_PRINTABLE}]|[{_HIDDEN}]")
_TO_ESCAPE = re.compile(f'[^{_PRINTABLE}]|[{_HIDDEN}"\\\\]')
_NAMED = {
    "\0": "0",
    "\a": "a",
    "\b": "b",
    "\t": "t",
    "\n": "n",
    "\v": "v",
    "\f": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\u2028": "L",
    "\u2029": "P",
}
_FIRST_NOT_PLAIN = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_NOT_IN_FLOW = frozenset(",[]{}:?")
_RESOLVER = yaml.resolver.Resolver()
# Not strings for YAML 1.2 or 1.1 readers other than PyYAML (editors, Go): quoted as well.
_OTHER_READERS = re.compile(
    r"[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?"
    r"|\.[0-9][0-9_]*([eE][-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?"
    r"|\.(inf|Inf|INF)|\.(nan|NaN|NAN))|[yYnN]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return "\\" + _NAMED[char]
    code = ord(char)
    return (
        f"\\x{code:02X}"
        if code <= 0xFF
        else (f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
    )


def _is_plain(text: str, *, flow: bool) -> bool:
    if not text or text[0] in _FIRST_NOT_PLAIN or text[-1] in " :":
        return False
    if ": " in text or " #" in text or _NOT_PLAIN.search(text):
        return False
    if (flow and not _NOT_IN_FLOW.isdisjoint(text)) or _OTHER_READERS.fullmatch(text):
        return False
    resolve: Any = _RESOLVER.resolve
    return bool(resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str")


def scalar(text: str, *, flow: bool = False) -> str:
    """``text`` as a one-line YAML scalar: plain when YAML reads that back as the same string,
    otherwise double-quoted, with line breaks, controls and invisible characters escaped.
    ``flow=True`` for a place inside ``[...]`` or ``{...}``. Never holds a line break, so the
    result is also safe inside a comment."""
    return text if _is_plain(text, flow=flow) else _quoted(text)


def _quoted(text: str) -> str:
    return '"' + _TO_ESCAPE.sub(_escape, text) + '"'


def _literal(text: str, indent: int) -> str | None:
    """A ``|`` block of multi-line ``text`` for a value whose key is at ``indent``."""
    if "\n" not in text or not text.strip() or _NOT_LITERAL.search(text):
        return None
    if any(line != line.rstrip(" \t") for line in text.split("\n")):
        return None  # editors and pre-commit strip trailing blanks: quoted, they are kept
    chomp = "+" if text.endswith("\n\n") else ("" if text.endswith("\n") else "-")
    hint = "2" if text[0] in " \t\n" else ""  # content indentation that YAML cannot guess
    pad = " " * (indent + 2)
    lines = (pad + line if line else "" for line in text.removesuffix("\n").split("\n"))
    return f"|{hint}{chomp}\n" + "\n".join(lines)


def quoted(text: str) -> str:
    """``text`` double-quoted, with every character that needs it escaped: always reads back
    as ``text``."""
    return _quoted(text)


def literal(text: str, indent: int) -> str | None:
    """A ``|`` block of multi-line ``text`` for a value whose key is at ``indent``, or None
    when ``text`` cannot be one (a single line, hidden characters)."""
    return _literal(text, indent)


def note(text: Any) -> str:
    """Untrusted text for a comment: as is when harmless, else quoted (one line, nothing hidden,
    always encodable)."""
    text = str(text).encode("utf-8", "backslashreplace").decode("utf-8")
    harmless = text and text == text.strip() and not _NOT_PLAIN.search(text)
    return text if harmless else _quoted(text)


# ---------------------------------------------------------------- layout


@dataclass(frozen=True)
class Entry:
    """A connection or a field to write: its attributes in order, and what was left out."""

    attributes: dict[str, Any]
    left_out: tuple[str, ...] = ()


def emit_lines(key: str, value: Any, indent: int) -> list[str]:
    if isinstance(value, str):
        lead = " " * indent + key + ": "
        return [lead + (_literal(value, indent) or scalar(value))]
    if isinstance(value, dict):
        return _map_lines(key, value, indent)
    if value and isinstance(value[0], Entry):
        return _entry_lines(key, value, indent, spaced=key == "connections")
    return _seq_lines(key, value, indent)


def _map_lines(key: str, value: dict[str, str], indent: int) -> list[str]:
    lead = " " * indent + key + ":"
    flow = ", ".join(f"{scalar(k, flow=True)}: {scalar(v, flow=True)}" for k, v in value.items())
    if len(lead) + len(flow) + 3 <= WIDTH:
        return [f"{lead} {{{flow}}}"]
    pad = " " * (indent + 2)
    lines = [lead]
    for k, v in value.items():
        name = scalar(k)
        if len(name) > 1000:  # YAML limits implicit keys to 1024 characters
            lines += [f"{pad}? {name}", f"{pad}: {scalar(v)}"]
        else:
            lines += emit_lines(name, v, indent + 2)
    return lines


def _seq_lines(key: str, value: list[str], indent: int) -> list[str]:
    lead = " " * indent + key + ":"
    flow = ", ".join(scalar(item, flow=True) for item in value)
    if len(lead) + len(flow) + 3 <= WIDTH:
        return [f"{lead} [{flow}]"]
    return [lead, *(" " * (indent + 2) + "- " + scalar(item) for item in value)]


def _entry_lines(key: str, entries: list[Entry], indent: int, *, spaced: bool) -> list[str]:
    lines = [" " * indent + key + ":"]
    for number, entry in enumerate(entries):
        # A |+ block keeps the blank lines that follow it: one more would enter its value.
        if spaced and number and not lines[-1].endswith("\n"):
            lines.append("")
        if entry.left_out:
            names = ", ".join(map(note, entry.left_out))
            them = "it" if len(entry.left_out) == 1 else "them"
            lines.append(
                f"{' ' * (indent + 2)}# Datadog also returned {names}: not written, "
                f"spec format v1 has no key for {them}"
            )
        body = [line for k, v in entry.attributes.items() for line in emit_lines(k, v, indent + 4)]
        body[0] = " " * (indent + 2) + "- " + body[0][indent + 4 :]
        lines += body
    return lines


def plain_data(value: Any) -> Any:
    """The plain data that the YAML of ``value`` must load as."""
    if isinstance(value, Entry):
        return plain_data(value.attributes)
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(item) for item in value]
    return value
