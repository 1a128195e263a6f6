"""The Markdown report, for a pull-request comment and the GitHub job summary.

It reads at a glance at comment width (~780 px): a hidden marker line, the headline, then
one summary line (``1 conflict · 2 introduced · 3 existing · 1 resolved``) before anything
folds, the verdict, a summary table of at most 5 columns, and the sections. With a base
(``check --base``): conflicts, introduced by this change, resolved by this change, already
drifted before this change (folded), ignored and warnings (folded). Without one: a section
per entity. Each section opens with a "what to do" line; items come per connection
(:mod:`markdown_items`).

It stays within ``options.markdown_budget`` characters, and builds only what it shows: the
head is always kept, then items in order while they fit; the rest are only counted.

Values are code spans or one-line ``diff`` blocks, prose is :func:`escape.md_text`; the
only HTML is our own ``<details>``/``<summary>`` lines, which never hold data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from driftcheck.escape import md_code, md_text
from driftcheck.model import DriftItem, Location, Report
from driftcheck.reporters import markdown_head as mh
from driftcheck.reporters import markdown_items as mi
from driftcheck.reporters import repository_path
from driftcheck.reporters import summary as s
from driftcheck.wording import clip, plural

if TYPE_CHECKING:
    from driftcheck.reporters import RenderOptions

MARKER = mh.MARKER
_RESERVE = 400  # room kept for the "left out" note
_PROSE = 300
_NOTICE = {"stale_ignore": "stale ignore entry", "expired_ignore": "expired ignore entry"}
_KIND_WORDS = {
    "missing": "missing in Datadog",
    "unexpected": "not in the spec",
    "changed": "changed",
}


@dataclass(frozen=True)
class _Section:
    """A heading, a "what to do" line, and items rendered only when shown."""

    title: str
    todo: Callable[[], str]
    items: list[DriftItem]
    folded: bool
    notices: tuple[str, ...] = ()  # already-short lines of notices (ignored/warnings)
    unit: str = "notice"  # what the lines of ``notices`` are: notices, or spec problems


def render(report: Report, options: RenderOptions) -> str:
    """The report as GitHub-flavoured Markdown, at most ``options.markdown_budget`` long."""
    counts = s.count(report)
    groups = s.by_entity(report)  # the head and the sections both need them
    head = mh.head(report, counts, groups)
    if len(head) + _RESERVE > options.markdown_budget:
        head = mh.headline(report, counts)
    if report.problems:
        sections = [_invalid(report, options)]
    elif report.base:
        sections = _three_way(report, options)
    else:
        sections = _per_entity(report, options, groups)
    shown = [x for x in sections if x.items or x.notices]
    if report.base is not None and report.resolved:
        options = replace(options, base_link=_at_commit(options.link_base, report.base.commit))
    return _fit(head, shown, options, s.Hints(report))


def _at_commit(link_base: str | None, commit: str) -> str | None:
    """``…/blob/<head>/`` made ``…/blob/<commit>/``: resolved items are lines of the base."""
    if link_base is None or "/blob/" not in link_base:
        return None
    return link_base[: link_base.rindex("/blob/")] + f"/blob/{commit}/"


# ---------------------------------------------------------------- budget


class _Page:
    """The parts written so far, and the room left for them."""

    def __init__(self, head: str, room: int) -> None:
        self.parts, self.used, self.room = [head], len(head), room

    def fits(self, *texts: str) -> bool:
        return self.used + sum(map(len, texts)) <= self.room

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.used += len(text)


def _fit(head: str, sections: list[_Section], options: RenderOptions, hints: s.Hints) -> str:
    page = _Page(head, options.markdown_budget - _RESERVE)
    shown = {"item": 0, "notice": 0, "problem": 0}
    for section in sections:
        if not _write_section(page, section, options, shown, hints):
            break
    total_items = sum(len(x.items) for x in sections)
    left = {"item": total_items - shown["item"]}
    for unit in ("notice", "problem"):
        left[unit] = sum(len(x.notices) for x in sections if x.unit == unit) - shown[unit]
    return "".join(page.parts) + _left_out(left, options.markdown_budget)


def _write_section(
    page: _Page, section: _Section, options: RenderOptions, shown: dict[str, int], hints: s.Hints
) -> bool:
    """Write what fits of ``section``; False when the page is full."""
    closing = "\n</details>\n\n" if section.folded else "\n"
    opening = _opening(section)
    pieces = _pieces(section, options, hints)
    first = next(pieces, None)
    if first is None or not page.fits(opening, first[0], closing):
        return False
    page.add(opening)
    piece: tuple[str, str] | None = first
    while piece is not None:
        text, unit = piece
        if not page.fits(text, closing):
            page.add(closing)
            return False
        page.add(text)
        if unit != "header":
            shown[unit] += 1
        piece = next(pieces, None)
    page.add(closing)
    return True


def _opening(section: _Section) -> str:
    what = _kind_phrase(section.items)
    if section.notices:
        what = ", ".join(filter(None, [what, plural(len(section.notices), section.unit)]))
    todo = f"{section.todo()}\n\n"
    if section.folded:
        return f"### {section.title}\n\n<details>\n<summary>{what}</summary>\n\n{todo}"
    return f"### {section.title}\n\n{what}. {todo}"


def _pieces(section: _Section, options: RenderOptions, hints: s.Hints) -> Iterator[tuple[str, str]]:
    """The section's parts in order, each built when asked for: connection lines
    (unit "header"), items ("item") and notices ("notice")."""
    current: tuple[str, str] | None = None
    for index, item in enumerate(section.items):
        if (item.entity, item.connection) != current:
            current = (item.entity, item.connection)
            group = list(_run(section.items, index, current))
            yield mi.connection_line(item.entity, item.connection, group), "header"
        at = options
        if item.origin == "resolved":  # its line is in the base spec, not the change's
            at = replace(options, link_base=options.base_link)
        yield mi.item_entry(item, at, hints.get(item)), "item"
    if section.notices:
        if section.items:
            yield "**Notices**\n\n", "header"
        for line in section.notices:
            yield line, section.unit


def _run(items: list[DriftItem], start: int, key: tuple[str, str]) -> Iterator[DriftItem]:
    """The items from ``start`` on that belong to connection ``key``, up to the next one
    (only what one connection line stands for: never a scan of the whole report)."""
    for index in range(start, len(items)):
        if (items[index].entity, items[index].connection) != key:
            return
        yield items[index]


def _left_out(left: dict[str, int], budget: int) -> str:
    if not any(left.values()):
        return ""
    what = " and ".join(plural(n, unit) for unit, n in left.items() if n)
    return (
        f"\n✂️ **{what} left out** to keep this report under {budget:,} characters. "
        "`driftcheck check --report-json FILE` writes the whole report.\n"
    )


# ---------------------------------------------------------------- sections


def _three_way(report: Report, options: RenderOptions) -> list[_Section]:
    errors = [i for i in report.items if i.severity == "error"]
    other = [i for i in report.items if i.severity != "error"]
    first = next((i for i in errors if i.origin == "introduced"), None)
    existing = [i for i in errors if i.origin == "existing"]
    return [
        _Section(
            "⚔️ Conflicts: this change and Datadog both changed it",
            lambda: (
                "**What to do:** decide which value wins. Keep the spec's value (then "
                "Datadog must be changed to it), or take Datadog's value into the spec."
            ),
            [i for i in errors if i.origin == "conflict"],
            folded=False,
        ),
        _Section(
            "🆕 Introduced by this change",
            lambda: _todo(_INTRODUCED, first),
            [i for i in errors if i.origin == "introduced"],
            folded=False,
        ),
        _Section(
            "✅ Resolved by this change",
            lambda: "**What to do:** nothing: once merged, the spec and Datadog agree here.",
            list(report.resolved),
            folded=False,
        ),
        _Section(
            "🕰️ Already drifted before this change",
            lambda: _todo(_EXISTING, existing[0] if existing else None),
            existing,
            folded=True,
        ),
        _Section(
            "💤 Ignored and warnings",
            lambda: (
                "**What to do:** review the warnings; renew or remove stale and "
                "expired ignore entries."
            ),
            other,
            folded=True,
            notices=_notice_lines(report, options),
        ),
    ]


_INTRODUCED = (
    "this change makes the spec and Datadog differ. Make the same change in Datadog when it "
    "merges, or revert it in the spec. To accept a difference, add an `ignore` entry with a "
    "reason"
)
_EXISTING = (
    "not caused by this change, and it does not fail it. Update the spec to Datadog's value, "
    "revert the edit in Datadog, or add an `ignore` entry with a reason"
)


def _todo(text: str, example: DriftItem | None) -> str:
    """A "what to do" line, with the ignore entry to paste for ``example``."""
    return f"**What to do:** {text}" + (f", e.g.:\n\n{mi.ignore_yaml(example)}" if example else ".")


def _todo_two_way(example: DriftItem) -> Callable[[], str]:
    def todo() -> str:
        return (
            "**What to do:** update the spec to Datadog's value, revert the edit in Datadog, "
            f"or add an `ignore` entry with a reason, e.g.:\n\n{mi.ignore_yaml(example)}"
        )

    return todo


def _per_entity(report: Report, options: RenderOptions, groups: s.Groups) -> list[_Section]:
    rank = {severity: index for index, severity in enumerate(s.SEVERITIES)}
    sections = []
    for name, items in groups:
        if not items:
            continue
        ordered = sorted(items, key=lambda item: rank[item.severity])  # failing first
        failing = ordered[0].severity == "error"
        icon = "❌" if failing else ("⚠️" if ordered[0].severity == "warning" else "💤")
        sections.append(
            _Section(
                f"{icon} {md_code(name, in_table=False)}",
                _todo_two_way(ordered[0]),
                ordered,
                folded=not failing,
            )
        )
    notices = _notice_lines(report, options)
    if notices:
        sections.append(
            _Section(
                "⚠️ Notices",
                lambda: "**What to do:** renew or remove stale and expired ignore entries.",
                [],
                folded=False,
                notices=notices,
            )
        )
    return sections


def _invalid(report: Report, options: RenderOptions) -> _Section:
    lines = tuple(
        f"- ❌ {_where(p.location, options)}: {md_text(clip(p.message, _PROSE))}\n"
        for p in report.problems
    )
    return _Section(
        "🛑 The spec files are invalid",
        lambda: (
            "**What to do:** fix these problems (run `driftcheck validate PATH` to see "
            "them all); nothing was compared with Datadog until then."
        ),
        [],
        folded=False,
        notices=lines,
        unit="problem",
    )


def _where(location: Location, options: RenderOptions) -> str:
    if location.line:
        return mi.link(location, options)
    return md_code(repository_path(location.file, options), in_table=False)


def _notice_lines(report: Report, options: RenderOptions) -> tuple[str, ...]:
    return tuple(
        f"- ⚠️ {_NOTICE.get(n.kind, 'notice')}: {md_text(clip(n.message, _PROSE))} "
        f"({mi.link(n.source, options)})\n"
        for n in report.notices
    )


def _kind_phrase(items: list[DriftItem]) -> str:
    kinds = Counter(item.kind for item in items)
    return ", ".join(f"{kinds[kind]:,} {_KIND_WORDS[kind]}" for kind in s.KINDS if kinds[kind])
