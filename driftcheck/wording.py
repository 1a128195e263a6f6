"""How driftcheck words things in every message and report: counts with their noun, and text
cut to a length with an ellipsis."""

from __future__ import annotations

from collections.abc import Iterable

ELLIPSIS = "…"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors``, ``1,200 fields``, ``3 entities`` (``many`` for irregular
    plurals)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def did_you_mean(word: str, valid: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` with the valid word closest to a mistyped one, else ``""``:
    the one wording of every suggestion (commands, options, values, entities, sites, keys).
    Close means a similarity of 0.7 or more: every one- or two-letter typo of a real word
    (``tpye``, ``feilds``, ``acounts``) but not an unrelated word (``title`` is not
    ``entities``, at 0.62)."""
    import difflib

    close = difflib.get_close_matches(word, list(valid), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def seconds(value: float) -> str:
    """A duration for a message: ``0.3 s``, ``12.0 s``; a huge one (a server may ask to wait
    ``1e308`` seconds) in three significant digits, ``1e+308 s``, never 309 of them."""
    return f"{value:.1f} s" if value < 100_000 else f"{value:.3g} s"
