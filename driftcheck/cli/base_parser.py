"""The argparse parser class of every driftcheck command: a usage error is a
:class:`~driftcheck.errors.UsageError` (exit 1, with a did-you-mean), and what argparse prints
(``--help``, ``--version``) goes to the injected stream, for the top level and every command."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

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


def add_commands(parser: Parser) -> Any:
    """The subcommands' action; each command's parser writes to ``parser``'s stream too."""
    stream = parser.stream

    class CommandParser(Parser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, stream=stream, **kwargs)

    return parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=CommandParser
    )
