"""Review findings in the live read: ^C stops a read at once, not after its retries."""

from __future__ import annotations

import signal
import threading
from typing import Any

import pytest
import requests

from driftcheck.live.client import read_live
from driftcheck.live.credentials import Credentials
from driftcheck.live.sites import resolve_target


class _HangingSession(requests.Session):
    """The first request interrupts the waiting thread (as ^C would), then hangs until
    released and fails with a retryable error; later requests are counted."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls += 1
        if self.calls == 1:
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
            self.release.wait(10)
        raise requests.ConnectionError("connection reset")


def test_an_interrupt_returns_at_once_and_stops_the_retries() -> None:
    session = _HangingSession()
    with pytest.raises(KeyboardInterrupt):
        read_live(
            ["users"],
            target=resolve_target(site=None, api_url=None),
            credentials=Credentials("a" * 32, "b" * 40),
            timeout=60,
            sleep=lambda _: None,
            session=session,
        )
    assert session.calls == 1  # the interrupt did not wait for the hanging request
    session.release.set()
    for thread in threading.enumerate():
        if thread.name.startswith("driftcheck-read"):
            thread.join(10)
    assert session.calls == 1  # and the connection error was not retried
