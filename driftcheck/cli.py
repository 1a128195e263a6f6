"""Command line: the only module that reads argv and the environment, prints, and exits.

``main(argv)`` parses arguments into a namespace, runs one command, and maps every
whole-run failure to its exit code in one place. Heavy modules are imported inside the
commands so that ``--version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, NoReturn, Protocol

from driftcheck import __version__
from driftcheck.errors import DriftcheckError, SpecInvalid, UsageError
from driftcheck.exitcodes import EPILOG, ExitCode
from driftcheck.redact import RedactingStream, secrets_from_env

if TYPE_CHECKING:
    from driftcheck.live import Target
    from driftcheck.model import LiveState, Report, Spec

FORMATS = ("text", "json", "markdown", "github")


class TextSink(Protocol):
    """Where a command writes: a text stream (wrapped to mask secrets)."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...

    def isatty(self) -> bool: ...


@dataclass(frozen=True)
class Context:
    """What a command may touch: streams, environment, and the clock (injected by tests)."""

    stdout: TextSink
    stderr: TextSink
    env: Mapping[str, str]
    now: Callable[[], dt.datetime]
    debug: bool = False

    def log(self, message: str) -> None:
        if self.debug:
            print(f"debug: {message}", file=self.stderr)


class _Parser(argparse.ArgumentParser):
    """argparse with exit status 1 for usage errors (2 means drift) and injectable output."""

    stream: TextSink = sys.stdout

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}\nRun '{self.prog} --help' for usage.")

    def _print_message(self, message: str, file: object = None) -> None:
        if message:
            self.stream.write(message)


def _add_live_options(parser: argparse.ArgumentParser, *, snapshot: bool) -> None:
    parser.add_argument(
        "--entity",
        action="append",
        default=[],
        metavar="NAME",
        help="only this entity (repeatable); default: every entity declared",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--site", help="Datadog site, e.g. datadoghq.eu (default: $DD_SITE or datadoghq.com)"
    )
    source.add_argument(
        "--api-url",
        metavar="URL",
        help="API base URL for proxies and tests (default: $DRIFTCHECK_API_URL); "
        "http:// only to a loopback address",
    )
    if snapshot:
        source.add_argument(
            "--live-snapshot",
            metavar="FILE",
            help="read the live state from a file written by 'driftcheck snapshot'",
        )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="total deadline for reading the live state, retries included (default: 60)",
    )


def _command(sub: Any, name: str, summary: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    return parser


def build_parser(stream: TextSink) -> argparse.ArgumentParser:
    """The whole command line; every subcommand sets ``run``."""
    parser = _Parser(
        prog="driftcheck",
        description="Datadog Product Analytics data connections "
        "as code: validate specs and detect drift.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    parser.stream = stream
    parser.add_argument("--version", action="version", version=f"driftcheck {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log requests (keys redacted) and show tracebacks of internal errors",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )

    p = _command(sub, "validate", "validate spec files")
    p.add_argument("paths", nargs="+", metavar="PATH", help="spec files or directories")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=cmd_validate)

    p = _command(sub, "check", "compare the specs with the live state")
    p.add_argument("paths", nargs="+", metavar="PATH", help="spec files or directories")
    _add_live_options(p, snapshot=True)
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="stdout format (default: text; github when GITHUB_ACTIONS=true)",
    )
    p.add_argument("--output", metavar="FILE", help="write the --format output to FILE instead")
    p.add_argument("--report-json", metavar="FILE", help="also write the JSON report to FILE")
    p.add_argument(
        "--report-markdown", metavar="FILE", help="also write the Markdown report to FILE"
    )
    p.add_argument("--report-only", action="store_true", help="exit 0 on drift (never on errors)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.set_defaults(run=cmd_check)

    p = _command(sub, "snapshot", "save the live state to a JSON file")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="spec files or directories naming the entities (default: users, accounts)",
    )
    _add_live_options(p, snapshot=False)
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(run=cmd_snapshot)

    p = _command(sub, "export", "write spec files from the live state")
    _add_live_options(p, snapshot=True)
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.set_defaults(run=cmd_export)

    p = _command(sub, "comment", "post or update the pull-request comment")
    p.add_argument("report", metavar="REPORT.json", help="a report written by check --report-json")
    p.add_argument(
        "--key",
        help="marker key of the comment (default: workflow, job and Datadog site; "
        "the action derives one from its inputs)",
    )
    p.set_defaults(run=cmd_comment)
    return parser


