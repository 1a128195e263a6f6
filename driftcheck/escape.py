"""Escaping of untrusted values (from the API or a spec file) for each output format.

Every reporter and every message that shows such a value goes through one of these.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse

#: Characters a reader cannot see or tell from a space: format characters (zero-width space,
#: joiners, word joiner, soft hyphen, bidi controls, the BOM, tag characters...), every space
#: other than U+0020 (no-break, en, em, ideographic...), and the blank fillers (Hangul,
#: braille). Every Cf and Zs character of Unicode 15 (tests/test_escape.py checks it).
INVISIBLE = (
    "\u00a0\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160"
    "\u1680\u17b4-\u17b5\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f"
    "\u2800\u3000\u3164\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# C0 controls, DEL, C1 controls, the invisible characters above (the Unicode line and
# paragraph separators among them: a log viewer or a line splitter may start a new line at
# them), and lone surrogates (they cannot be encoded as UTF-8: writing them would crash the
# output).
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{INVISIBLE}\ud800-\udfff]")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


#: The runner of GitHub Actions reads ``##[command]`` anywhere in a line of a step's output
#: (the legacy form of ``::command::``); a backslash breaks it, visibly.
_LEGACY = "##["
_LEGACY_SHOWN = "##\\["


def terminal(text: str) -> str:
    """Make control and invisible characters visible (``\\e[31m``, ``\\u200b``): nothing is
    executed by a terminal, and two values that look the same on screen are told apart.
    Legacy workflow commands are broken: ``##[error]`` is shown as ``##\\[error]``."""
    return _no_legacy(_CONTROL.sub(_visible, text))


def _no_legacy(text: str) -> str:
    return text.replace(_LEGACY, _LEGACY_SHOWN) if _LEGACY in text else text


def json_text(text: str) -> str:
    """JSON text whose strings hold no legacy workflow command, the data unchanged: ``[`` after
    ``##`` is written ``\\u005b`` (``##`` can only occur inside a JSON string)."""
    return text.replace(_LEGACY, "##\\u005b") if _LEGACY in text else text


#: Ids longer than this are cut in text and annotations (a hostile id may be megabytes).
ID_LIMIT = 200


def terminal_id(text: str, limit: int = ID_LIMIT) -> str:
    """An id (entity, connection, field, attribute path) for text and annotations: escaped
    like :func:`terminal` and cut at ``limit``. When escaping or cutting changed it, a short
    hash of the id itself follows (``[id 1a2b3c4d]``), so that two different ids never look
    the same (``a\\e`` typed as such, and ``a`` followed by ESC)."""
    shown = terminal(text)
    if shown == text and len(text) <= limit:
        return shown
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    cut = shown if len(shown) <= limit else shown[: limit - 1] + "…"
    return f"{cut} [id {digest}]"


def without_invisible(text: str) -> str:
    """``text`` with every invisible character (:data:`INVISIBLE`) removed."""
    return _INVISIBLE.sub("", text)


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


_CONTROL_NO_NL = re.compile(f"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f{INVISIBLE}\ud800-\udfff]")


def terminal_keep_newlines(text: str) -> str:
    """Like :func:`terminal` but leaves CR and LF for the caller to encode."""
    return _no_legacy(_CONTROL_NO_NL.sub(_visible, text))


def url_path(text: str) -> str:
    """Percent-encode a file path for a Markdown link destination; only ``/`` stays literal.

    Spaces, parentheses, ``|``, ``<``, ``>``, ``:`` and ``#`` are encoded, so the path can
    neither end the link, leave a table cell, nor become a ``javascript:`` URL.
    """
    return urllib.parse.quote(text, safe="/", errors="backslashreplace")
