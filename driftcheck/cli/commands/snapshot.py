"""``driftcheck snapshot [PATH...] -o FILE``: the live state saved, or nothing at all."""

from __future__ import annotations

from driftcheck.cli.context import Context, safe
from driftcheck.cli.live_reader import live_reader
from driftcheck.cli.options import SnapshotOptions
from driftcheck.cli.outputs import refuse_runner_files
from driftcheck.cli.spec_loading import load_or_explain
from driftcheck.exitcodes import ExitCode
from driftcheck.wording import plural


def cmd_snapshot(options: SnapshotOptions, ctx: Context) -> ExitCode:
    from driftcheck.check import select_entities
    from driftcheck.live.snapshot import write_snapshot

    refuse_runner_files([("--output", options.output)], ctx.env)
    spec = load_or_explain(options.paths, ctx) if options.paths else None
    entities = select_entities(spec, options.live.entities)
    state = live_reader(options.live, ctx)(entities)
    failed = [read for read in state.entities.values() if not read.ok]
    if failed:
        for read in failed:
            ctx.stderr.write(f"error: {safe(read.entity)}: {safe(read.error or 'unreadable')}\n")
        ctx.stderr.write(
            f"no snapshot written: {plural(len(failed), 'entity', 'entities')} could not be read\n"
        )
        return ExitCode.LIVE_UNREADABLE
    write_snapshot(state, options.output)
    count = sum(len(read.connections or ()) for read in state.entities.values())
    entities_read = plural(len(state.entities), "entity", "entities")
    ctx.stderr.write(
        f"wrote {safe(options.output)}: {entities_read}, {plural(count, 'connection')}\n"
    )
    return ExitCode.OK
