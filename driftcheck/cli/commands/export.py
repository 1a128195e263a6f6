"""``driftcheck export -o DIR``: spec files written from the live state."""

from __future__ import annotations

from driftcheck.cli.context import Context, safe
from driftcheck.cli.live_reader import live_reader
from driftcheck.cli.options import ExportOptions
from driftcheck.cli.outputs import refuse_runner_files
from driftcheck.exitcodes import ExitCode


def cmd_export(options: ExportOptions, ctx: Context) -> ExitCode:
    from driftcheck.check import select_entities
    from driftcheck.export.exporter import export_specs

    refuse_runner_files([("--output", options.output)], ctx.env, folder=True)
    entities = select_entities(None, options.live.entities)
    state = live_reader(options.live, ctx)(entities)
    result = export_specs(state, options.output, force=options.force)
    for path in (*result.written, *([result.schema] if result.schema else [])):
        ctx.stderr.write(f"wrote {safe(path)}\n")
    for entity, message in result.failed:
        ctx.stderr.write(f"error: {safe(entity)}: {safe(message)}\n")
    return ExitCode.LIVE_UNREADABLE if result.failed else ExitCode.OK
