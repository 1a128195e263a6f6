"""What ``adopt`` did, in words: one line per change for the terminal, a Markdown table for
a pull-request body. Pure functions; values from the API and the specs are escaped here."""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any

from driftcheck.adopt.engine import AdoptResult, Change, FileEdit, Refusal
from driftcheck.escape import md_code, md_text, terminal
from driftcheck.model import DriftItem
from driftcheck.wording import plural

MARKER = "<!-- driftcheck:adopt -->"


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def what(item: DriftItem) -> str:
    """'changed users/user-profiles-connection metadata.owner: "growth" -> "marketing"'."""
    path = f"{item.entity}/{item.connection}"
    noun = "connection" if item.field is None else "field"
    if item.field is not None:
        path += f"/{item.field}"
    if item.kind == "changed":
        attribute = item.attribute or ""
        if item.field is not None:
            attribute = attribute.removeprefix(f"fields[{item.field}].")
        return f"changed {path} {attribute}: {_value(item.expected)} -> {_value(item.actual)}"
    if item.kind == "unexpected":
        return f"added {noun} {path}"
    return f"removed {noun} {path} (missing in Datadog)"


def drift(item: DriftItem) -> str:
    """Drift that was left: 'missing users/user-profiles-connection/lifetime_value'."""
    parts = [item.entity, item.connection, *([item.field] if item.field else [])]
    attribute = f" {item.attribute}" if item.kind == "changed" and item.attribute else ""
    return f"{item.kind} {'/'.join(parts)}{attribute}"


def who(item: DriftItem) -> str:
    return item.attribution.describe() if item.attribution else ""


def change_lines(changes: Sequence[Change]) -> str:
    lines = []
    for change in changes:
        attribution = who(change.item)
        tail = f"  ({attribution})" if attribution else ""
        lines.append(terminal(f"{change.location}: {what(change.item)}{tail}"))
    return "".join(line + "\n" for line in lines)


def refusal_lines(refused: Sequence[Refusal]) -> str:
    lines = []
    for refusal in refused:
        where = f"{refusal.where}: " if refusal.where else ""
        subject = f"cannot adopt {what(refusal.item)}: " if refusal.item else "cannot adopt: "
        lines.append(terminal(f"{where}error: {subject}{refusal.message}"))
    return "".join(line + "\n" for line in lines)


def unified_diff(files: Sequence[FileEdit]) -> str:
    """The edits as a unified diff (``a/`` and ``b/`` paths, like git), for the terminal."""
    out = []
    for edit in files:
        old = [line.rstrip("\r\n") + "\n" for line in edit.old.splitlines(keepends=True)]
        new = [line.rstrip("\r\n") + "\n" for line in edit.new.splitlines(keepends=True)]
        for line in difflib.unified_diff(old, new, f"a/{edit.path}", f"b/{edit.path}"):
            out.append(terminal(line.rstrip("\n")) + "\n")
    return "".join(out)


def markdown(result: AdoptResult) -> str:
    """A pull-request body: one table row per change, with who last changed it in Datadog."""
    changes = result.changes
    lines = [
        MARKER,
        f"## driftcheck: {plural(len(changes), 'change')} made in Datadog, adopted into the specs",
        "",
        "Each row is one edit of the spec files. Review them one by one: to keep the spec's "
        "value instead, drop that edit from this pull request and revert the change in Datadog.",
        "",
        "| Change | Spec | Last changed in Datadog |",
        "|:--|:--|:--|",
    ]
    for change in changes:
        item = change.item
        place = f"{change.location.file}:{change.location.line}"
        lines.append(f"| {_md_what(item)} | {md_code(place)} | {md_text(who(item)) or 'unknown'} |")
    left = [i for i in result.left if i.severity != "ignored"]
    if left:
        lines += [
            "",
            f"{plural(len(left), 'drift item')} {'was' if len(left) == 1 else 'were'} not adopted "
            "(not selected):",
            "",
        ]
        lines += [f"- {md_text(drift(i))}" for i in left]
    return "\n".join(lines) + "\n"


def _md_what(item: DriftItem) -> str:
    ids = " / ".join(md_code(p) for p in (item.entity, item.connection, item.field) if p)
    if item.kind == "changed":
        attribute = (item.attribute or "").removeprefix(f"fields[{item.field}].")
        return (
            f"changed {ids} {md_code(attribute)}: {md_code(_value(item.expected))} → "
            f"{md_code(_value(item.actual))}"
        )
    noun = "connection" if item.field is None else "field"
    verb = "added" if item.kind == "unexpected" else "removed (missing in Datadog)"
    return f"{verb} {noun} {ids}"
