"""Test doubles that implement real interfaces: fake HTTP APIs served on 127.0.0.1
(``datadog_api``, ``github_api``), and a virtual clock so that no test waits for a backoff."""

from __future__ import annotations

import threading
from collections.abc import Callable


class VirtualTime:
    """An injectable ``clock``/``sleep`` pair that never waits.

    Each thread has its own timeline starting at 0: ``sleep(d)`` moves the calling
    thread's time forward by ``d`` and records the request, so parallel workers do not add
    up each other's waits. ``on_sleep`` (optional) is called with each requested duration.
    """

    def __init__(self, on_sleep: Callable[[float], None] | None = None) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._on_sleep = on_sleep
        self.sleeps: list[float] = []
        self.sleeps_by_thread: dict[int, list[float]] = {}

    def clock(self) -> float:
        return float(getattr(self._local, "now", 0.0))

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, f"negative sleep requested: {seconds}"
        self._local.now = self.clock() + seconds
        with self._lock:
            self.sleeps.append(seconds)
            self.sleeps_by_thread.setdefault(threading.get_ident(), []).append(seconds)
        if self._on_sleep is not None:
            self._on_sleep(seconds)

    def advance(self, seconds: float) -> None:
        """Move the calling thread's time forward without recording a sleep (slow work)."""
        self._local.now = self.clock() + seconds
