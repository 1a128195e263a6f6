"""The commands: each turns parsed arguments into calls of the core and writes the result.

Part of the command line (the only layer that prints). Heavy modules are imported inside
the commands so that ``--version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from driftcheck.errors import SpecInvalid, UsageError
from driftcheck.escape import terminal
from driftcheck.exitcodes import ExitCode

if TYPE_CHECKING:
    from driftcheck.live.client import Target
    from driftcheck.model import LiveState, Report, Spec


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
    sleep: Callable[[float], None] = time.sleep  # of retries: tests pass a virtual clock
    clock: Callable[[], float] = time.monotonic
    debug: bool = False

    def log(self, message: str) -> None:
        if self.debug:
            print(f"debug: {message}", file=self.stderr)


def cmd_validate(args: argparse.Namespace, ctx: Context) -> ExitCode:
    from driftcheck.spec.load import load_specs, render_problems, summarize

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
    from driftcheck.spec.load import load_specs, render_problems

    try:
        return load_specs(paths)
    except SpecInvalid as exc:
        ctx.stderr.write(render_problems(exc.problems, "text"))
        raise


def _read_live(args: argparse.Namespace, ctx: Context, entities: tuple[str, ...]) -> LiveState:
    snapshot_file = getattr(args, "live_snapshot", None)
    if snapshot_file:
        from driftcheck.live.snapshot import read_snapshot

        return read_snapshot(snapshot_file, entities)
    from driftcheck.live import client as live

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
        sleep=ctx.sleep,
        clock=ctx.clock,
    )


def _target(args: argparse.Namespace, ctx: Context) -> Target:
    """Where to read: --site or --api-url when given (a flag beats the environment), else
    $DRIFTCHECK_API_URL, else $DD_SITE, else datadoghq.com."""
    from driftcheck.live.client import resolve_target

    if args.site or args.api_url:
        return resolve_target(site=args.site or None, api_url=args.api_url or None)
    return resolve_target(
        site=ctx.env.get("DD_SITE") or None, api_url=ctx.env.get("DRIFTCHECK_API_URL") or None
    )


def cmd_check(args: argparse.Namespace, ctx: Context) -> ExitCode:
    from driftcheck.check import run_check, select_entities
    from driftcheck.exitcodes import decide

    _refuse_shared_outputs(args)
    spec = _load_or_explain(args.paths, ctx)
    entities = select_entities(spec, args.entity)
    if not args.live_snapshot:
        _target(args, ctx)  # a usage error beats a missing key
    state = _read_live(args, ctx, entities)
    report = run_check(spec, state, now=ctx.now())
    fmt = args.format or ("github" if ctx.env.get("GITHUB_ACTIONS") == "true" else "text")
    _emit_reports(args, ctx, report, fmt)
    return decide(report, report_only=args.report_only)


def _refuse_shared_outputs(args: argparse.Namespace) -> None:
    """Two outputs written to one file would leave only the last: refuse before any work."""
    seen: dict[Path, str] = {}
    for option in ("--output", "--report-json", "--report-markdown"):
        value = getattr(args, option[2:].replace("-", "_"))
        if not value:
            continue
        path = Path(value).resolve()
        if path in seen:
            raise UsageError(
                f"{seen[path]} and {option} name the same file {_safe(value)}: "
                "give each output a file of its own"
            )
        seen[path] = option


def _emit_reports(args: argparse.Namespace, ctx: Context, report: Report, fmt: str) -> None:
    from driftcheck.atomic import write_atomic
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
    from driftcheck.github.comment import link_base_from_env

    return link_base_from_env(env)


def cmd_snapshot(args: argparse.Namespace, ctx: Context) -> ExitCode:
    from driftcheck.check import select_entities
    from driftcheck.live.snapshot import write_snapshot

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
    from driftcheck.export.exporter import export_specs

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
    from driftcheck.github.comment import post_comment

    outcome = post_comment(args.report, key=args.key, env=ctx.env, log=ctx.log)
    stream = ctx.stderr if outcome.warning else ctx.stdout
    prefix = "warning: " if outcome.warning else ""
    stream.write(f"{prefix}{_safe(outcome.message)}\n")
    return ExitCode.OK


def _safe(text: str) -> str:
    return terminal(str(text))