# ---------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace, ctx: Context) -> ExitCode:
    from driftcheck.spec import load_specs, render_problems, summarize

    try:
        spec = load_specs(args.paths)
    except SpecInvalid as exc:
        ctx.stdout.write(render_problems(exc.problems, args.format))
        return ExitCode.SPEC_INVALID
    ctx.stdout.write(
        render_problems((), args.format) if args.format == "json" else f"ok: {summarize(spec)}\n"
    )
    return ExitCode.OK


def _load_or_explain(paths: Sequence[str], ctx: Context) -> Spec:
    from driftcheck.spec import load_specs, render_problems

    try:
        return load_specs(paths)
    except SpecInvalid as exc:
        ctx.stderr.write(render_problems(exc.problems, "text"))
        raise


def _read_live(args: argparse.Namespace, ctx: Context, entities: tuple[str, ...]) -> LiveState:
    snapshot_file = getattr(args, "live_snapshot", None)
    if snapshot_file:
        from driftcheck.snapshot import read_snapshot

        return read_snapshot(snapshot_file, entities)
    from driftcheck import live

    target = _target(args, ctx)
    credentials = live.credentials_from_env(ctx.env)
    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    return live.read_live(
        entities,
        target=target,
        credentials=credentials,
        timeout=args.timeout,
        log=ctx.log if ctx.debug else None,
    )


def _target(args: argparse.Namespace, ctx: Context) -> Target:
    from driftcheck.live import resolve_target

    return resolve_target(
        site=args.site or ctx.env.get("DD_SITE") or None,
        api_url=args.api_url or ctx.env.get("DRIFTCHECK_API_URL") or None,
    )


def cmd_check(args: argparse.Namespace, ctx: Context) -> ExitCode:
    from driftcheck.check import run_check, select_entities
    from driftcheck.exitcodes import decide

    spec = _load_or_explain(args.paths, ctx)
    entities = select_entities(spec, args.entity)
    if not args.live_snapshot:
        _target(args, ctx)  # a usage error beats a missing key
    state = _read_live(args, ctx, entities)
    report = run_check(spec, state, now=ctx.now())
    fmt = args.format or ("github" if ctx.env.get("GITHUB_ACTIONS") == "true" else "text")
    _emit_reports(args, ctx, report, fmt)
    return decide(report, report_only=args.report_only)


def _emit_reports(args: argparse.Namespace, ctx: Context, report: Report, fmt: str) -> None:
    from driftcheck.files import write_atomic
    from driftcheck.reporters import RenderOptions, render

    color = args.color == "always" or (
        args.color == "auto"
        and not args.output
        and "NO_COLOR" not in ctx.env
        and hasattr(ctx.stdout, "isatty")
        and ctx.stdout.isatty()
    )
    options = RenderOptions(color=color, link_base=_link_base(ctx.env))
    if args.report_json:
        write_atomic(args.report_json, render(report, "json", options))
    if args.report_markdown:
        write_atomic(args.report_markdown, render(report, "markdown", options))
    output = render(report, fmt, options)
    if args.output:
        write_atomic(args.output, output)
    else:
        ctx.stdout.write(output)
    summary_path = ctx.env.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary_path:
        from driftcheck.reporters.github import append_step_summary

        append_step_summary(summary_path, render(report, "markdown", options))


