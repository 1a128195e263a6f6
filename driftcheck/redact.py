"""Keeping secrets out of every output: the key values are masked wherever text is written."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

#: Environment variables whose values must never be printed.
SECRET_VARIABLES = ("DD_API_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY", "GITHUB_TOKEN")
MASK = "***"
_MIN_SECRET = 4  # shorter values would mask ordinary words and protect nothing
#: A value shorter than this (a placeholder such as ``test``) is masked only as a whole word,
#: never inside a longer one (``test`` in ``latest``); longer values are masked anywhere.
WHOLE_WORD_BELOW = 16


def secrets_from_env(env: Mapping[str, str]) -> tuple[str, ...]:
    """The secret values set in ``env``, longest first (so overlapping values mask fully)."""
    values = {env[name].strip() for name in SECRET_VARIABLES if env.get(name, "").strip()}
    return tuple(sorted((v for v in values if len(v) >= _MIN_SECRET), key=len, reverse=True))


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of every secret replaced by ``***``.

    Mask before cutting text to a length: half a key is no longer found, yet still shown.
    """
    for secret in secrets:
        if len(secret) < _MIN_SECRET or secret not in text:
            continue
        if len(secret) >= WHOLE_WORD_BELOW:
            text = text.replace(secret, MASK)
        else:
            text = re.sub(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", MASK, text)
    return text


def redact_bytes(data: bytes, secrets: Iterable[str]) -> bytes:
    """:func:`redact` for a body that may not even be UTF-8 (its other bytes kept as they are)."""
    text = data.decode("utf-8", "surrogateescape")
    return redact(text, secrets).encode("utf-8", "surrogateescape")


def redact_data(value: Any, secrets: tuple[str, ...]) -> Any:
    """Parsed JSON with every secret masked in its strings (keys included); ``value`` itself
    when it holds none. The data must be bounded in depth (live data is: see payload)."""
    if not secrets:
        return value
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, list):
        return [redact_data(item, secrets) for item in value]
    if isinstance(value, dict):
        return {redact(k, secrets): redact_data(v, secrets) for k, v in value.items()}
    return value


class TextSink(Protocol):
    """Where driftcheck writes text: a stream with ``write``, ``flush`` and ``isatty``
    (``sys.stdout``, ``io.StringIO``, or a :class:`RedactingStream` around one)."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...

    def isatty(self) -> bool: ...


class RedactingStream:
    """A text stream wrapper that masks secrets in everything written through it.

    This is the last line of defence: the code never formats keys into messages, and this
    makes sure an unexpected path (an exception text, a server echoing a header) cannot leak.
    """

    def __init__(self, stream: TextSink, secrets: tuple[str, ...]) -> None:
        self._stream = stream
        self._secrets = secrets

    def write(self, text: str) -> int:
        self._stream.write(redact(text, self._secrets))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()
