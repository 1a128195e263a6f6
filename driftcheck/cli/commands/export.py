"""``driftcheck export -o DIR``: spec files written from the live state."""

from __future__ import annotations

from driftcheck.cli.context import Context, safe
from driftcheck.cli.live_reader import live_reader
from driftcheck.cli.options import ExportOptions
from driftcheck.cli.outputs import refuse_runner_files
from driftcheck.errors import UsageError
from driftcheck.exitcodes import ExitCode
from driftcheck.wording import plural


def cmd_export(options: ExportOptions, ctx: Context) -> ExitCode:
    from driftcheck.check import select_entities
    from driftcheck.export.exporter import export_specs

    refuse_runner_files([("--output", options.output)], ctx.env, folder=True)
    entities = select_entities(None, options.live.entities)
    _refuse_unknown(entities)
    state = live_reader(options.live, ctx)(entities)
    result = export_specs(state, options.output, force=options.force)
    for path in (*result.written, *([result.schema] if result.schema else [])):
        ctx.stderr.write(f"wrote {safe(path)}\n")
    for entity, message in result.skipped:
        ctx.stderr.write(f"warning: {safe(entity)}: {safe(message)}\n")
    for entity, message in result.failed:
        ctx.stderr.write(f"error: {safe(entity)}: {safe(message)}\n")
    if result.failed:
        return ExitCode.LIVE_UNREADABLE
    if result.skipped:
        n = len(result.skipped)
        ctx.stderr.write(
            f"export partial (exit 6): {plural(n, 'item')} that spec format v1 cannot hold "
            f"{'was' if n == 1 else 'were'} not written (named above); everything else was\n"
        )
        return ExitCode.EXPORT_PARTIAL
    return ExitCode.OK


def _refuse_unknown(entities: tuple[str, ...]) -> None:
    """An entity spec v1 does not have is a usage error, before any request."""
    from driftcheck.export.exporter import exportable_entities
    from driftcheck.wording import did_you_mean

    allowed = exportable_entities()
    for name in entities:
        if name not in allowed:
            hint = did_you_mean(name, allowed)
            raise UsageError(
                f"--entity {safe(repr(name))} is not an entity of spec format v1{hint}; "
                f"entities: {', '.join(allowed)}"
            )