def _link_base(env: Mapping[str, str]) -> str | None:
    """Where spec lines link to in Markdown: the reviewed commit on GitHub, when known."""
    if not env.get("GITHUB_REPOSITORY"):
        return None  # not on GitHub: don't pay for importing the GitHub client
    from driftcheck.github import link_base_from_env

    return link_base_from_env(env)


def cmd_snapshot(args: argparse.Namespace, ctx: Context) -> ExitCode:
    from driftcheck.check import select_entities
    from driftcheck.snapshot import write_snapshot

    spec = _load_or_explain(args.paths, ctx) if args.paths else None
    entities = select_entities(spec, args.entity)
    _target(args, ctx)
    state = _read_live(args, ctx, entities)
    failed = [read for read in state.entities.values() if not read.ok]
    if failed:
        for read in failed:
            ctx.stderr.write(f"error: {_safe(read.entity)}: {_safe(read.error or 'unreadable')}\n")
        ctx.stderr.write(f"no snapshot written: {len(failed)} entity(ies) could not be read\n")
        return ExitCode.LIVE_UNREADABLE
    write_snapshot(state, args.output)
    count = sum(len(read.connections or ()) for read in state.entities.values())
    ctx.stderr.write(
        f"wrote {_safe(args.output)}: {len(state.entities)} entity(ies), {count} connection(s)\n"
    )
    return ExitCode.OK


def cmd_export(args: argparse.Namespace, ctx: Context) -> ExitCode:
    from driftcheck.check import select_entities
    from driftcheck.export import export_specs

    entities = select_entities(None, args.entity)
    if not args.live_snapshot:
        _target(args, ctx)
    state = _read_live(args, ctx, entities)
    result = export_specs(state, args.output, force=args.force)
    for path in result.written:
        ctx.stderr.write(f"wrote {_safe(path)}\n")
    for entity, message in result.failed:
        ctx.stderr.write(f"error: {_safe(entity)}: {_safe(message)}\n")
    return ExitCode.LIVE_UNREADABLE if result.failed else ExitCode.OK


def cmd_comment(args: argparse.Namespace, ctx: Context) -> ExitCode:
    from driftcheck.github import post_comment

    outcome = post_comment(args.report, key=args.key, env=ctx.env, log=ctx.log)
    stream = ctx.stderr if outcome.warning else ctx.stdout
    prefix = "warning: " if outcome.warning else ""
    stream.write(f"{prefix}{_safe(outcome.message)}\n")
    return ExitCode.OK


def _safe(text: str) -> str:
    from driftcheck.escape import terminal

    return terminal(str(text))


# ---------------------------------------------------------------- entry point


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    env: Mapping[str, str] | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> int:
    """Run driftcheck; return the exit code. The one place that maps failures to codes."""
    environ = dict(os.environ if env is None else env)
    secrets = secrets_from_env(environ)
    out = RedactingStream(stdout or sys.stdout, secrets)
    err = RedactingStream(stderr or sys.stderr, secrets)
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    try:
        args = build_parser(out).parse_args(args_list)
        ctx = Context(
            stdout=out,
            stderr=err,
            env=environ,
            debug=args.debug,
            now=now or (lambda: dt.datetime.now(dt.UTC)),
        )
        return int(args.run(args, ctx))
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0) if isinstance(exc.code, int) else ExitCode.ERROR
    except SpecInvalid as exc:  # the command already printed every problem
        return int(exc.exit_code)
    except DriftcheckError as exc:
        err.write(f"error: {_safe_multiline(str(exc))}\n")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug: never let it look like a finding
        if debug:
            err.write(traceback.format_exc())
        err.write(
            f"internal error: {type(exc).__name__}: {_safe(str(exc))}\n"
            "This is a bug in driftcheck; rerun with --debug for the traceback.\n"
        )
        return int(ExitCode.ERROR)
    finally:
        out.flush()
        err.flush()


def _safe_multiline(text: str) -> str:
    return "\n".join(_safe(line) for line in text.split("\n"))
