"""The commands, one module each: options in, calls of the core, output written, an exit
code returned. Heavy modules are imported inside the commands so that ``--version`` and
``--help`` stay fast."""

from __future__ import annotations

from driftcheck.cli.commands.adopt import cmd_adopt
from driftcheck.cli.commands.apply import cmd_apply
from driftcheck.cli.commands.check import cmd_check
from driftcheck.cli.commands.comment import cmd_comment
from driftcheck.cli.commands.export import cmd_export
from driftcheck.cli.commands.plan import cmd_plan
from driftcheck.cli.commands.schema import cmd_schema
from driftcheck.cli.commands.snapshot import cmd_snapshot
from driftcheck.cli.commands.validate import cmd_validate

__all__ = [
    "cmd_adopt",
    "cmd_apply",
    "cmd_check",
    "cmd_comment",
    "cmd_export",
    "cmd_plan",
    "cmd_schema",
    "cmd_snapshot",
    "cmd_validate",
]
