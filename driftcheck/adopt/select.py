"""Which drift items ``adopt`` takes: by kind, connection and field, never ignored ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from driftcheck.errors import UsageError
from driftcheck.model import DriftItem, Kind
from driftcheck.wording import did_you_mean

KINDS: tuple[Kind, ...] = ("changed", "unexpected", "missing")
DEFAULT_KINDS: tuple[Kind, ...] = ("changed", "unexpected")


@dataclass(frozen=True, kw_only=True)
class Selection:
    """The items to adopt. Globs (fnmatch, ``*`` and ``?``) select when any of them matches;
    no glob selects everything. With field globs, only field items are selected."""

    kinds: tuple[Kind, ...] = DEFAULT_KINDS
    connections: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()

    def selects(self, item: DriftItem) -> bool:
        if item.severity == "ignored" or item.kind not in self.kinds:
            return False
        if self.connections and not _any(item.connection, self.connections):
            return False
        return not self.fields or (item.field is not None and _any(item.field, self.fields))


def _any(value: str, globs: Iterable[str]) -> bool:
    return any(fnmatchcase(value, glob) for glob in globs)


def parse_kinds(text: str) -> tuple[Kind, ...]:
    """``--kind changed,unexpected`` as kinds; an unknown one is a usage error."""
    chosen: list[Kind] = []
    for part in (p.strip() for p in text.split(",")):
        found = next((k for k in KINDS if k == part), None)
        if found is None:
            raise UsageError(
                f"--kind {part!r} is not a kind of drift{did_you_mean(part, KINDS)}: give a "
                "comma-separated list of "
                f"{', '.join(KINDS)}"
            )
        if found not in chosen:
            chosen.append(found)
    return tuple(chosen)
