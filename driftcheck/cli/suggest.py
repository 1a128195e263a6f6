"""Did-you-mean for usage errors: a mistyped command, option or choice gets the closest
valid one (argparse's messages name the bad word and, for choices, the valid ones)."""

from __future__ import annotations

import argparse
import re

from driftcheck.wording import did_you_mean as closest

_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")
_UNRECOGNIZED = re.compile(r"unrecognized arguments: (.*)")


def did_you_mean(parser: argparse.ArgumentParser, message: str) -> str:
    """``message`` with "did you mean ...?" appended when a close match exists."""
    found = _CHOICE.search(message)
    if found:
        choices = re.findall(r"'([^']*)'", found.group(2)) or found.group(2).split(", ")
        return _hint(message, found.group(1), choices)
    found = _UNRECOGNIZED.search(message)
    if found:
        options = sorted(_option_strings(parser))
        for word in found.group(1).split():
            if word.startswith("--"):
                return _hint(message, word.split("=", 1)[0], options)
    return message


def _hint(message: str, word: str, valid: list[str]) -> str:
    return message + closest(word, valid)


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every long option of ``parser`` and of its subcommands."""
    found: set[str] = set()
    for action in parser._actions:
        found.update(o for o in action.option_strings if o.startswith("--"))
        if isinstance(action, argparse._SubParsersAction):
            getattr(action, "complete", lambda: None)()  # every command's arguments added
            for sub in action.choices.values():
                found |= _option_strings(sub)
    return found


def command_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of subcommand ``name``: an unknown option is its error, so that the
    did-you-mean looks only at that command's options (never one it just refused because it
    belongs to another command) and the message points at ``driftcheck NAME --help``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            found: argparse.ArgumentParser = action.choices[name]
            return found
    return parser
