"""Escaping of untrusted values (from the API or a spec file) for each output format.

Every reporter and every message that shows such a value goes through one of these.
"""

from __future__ import annotations

import re
import urllib.parse

# C0 controls, DEL, C1 controls, the Unicode line and paragraph separators (a log viewer or a
# line splitter may start a new line at them), the bidi/format controls that can reorder text,
# and lone surrogates (they cannot be encoded as UTF-8: writing them would crash the output).
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """Make control characters visible (``\\e[31m``) so nothing is executed by a terminal."""
    return _CONTROL.sub(_visible, text)


_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&:\"'=$^%;/,?])")


def md_text(text: str) -> str:
    """Escape for Markdown prose: no markup, no HTML, no @mention, no autolink."""
    escaped = _MD_PUNCT.sub(r"\\\1", terminal(text))
    # A backslash does not stop GitHub from turning @name into a mention: break it visibly-free.
    return escaped.replace("@", "@\u2060")


def md_code(text: str, *, in_table: bool = True) -> str:
    """A Markdown code span holding ``text`` literally (no HTML, mentions or links inside).

    In a GFM table a ``|`` must be escaped even inside a code span; GFM removes the backslash.
    """
    body = terminal(text)
    longest = max((len(run) for run in re.findall("`+", body)), default=0)
    fence = "`" * (longest + 1)
    if in_table:
        body = body.replace("|", "\\|")
    if body.startswith(("`", " ")) or body.endswith(("`", " ")) or not body:
        body = f" {body} "
    return f"{fence}{body}{fence}"


def workflow_data(text: str) -> str:
    """Escape the message part of a GitHub workflow command (``::error ...::MESSAGE``)."""
    return (
        terminal_keep_newlines(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    )


def workflow_property(text: str) -> str:
    """Escape a property value of a workflow command (``file=``, ``title=``)."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


_CONTROL_NO_NL = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufeff\ud800-\udfff]"
)


def terminal_keep_newlines(text: str) -> str:
    """Like :func:`terminal` but leaves CR and LF for the caller to encode."""
    return _CONTROL_NO_NL.sub(_visible, text)


def url_path(text: str) -> str:
    """Percent-encode a file path for a Markdown link destination; only ``/`` stays literal.

    Spaces, parentheses, ``|``, ``<``, ``>``, ``:`` and ``#`` are encoded, so the path can
    neither end the link, leave a table cell, nor become a ``javascript:`` URL.
    """
    return urllib.parse.quote(text, safe="/", errors="backslashreplace")
