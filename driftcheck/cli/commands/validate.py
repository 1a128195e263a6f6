"""``driftcheck validate PATH...``: the spec files' problems, or a one-line summary."""

from __future__ import annotations

from pathlib import Path

from driftcheck.cli.context import Context
from driftcheck.cli.options import ValidateOptions
from driftcheck.errors import SpecInvalid
from driftcheck.exitcodes import ExitCode


def cmd_validate(options: ValidateOptions, ctx: Context) -> ExitCode:
    from driftcheck.reporters.problems import render_problems, summarize
    from driftcheck.spec.load import load_specs
    from driftcheck.spec.repository import repository_root

    try:
        spec = load_specs(
            options.paths,
            repository_root(ctx.env, Path.cwd()),
            by_content=options.find_specs,
        )
    except SpecInvalid as exc:
        if options.format == "github":
            _github(exc, ctx)
        else:
            ctx.stdout.write(render_problems(exc.problems, options.format))
        return ExitCode.SPEC_INVALID
    if options.format == "github":
        ctx.stdout.write(f"driftcheck: ok: {summarize(spec)}\n")
        return ExitCode.OK
    ctx.stdout.write(
        render_problems((), options.format)
        if options.format == "json"
        else f"ok: {summarize(spec)}\n"
    )
    return ExitCode.OK


def _github(exc: SpecInvalid, ctx: Context) -> None:
    """One annotation per problem (capped), the problems in the job summary, and the text
    list on stderr (the log keeps all of them)."""
    from driftcheck.check import failed_report
    from driftcheck.cli.spec_loading import explain
    from driftcheck.reporters import RenderOptions, render
    from driftcheck.spec.repository import repository_root

    report = failed_report(now=ctx.now(), site="", problems=exc.problems)
    explain(exc, ctx)
    summary_path = ctx.env.get("GITHUB_STEP_SUMMARY")
    root = str(repository_root(ctx.env, Path.cwd()))
    full = "the job summary" if summary_path else None
    ctx.stdout.write(
        render(report, "github", RenderOptions(repository_root=root, full_report=full))
    )
    if summary_path:
        from driftcheck.cli.commands.check import link_base
        from driftcheck.github.step_summary import append_step_summary

        options = RenderOptions(link_base=link_base(ctx.env), repository_root=root)
        markdown = render(report, "markdown", options)
        append_step_summary(summary_path, markdown)
