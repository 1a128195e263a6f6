"""``driftcheck schema [-o FILE]``: the spec JSON Schema, for editors and other tools."""

from __future__ import annotations

from driftcheck.cli.context import Context, safe
from driftcheck.cli.options import SchemaOptions
from driftcheck.cli.outputs import refuse_runner_files
from driftcheck.exitcodes import ExitCode


def cmd_schema(options: SchemaOptions, ctx: Context) -> ExitCode:
    from driftcheck.atomic import write_atomic
    from driftcheck.spec.shipped import SPEC_SCHEMA, schema_text

    text = schema_text(SPEC_SCHEMA)
    if options.output is None:
        ctx.stdout.write(text)
        return ExitCode.OK
    refuse_runner_files([("--output", options.output)], ctx.env)
    write_atomic(options.output, text)
    ctx.stderr.write(f"wrote {safe(options.output)}\n")
    return ExitCode.OK
