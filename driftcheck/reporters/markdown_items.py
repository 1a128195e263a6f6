"""The items of the Markdown report, as a reviewer reads them at comment width: per
connection one line naming it with its attribution, then one list entry per item with a
link to its spec line, and for a changed value a ``diff`` block with the Datadog value and
the spec value each on its own line (a conflict adds the base spec's value).

Values in ``diff`` blocks are made one-line and visible (:func:`escape.terminal`): a block
line always starts with our own ``-``, ``+`` or space, so no value can close the fence, and
nothing inside a code block is Markdown or HTML. Everything else is a code span or escaped
prose.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from driftcheck.escape import json_text, md_code, md_text, terminal, url_path
from driftcheck.ignores import relative_attribute
from driftcheck.model import Attribution, DriftItem, Location
from driftcheck.reporters import repository_path
from driftcheck.reporters import summary as s
from driftcheck.wording import clip, plural

if TYPE_CHECKING:
    from driftcheck.reporters import RenderOptions

_LINE = 76  # characters of a value shown on one diff line (~780 px of monospace)
_PROSE = 300
_MAX_IDS = 8  # field ids listed in a whole-connection summary
_ICON = {"error": "❌", "warning": "⚠️", "ignored": "💤"}
_WHAT = {
    "missing": "missing in Datadog",
    "unexpected": "in Datadog, not in the spec",
    "changed": "differs",
}


def connection_line(entity: str, connection: str, items: Sequence[DriftItem]) -> str:
    """``**`users` · `crm`** — connection last updated … by …`` (once per connection)."""
    line = f"**{md_code(entity, in_table=False)} · {md_code(connection, in_table=False)}**"
    who = next((i.attribution for i in items if i.attribution is not None), None)
    wording = attribution_wording(who)
    if wording:
        line += f" — {md_text(clip(wording, _PROSE))}"
    return f"\n{line}\n\n"  # the blank line ends the previous connection's list


def attribution_wording(who: Attribution | None) -> str:
    """``connection last updated 2026-11-20T10:02:11Z by jane@example.com`` (the shared
    wording: the nil UUID is an unknown user)."""
    return "" if who is None else who.describe(of_field=True)


def item_entry(item: DriftItem, options: RenderOptions, hint: str | None = None) -> str:
    """One list entry: symbol, subject, what differs, the spec link, and its value block;
    ``hint`` (:class:`summary.Hints`) when the two sides look alike."""
    icon = "✅" if item.origin == "resolved" else _ICON[item.severity]
    head = f"- {icon} **{s.SYMBOL[item.kind]} {_subject(item)}** {_WHAT[item.kind]}"
    if item.source is not None:
        head += f" · {link(item.source, options)}"
    lines = [head]
    notes = []  # each a paragraph of its own inside the entry (a line would run on)
    if item.severity == "ignored":
        notes.append(f"ignored: {md_text(clip(item.reason or 'no reason given', _PROSE))}")
    if hint:
        notes.append(f"⚠️ {md_text(clip(hint, _PROSE))}")
    if item.kind != "changed":
        shown = item.expected if item.kind == "missing" else item.actual
        notes.append(_summary(shown, whole=item.field is None))
    for note in filter(None, notes):
        lines += ["", f"  {note}"]
    if item.kind == "changed":
        lines += _diff_block(item)
    return "\n".join(lines) + "\n"


def _subject(item: DriftItem) -> str:
    if item.attribute:
        return md_code(item.attribute, in_table=False)
    if item.field is not None:
        return f"field {md_code(item.field, in_table=False)}"
    return "connection"


def _diff_block(item: DriftItem) -> list[str]:
    """``- datadog:`` and ``+ spec:`` lines (the shared window around the first difference),
    or a line diff of multi-line text; a conflict adds the base spec's value."""
    rows = []
    if item.origin == "conflict":
        base = terminal(s.show_value(item.base_expected, 10**6))
        rows.append(f"  base:    {clip(base, _LINE)}")
    if item.origin == "resolved":  # the base spec's value; the change's spec agrees now
        old, now = s.show_pair(item.expected, item.actual, _LINE)
        rows += [
            f"- base:    {terminal(old)}",
            f"+ datadog: {terminal(now)}  (the spec now agrees)",
        ]
        return ["  ```diff", *(f"  {row}" for row in rows), "  ```"]
    lines = s.line_diff(item.expected, item.actual)
    if lines:
        rows += ["(- spec, + datadog)", *(terminal(line) for line in lines)]
    else:
        spec, live = s.show_pair(item.expected, item.actual, _LINE)
        rows += [f"- datadog: {terminal(live)}", f"+ spec:    {terminal(spec)}"]
    return ["  ```diff", *(f"  {row}" for row in rows), "  ```"]


def _summary(value: Any, *, whole: bool) -> str:
    """A short, complete summary of a whole connection or field (never a cut JSON blob)."""
    if not isinstance(value, dict):
        return "" if value is None else md_code(clip(s.show_value(value), _LINE), in_table=False)
    if whole:
        parts = [f"type {md_code(str(value.get('type', '')), in_table=False)}"]
        join = value.get("join")
        if isinstance(join, dict):
            parts.append(
                f"join {md_code(str(join.get('attribute', '')), in_table=False)} "
                f"({md_code(str(join.get('type', '')), in_table=False)})"
            )
        ids = [str(f) for f in value.get("fields") or ()]
        listed = ", ".join(md_code(clip(i, 60), in_table=False) for i in ids[:_MAX_IDS])
        more = f" and {len(ids) - _MAX_IDS:,} more" if len(ids) > _MAX_IDS else ""
        parts.append(f"{plural(len(ids), 'field')}" + (f": {listed}{more}" if ids else ""))
        return " · ".join(parts)
    keys = ("type", "source_name", "display_name")
    return " · ".join(
        f"{key} {md_code(clip(str(value[key]), 60), in_table=False)}"
        for key in keys
        if key in value
    )


def link(location: Location, options: RenderOptions) -> str:
    """``[specs/users.yaml:18](…/specs/users.yaml#L18)``, on the reviewed commit; the path
    relative to the repository. A file outside the repository is named, not linked."""
    path = repository_path(location.file, options)
    if path.startswith("/"):
        return md_code(f"{path}:{location.line}", in_table=False)
    href = f"{options.link_base or ''}{url_path(path)}#L{location.line}"
    return f"[{md_text(f'{path}:{location.line}')}]({href})"


def ignore_yaml(item: DriftItem) -> str:
    """The ``ignore`` entry that accepts ``item``, to paste into a spec file: each id as a
    selector that selects exactly it (``*``, ``?`` and ``\\`` escaped, never a glob)."""
    from driftcheck.ignores import escape as exact

    lines = ["ignore:", f"  - entity: {_scalar(exact(item.entity))}"]
    lines.append(f"    connection: {_scalar(exact(item.connection))}")
    if item.field is not None:
        lines.append(f"    field: {_scalar(exact(item.field))}")
    attribute = relative_attribute(item)
    if attribute:
        lines.append(f"    attribute: {_scalar(exact(attribute))}")
    lines.append('    reason: "why this difference is accepted"')
    return "```yaml\n" + "\n".join(lines) + "\n```\n"


def _scalar(text: str) -> str:
    """A YAML double-quoted scalar (JSON's is one), ASCII only: safe in a code block, and
    no legacy workflow command (``##[`` is written ``##\\u005b``, the same YAML string)."""
    return json_text(json.dumps(text, ensure_ascii=True))
