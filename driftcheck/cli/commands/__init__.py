"""The commands, one module each: options in, calls of the core, output written, an exit
code returned. Heavy modules are imported inside the commands so that ``--version`` and
``--help`` stay fast, and a command's module is imported only when it runs
(:func:`command`): ``comment`` does not load what ``check`` needs."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from driftcheck import lazy_exports

if TYPE_CHECKING:
    from driftcheck.cli.commands.adopt import cmd_adopt
    from driftcheck.cli.commands.apply import cmd_apply
    from driftcheck.cli.commands.check import cmd_check
    from driftcheck.cli.commands.comment import cmd_comment
    from driftcheck.cli.commands.export import cmd_export
    from driftcheck.cli.commands.plan import cmd_plan
    from driftcheck.cli.commands.schema import cmd_schema
    from driftcheck.cli.commands.snapshot import cmd_snapshot
    from driftcheck.cli.commands.validate import cmd_validate
    from driftcheck.cli.context import Context
    from driftcheck.exitcodes import ExitCode

COMMANDS = frozenset(
    ("adopt", "apply", "check", "comment", "export", "plan", "schema", "snapshot", "validate")
)
_EXPORTS = {f"cmd_{name}": name for name in COMMANDS}
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
    "command",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)


def command(name: str) -> Callable[[Any, Context], ExitCode]:
    """The function of command ``name`` (``cmd_<name>`` of its module), imported now."""
    if name not in COMMANDS:
        raise ValueError(f"no command {name!r}")
    run: Callable[[Any, Context], ExitCode] = getattr(
        importlib.import_module(f"{__name__}.{name}"), f"cmd_{name}"
    )
    return run
