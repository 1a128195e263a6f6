"""Keeping secrets out of every output: the key values are masked wherever text is written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

#: Environment variables whose values must never be printed.
SECRET_VARIABLES = ("DD_API_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY", "GITHUB_TOKEN")
MASK = "***"
_MIN_SECRET = 4  # shorter values would mask ordinary words and protect nothing


def secrets_from_env(env: Mapping[str, str]) -> tuple[str, ...]:
    """The secret values set in ``env``, longest first (so overlapping values mask fully)."""
    values = {env[name].strip() for name in SECRET_VARIABLES if env.get(name, "").strip()}
    return tuple(sorted((v for v in values if len(v) >= _MIN_SECRET), key=len, reverse=True))


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of every secret replaced by ``***``."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


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
