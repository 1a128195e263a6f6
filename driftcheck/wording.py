"""How driftcheck words things in every message and report: counts with their noun, and text
cut to a length with an ellipsis."""

from __future__ import annotations

ELLIPSIS = "…"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors``, ``1,200 fields``, ``3 entities`` (``many`` for irregular
    plurals)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
