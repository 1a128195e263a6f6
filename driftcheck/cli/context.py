"""What a command may touch: the output streams, the environment and the clocks."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from driftcheck.escape import terminal
from driftcheck.exitcodes import ExitCode
from driftcheck.redact import TextSink, redact, secrets_from_env


@dataclass(frozen=True, kw_only=True)
class Context:
    """Streams, environment and time of one run (tests inject all of them)."""

    stdout: TextSink
    stderr: TextSink
    env: Mapping[str, str]
    now: Callable[[], dt.datetime]
    sleep: Callable[[float], None] = time.sleep  # of retries: tests pass a virtual clock
    clock: Callable[[], float] = time.monotonic
    debug: bool = False

    def mask(self, text: str) -> str:
        """``text`` with the value of every secret of the environment masked (for files)."""
        return redact(text, secrets_from_env(self.env))

    def log(self, message: str) -> None:
        if self.debug:
            # Header values and URLs come from the server: escaped like any other data.
            print(f"debug: {terminal(message)}", file=self.stderr)


def safe(text: object) -> str:
    """``text`` (possibly from a spec file or the API) escaped for the terminal."""
    return terminal(str(text))


@dataclass(frozen=True, kw_only=True)
class Invocation:
    """A parsed command line: the command to run, its options, and ``--debug``."""

    run: Callable[[Any, Context], ExitCode]
    options: object
    debug: bool = False

    def __call__(self, ctx: Context) -> ExitCode:
        return self.run(self.options, ctx)
