"""When to try a request again, and how long to wait: backoff, server hints, a shared gate.

Pure policy, no HTTP: the clock and the sleep are passed in so that tests never wait.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

#: At most this many requests per entity (the first one and four retries).
MAX_ATTEMPTS = 5
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0

Clock = Callable[[], float]
Sleep = Callable[[float], None]


def backoff(retry: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry number ``retry`` (1-based): exponential with jitter.

    The n-th retry waits between half and all of ``BACKOFF_BASE * 2**(n-1)`` (capped), so
    workers that failed together do not retry in lockstep.
    """
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** (retry - 1))
    return ceiling / 2 + rand() * ceiling / 2


def parse_seconds(value: str | None) -> float | None:
    """A relative number of seconds such as ``X-RateLimit-Reset: 3``; None for junk.

    Datadog documents integers; fractions are accepted, anything else (empty, negative,
    non-numeric, infinite) is ignored rather than trusted.
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """``Retry-After`` as seconds from ``now``: delta-seconds or an HTTP date; None for junk."""
    seconds = parse_seconds(value)
    if seconds is not None or value is None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def server_hint(reset: str | None, retry_after: str | None, now: dt.datetime) -> float | None:
    """How long the server asked us to wait (the longer of the two headers), if it did."""
    hints = (parse_seconds(reset), parse_retry_after(retry_after, now))
    given = [hint for hint in hints if hint is not None]
    return max(given) if given else None


@dataclass(frozen=True)
class Deadline:
    """A point on the ``clock`` after which no request starts and no wait is worth taking."""

    at: float
    clock: Clock

    @classmethod
    def after(cls, seconds: float, clock: Clock) -> Deadline:
        return cls(at=clock() + seconds, clock=clock)

    def remaining(self) -> float:
        return self.at - self.clock()


class RateGate:
    """A gate shared by every worker of one read: a 429 seen by one closes it for all.

    Datadog's rate limits are per organisation and bucket, so after one 429 the other
    workers' requests would only be refused too.
    """

    def __init__(self, clock: Clock, sleep: Sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._open_at = -math.inf

    def close_for(self, seconds: float) -> None:
        """Keep every worker from sending for ``seconds`` (never shortens an earlier close)."""
        with self._lock:
            self._open_at = max(self._open_at, self._clock() + seconds)

    def wait(self, deadline: Deadline) -> bool:
        """Sleep until the gate is open; False (without sleeping) if it opens after ``deadline``."""
        while True:
            with self._lock:
                open_at = self._open_at
            now = self._clock()
            if open_at <= now:
                return True
            if open_at > deadline.at:
                return False
            self._sleep(open_at - now)
