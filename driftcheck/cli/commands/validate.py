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
        ctx.stdout.write(render_problems(exc.problems, options.format))
        return ExitCode.SPEC_INVALID
    ctx.stdout.write(
        render_problems((), options.format)
        if options.format == "json"
        else f"ok: {summarize(spec)}\n"
    )
    return ExitCode.OK
