"""The argparse parser class of every driftcheck command: a usage error is a
:class:`~driftcheck.errors.UsageError` (exit 1, with a did-you-mean), and what argparse prints
(``--help``, ``--version``) goes to the injected stream, for the top level and every command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, cast

from driftcheck.cli.suggest import did_you_mean
from driftcheck.errors import UsageError
from driftcheck.redact import TextSink


class Parser(argparse.ArgumentParser):
    """argparse with exit status 1 for usage errors (2 means drift) and injectable output."""

    def __init__(self, *args: Any, stream: TextSink = sys.stdout, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream

    def error(self, message: str) -> NoReturn:
        message = did_you_mean(self, message)
        raise UsageError(f"{message}\nRun '{self.prog} --help' for usage.")

    def _print_message(self, message: str, file: object = None) -> None:
        if message:
            self.stream.write(message)


if TYPE_CHECKING:
    _Action = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    _Action = argparse._SubParsersAction


class Commands(_Action):
    """The subcommands, each one's arguments added when it is parsed (a run builds only its
    own command's: the options of all nine cost more than a comment's work on GitHub), or
    when something lists them all (:meth:`complete`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[str, Callable[[argparse.ArgumentParser], None]] = {}

    def defer(self, name: str, add: Callable[[argparse.ArgumentParser], None]) -> None:
        """``add(parser)`` adds the arguments of command ``name``, when they are needed."""
        self._pending[name] = add

    def complete(self, name: str | None = None) -> None:
        """Add the arguments of command ``name`` (of every command: None) not added yet."""
        for pending in [name] if name is not None else list(self._pending):
            add = self._pending.pop(pending, None)
            if add is not None:
                add(self.choices[pending])

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        self.complete(values[0])
        super().__call__(parser, namespace, values, option_string)


def add_commands(parser: Parser) -> Commands:
    """The subcommands' action; each command's parser writes to ``parser``'s stream too."""
    stream = parser.stream

    class CommandParser(Parser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, stream=stream, **kwargs)

    commands = parser.add_subparsers(
        action=Commands,
        dest="command",
        metavar="COMMAND",
        required=True,
        parser_class=CommandParser,
    )
    return cast(Commands, commands)
