"""``driftcheck check PATH...``: the check, rendered on stdout and in the report files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from driftcheck.cli.color import terminal_width, wants_color
from driftcheck.cli.context import Context, safe
from driftcheck.cli.live_reader import live_reader, resolve
from driftcheck.cli.options import CheckOptions
from driftcheck.cli.outputs import refuse_runner_files
from driftcheck.cli.spec_loading import explain
from driftcheck.errors import DriftcheckError, LiveReadError, SpecInvalid, UsageError
from driftcheck.exitcodes import ExitCode
from driftcheck.model import Problem, Report


def cmd_check(options: CheckOptions, ctx: Context) -> ExitCode:
    from driftcheck.check import check_paths
    from driftcheck.exitcodes import decide
    from driftcheck.spec.repository import repository_root

    _refuse_shared_outputs(options)
    refuse_runner_files(
        [
            ("--output", options.output),
            ("--report-json", options.report_json),
            ("--report-markdown", options.report_markdown),
            ("--report-sarif", options.report_sarif),
            ("--report-junit", options.report_junit),
        ],
        ctx.env,
    )
    fmt = options.format or ("github" if ctx.env.get("GITHUB_ACTIONS") == "true" else "text")
    now = ctx.now()
    try:
        report = check_paths(
            options.paths,
            entities=options.live.entities,
            read=live_reader(options.live, ctx),
            now=now,
            base=options.base,
            fail_on=options.fail_on,
            root=repository_root(ctx.env, Path.cwd()),
        )
    except SpecInvalid as exc:
        explain(exc, ctx)
        _emit_early(options, ctx, fmt, _failed(options, ctx, problems=exc.problems))
        raise
    except LiveReadError as exc:
        failed = _failed(options, ctx, unreadable=exc.entities, message=str(exc))
        _emit_early(options, ctx, fmt, failed)
        raise
    _emit_reports(options, ctx, report, fmt)
    return decide(report, report_only=options.report_only)


def _failed(
    options: CheckOptions,
    ctx: Context,
    *,
    problems: tuple[Problem, ...] = (),
    unreadable: tuple[str, ...] = (),
    message: str = "",
) -> Report:
    """The report of a check that ended early: invalid specs, or an unreadable live state
    (whose entities are those it was reading, else those the specs declare)."""
    from driftcheck.check import DEFAULT_ENTITIES, failed_report

    if message and not unreadable:
        unreadable = options.live.entities or _declared(options) or DEFAULT_ENTITIES
    return failed_report(
        now=ctx.now(),
        site=_site(options, ctx),
        problems=problems,
        unreadable=unreadable,
        message=message,
    )


def _declared(options: CheckOptions) -> tuple[str, ...]:
    from driftcheck.spec.load import load_specs

    try:
        return tuple(load_specs(options.paths).entities)
    except DriftcheckError:
        return ()


def _site(options: CheckOptions, ctx: Context) -> str:
    """What the report names as the source: the snapshot's site (as a full check would;
    the default comment key holds it, so an invalid run and the valid one after it update
    the same comment), else the site to read."""
    if options.live.snapshot:
        from driftcheck.live.snapshot import open_snapshot

        try:
            return open_snapshot(options.live.snapshot).site
        except DriftcheckError:
            return options.live.snapshot
    try:
        return resolve(options.live, ctx).site
    except DriftcheckError:
        return options.live.site or options.live.api_url or ""


def _emit_early(options: CheckOptions, ctx: Context, fmt: str, report: Report) -> None:
    """A run that ended early (invalid specs, an unreadable live state) is still visible:
    every --report-* file is written (JSON, Markdown, SARIF, JUnit), every --format but text
    goes to stdout (or --output; text already went to stderr), and with github the Markdown
    report is appended to the job summary, so the pull request shows why it failed."""
    from driftcheck.atomic import write_atomic
    from driftcheck.reporters import RenderOptions, render

    render_options = RenderOptions(
        link_base=link_base(ctx.env),
        repository_root=_root(ctx),
        full_report=_full_report(options, ctx, fmt),
    )

    def rendered(form: str) -> str:
        return ctx.mask(render(report, form, render_options))

    for path, form in (
        (options.report_json, "json"),
        (options.report_markdown, "markdown"),
        (options.report_sarif, "sarif"),
        (options.report_junit, "junit"),
    ):
        if path:
            write_atomic(path, rendered(form))
    if fmt != "text":
        if options.output:
            write_atomic(options.output, rendered(fmt))
        else:
            ctx.stdout.write(rendered(fmt))
    summary_path = ctx.env.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary_path:
        _append_summary(ctx, summary_path, rendered("markdown"))


def _refuse_shared_outputs(options: CheckOptions) -> None:
    """Two outputs written to one file would leave only the last: refuse before any work."""
    seen: dict[Path, str] = {}
    for option, value in (
        ("--output", options.output),
        ("--report-json", options.report_json),
        ("--report-markdown", options.report_markdown),
        ("--report-sarif", options.report_sarif),
        ("--report-junit", options.report_junit),
    ):
        if not value:
            continue
        path = Path(value).resolve()
        if path in seen:
            raise UsageError(
                f"{seen[path]} and {option} name the same file {safe(value)}: "
                "give each output a file of its own"
            )
        seen[path] = option


def _emit_reports(options: CheckOptions, ctx: Context, report: Report, fmt: str) -> None:
    from driftcheck.atomic import write_atomic
    from driftcheck.reporters import RenderOptions, render

    color = wants_color(
        options.color, ctx.env, isatty=ctx.stdout.isatty(), to_file=bool(options.output)
    )
    render_options = RenderOptions(
        color=color,
        link_base=link_base(ctx.env),
        repository_root=_root(ctx),
        full_report=_full_report(options, ctx, fmt),
        width=terminal_width(ctx.env) if ctx.stdout.isatty() and not options.output else None,
    )

    done: dict[str, str] = {}  # the Markdown report and the job summary are rendered once

    def rendered(form: str) -> str:  # masked: live data or a spec may hold a key's value
        if form not in done:
            done[form] = ctx.mask(render(report, form, render_options))
        return done[form]

    if options.report_json:
        write_atomic(options.report_json, rendered("json"))
    if options.report_markdown:
        write_atomic(options.report_markdown, rendered("markdown"))
    if options.report_sarif:
        write_atomic(options.report_sarif, rendered("sarif"))
    if options.report_junit:
        write_atomic(options.report_junit, rendered("junit"))
    output = rendered(fmt)
    if options.output:
        write_atomic(options.output, output)
    else:
        ctx.stdout.write(output)
    summary_path = ctx.env.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary_path:
        _append_summary(ctx, summary_path, rendered("markdown"))


def _root(ctx: Context) -> str:
    """The repository that paths in annotations, links and SARIF are relative to."""
    from driftcheck.spec.repository import repository_root

    return str(repository_root(ctx.env, Path.cwd()))


def _full_report(options: CheckOptions, ctx: Context, fmt: str) -> str | None:
    """The places this run writes the whole report to, named by the GitHub notice about
    annotations past GitHub's cap (None: none; the notice then says how to get the list)."""
    places = []
    if fmt == "github" and ctx.env.get("GITHUB_STEP_SUMMARY"):
        places.append("the job summary")
    if options.report_markdown:
        places.append(f"the Markdown report {safe(options.report_markdown)}")
    if options.report_json:
        places.append(f"the JSON report {safe(options.report_json)}")
    if not places:
        return None
    return ", ".join(places[:-1]) + (" and " if len(places) > 1 else "") + places[-1]


def link_base(env: Mapping[str, str]) -> str | None:
    """Where spec lines link to in Markdown: the reviewed commit on GitHub, when known."""
    if not env.get("GITHUB_REPOSITORY"):
        return None  # not on GitHub: don't pay for importing the GitHub client
    from driftcheck.github.comment import link_base_from_env

    return link_base_from_env(env)


def _append_summary(ctx: Context, path: str, markdown: str) -> None:
    """The job summary is extra: a file that cannot be written is a warning, and the exit
    code still says drift or in sync."""
    from driftcheck.errors import OutputError
    from driftcheck.github.step_summary import append_step_summary

    try:
        append_step_summary(path, markdown)
    except OutputError as exc:
        ctx.stderr.write(f"warning: {safe(str(exc))}; the check's verdict stands\n")
