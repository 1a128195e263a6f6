"""Command line: the only layer that reads argv and the environment, prints, and exits.

``main(argv)`` parses arguments (``parser``), runs one command (``commands``), and maps
every whole-run failure to its exit code in this one place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO

from driftcheck.cli.context import Context
from driftcheck.cli.parser import parse
from driftcheck.errors import DriftcheckError, SpecInvalid, Terminated
from driftcheck.escape import terminal
from driftcheck.exitcodes import ExitCode
from driftcheck.redact import RedactingStream, secrets_from_env
from driftcheck.reporters import FORMATS

__all__ = ["FORMATS", "console", "main"]


def console() -> None:
    """The ``driftcheck`` console script (and ``python -m driftcheck``): :func:`main`, then
    the process ends at once with its exit code, its streams flushed. Nothing is torn down:
    what the command built is kept (``keep_until_exit``) and never freed piece by piece."""
    import driftcheck

    driftcheck.kept = []
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    env: Mapping[str, str] | None = None,
    now: Callable[[], dt.datetime] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run driftcheck; return the exit code. The one place that maps failures to codes.

    Streams, environment and time are injectable: tests run every command without a
    terminal, without the real environment, and without waiting for a retry.
    """
    environ = dict(os.environ if env is None else env)
    secrets = secrets_from_env(environ)
    sinks = (_Sink(stdout or sys.stdout), _Sink(stderr or sys.stderr))
    out, err = (RedactingStream(sink, secrets) for sink in sinks)
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    try:
        invocation = parse(args_list, out)
        ctx = Context(
            stdout=out,
            stderr=err,
            env=environ,
            debug=invocation.debug,
            now=now or (lambda: dt.datetime.now(dt.UTC)),
            sleep=sleep,
            clock=clock,
        )
        with _gc_paused(), _sigterm_raises():
            return int(invocation(ctx))
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0) if isinstance(exc.code, int) else ExitCode.ERROR
    except SpecInvalid as exc:  # the command already printed every problem
        return int(exc.exit_code)
    except DriftcheckError as exc:
        err.write(f"error: {_safe_multiline(str(exc))}\n")
        return int(exc.exit_code)
    except (KeyboardInterrupt, Terminated) as exc:  # ^C, or SIGTERM (a cancelled job)
        stopped = isinstance(exc, KeyboardInterrupt)
        err.write("interrupted\n" if stopped else "terminated\n")
        return int(ExitCode.INTERRUPTED if stopped else ExitCode.TERMINATED)
    except Exception as exc:  # a bug: never let it look like a finding
        if debug:
            err.write(_traceback())
        err.write(
            f"internal error: {type(exc).__name__}: {terminal(str(exc))}\n"
            "This is a bug in driftcheck; rerun with --debug for the traceback.\n"
        )
        return int(ExitCode.ERROR)
    finally:
        out.flush()
        err.flush()
        for sink, given in zip(sinks, (stdout, stderr), strict=True):
            if sink.broken and given is None and sink.stream is not None:
                _quiet_at_exit(sink.stream)


class _Sink:
    """A stream whose reader may go away: ``driftcheck check | head -1`` closes the pipe,
    ``>&-`` closes stdout (then Python's stream is None). Writes to a reader that is gone
    are dropped, so the command still ends with its own exit code, not an internal error.
    """

    def __init__(self, stream: IO[str] | None) -> None:
        self.stream = stream
        self.broken = stream is None

    def write(self, text: str) -> int:
        self._guard(lambda stream: stream.write(text))
        return len(text)

    def flush(self) -> None:
        self._guard(lambda stream: stream.flush())

    def isatty(self) -> bool:
        return self.stream is not None and not self.broken and self.stream.isatty()

    def _guard(self, action: Callable[[IO[str]], object]) -> None:
        if self.stream is None or self.broken:
            return
        try:
            action(self.stream)
        except BrokenPipeError:
            self.broken = True


def _quiet_at_exit(stream: IO[str]) -> None:
    """Point a broken standard stream at /dev/null: the interpreter flushes it once more
    at exit, and would print 'Exception ignored ... BrokenPipeError' for what it still holds."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` for the command (GitHub cancels a job with SIGINT,
    then SIGTERM): cleanups run, no temporary file is left. Restored afterwards."""

    def terminate(signum: int, frame: object) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for one command, then as it was.

    A check builds hundreds of thousands of small objects (YAML nodes and documents, the
    snapshot, the Spec) that form no reference cycles and live until the command ends: the
    collector finds nothing in them, yet rescans them again and again, which costs a third
    of a 10,000-field check and half of a 100,000-field one (and made its time grow faster
    than its input). Restored afterwards: tests call main() in-process.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _traceback() -> str:
    import traceback  # only to show a bug with --debug: not imported by every start

    return traceback.format_exc()


def _safe_multiline(text: str) -> str:
    return "\n".join(terminal(line) for line in text.split("\n"))
