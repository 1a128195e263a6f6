"""``driftcheck adopt PATH...``: accept the live state into the spec files."""

from __future__ import annotations

from driftcheck.cli.context import Context, safe
from driftcheck.cli.live_reader import live_reader
from driftcheck.cli.options import AdoptOptions
from driftcheck.cli.spec_loading import explain
from driftcheck.errors import SpecInvalid
from driftcheck.exitcodes import ExitCode
from driftcheck.wording import plural


def cmd_adopt(options: AdoptOptions, ctx: Context) -> ExitCode:
    from driftcheck.adopt import describe
    from driftcheck.adopt.engine import adopt_paths
    from driftcheck.adopt.select import Selection

    selection = Selection(
        kinds=options.kinds,  # type: ignore[arg-type]  # checked by parse_kinds
        connections=options.connections,
        fields=options.fields,
    )
    try:
        result = adopt_paths(
            options.paths,
            selection=selection,
            entities=options.live.entities,
            read=live_reader(options.live, ctx),
            now=ctx.now(),
        )
    except SpecInvalid as exc:
        explain(exc, ctx)
        raise
    if result.before.errors:
        for error in result.before.errors:
            ctx.stderr.write(f"error: {safe(error.entity)}: {safe(error.message)}\n")
        ctx.stderr.write("nothing was adopted: the live state could not be read completely\n")
        return ExitCode.LIVE_UNREADABLE
    drift = [i for i in result.before.items if i.severity != "ignored"]
    if not result.selected:
        return _nothing_selected(ctx, len(drift))
    if result.refused:
        ctx.stderr.write(describe.refusal_lines(result.refused))
        ctx.stderr.write(
            f"nothing was written: {len(result.refused)} of {len(result.selected)} selected "
            "items cannot be adopted (narrow the selection with --connection, --field or "
            "--kind to adopt the others)\n"
        )
        return ExitCode.DRIFT
    if options.dry_run:
        ctx.stdout.write(describe.unified_diff(result.files))
    else:
        from driftcheck.atomic import replace_all

        replace_all({f.path: (f.old, f.new) for f in result.files})
        ctx.stdout.write(describe.change_lines(result.changes))
    if options.report_markdown:
        from driftcheck.atomic import write_atomic

        # masked: live data or a spec may hold a key's value
        write_atomic(options.report_markdown, ctx.mask(describe.markdown(result)))
    _summary(ctx, result, dry_run=options.dry_run)
    return ExitCode.OK


def _nothing_selected(ctx: Context, drift: int) -> ExitCode:
    if not drift:
        ctx.stderr.write("nothing to adopt: the spec files and Datadog agree\n")
        return ExitCode.OK
    ctx.stderr.write(
        f"nothing selected: {plural(drift, 'drift item')} {'is' if drift == 1 else 'are'} "
        "not in the selection "
        "(see 'driftcheck check'; --kind missing removes what Datadog does not have)\n"
    )
    return ExitCode.DRIFT


def _summary(ctx: Context, result: object, *, dry_run: bool) -> None:
    from driftcheck.adopt.engine import AdoptResult

    assert isinstance(result, AdoptResult)
    files = len(result.files)
    verb = "would adopt" if dry_run else "adopted"
    tail = " (dry run: nothing written)" if dry_run else ""
    ctx.stderr.write(
        f"{verb} {plural(len(result.changes), 'change')} into {plural(files, 'file')}{tail}; "
        "a new check finds no drift for them\n"
    )
    if result.left:
        kinds = sorted({i.kind for i in result.left})
        ctx.stderr.write(
            f"{plural(len(result.left), 'drift item')} not selected "
            f"{'is' if len(result.left) == 1 else 'are'} left ({', '.join(kinds)})\n"
        )
