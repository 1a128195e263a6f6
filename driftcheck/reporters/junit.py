"""JUnit XML, for the test views of other CIs: GitLab (``artifacts:reports:junit``), Jenkins,
Azure Pipelines, CircleCI...

One ``<testsuite>`` per entity; one ``<testcase>`` per connection that has drift items
(classname ``driftcheck.<entity>``, name the connection id), with one ``<failure>`` holding
every failing item (its path, both values and the spec line: a testcase has at most one
failure in the JUnit schema, and CI parsers read only the first) and the warnings and ignored
items as ``<system-out>`` lines (they never fail); one passing testcase counts the entity's other
connections, which are in sync. An unreadable entity is a testcase with an ``<error>``; invalid
spec files are a ``spec`` suite with a testcase per file, its one failure listing every
problem; stale or expired ignore entries
are skipped testcases. Every value from a spec or the API goes through
:func:`driftcheck.escape.terminal` (control characters visible, no workflow command), then
XML escaping.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from driftcheck.escape import terminal
from driftcheck.model import DriftItem, Report
from driftcheck.reporters import summary as s
from driftcheck.wording import clip, plural

if TYPE_CHECKING:
    from driftcheck.reporters import RenderOptions

VALUE_LIMIT = 500
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?", re.ASCII)
#: Characters XML 1.0 forbids that escape.terminal leaves alone.
_NOT_XML = re.compile("[\ufffe\uffff]")


def render(report: Report, options: RenderOptions) -> str:
    """The report as one JUnit XML document."""
    root = ET.Element("testsuites", name="driftcheck", time="0")
    if report.problems:
        _problems(root, report)
    for name, items in _entities(report):
        _entity(root, report, name, items)
    for error in report.errors:
        suite = _suite(root, error.entity, report)
        case = _case(suite, error.entity, "live state")
        ET.SubElement(case, "error", message=_text(error.message), type="unreadable")
    if report.notices:
        suite = _suite(root, "ignore entries", report)
        for notice in report.notices:
            case = _case(suite, "ignore", f"{notice.kind} at {notice.source}")
            ET.SubElement(case, "skipped", message=_text(notice.message))
    _count(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _entities(report: Report) -> list[tuple[str, list[DriftItem]]]:
    """Every entity checked, with its items (entities without drift too)."""
    grouped = dict(s.by_entity(report))
    unreadable = {error.entity for error in report.errors}
    names = [e.name for e in report.entities if e.name not in unreadable]
    return [(name, grouped.get(name, [])) for name in names]


def _entity(root: ET.Element, report: Report, name: str, items: list[DriftItem]) -> None:
    suite = _suite(root, name, report)
    connections = s.by_connection(items)
    for connection, found in connections:
        case = _case(suite, name, connection)
        failing = [item for item in found if item.fails(report.fail_on)]
        if failing:
            kinds = {item.kind for item in failing}
            _failure(
                case,
                [_message(item) for item in failing],
                [
                    "\n".join(
                        [_message(item), *_details(item)] if len(failing) > 1 else _details(item)
                    )
                    for item in failing
                ],
                kind=kinds.pop() if len(kinds) == 1 else "drift",
                noun="failing drift item",
            )
        out = [f"{item.severity}: {_message(item)}" for item in found if item not in failing]
        if out:
            ET.SubElement(case, "system-out").text = "\n".join(out)
    checked = next((e.connections_checked for e in report.entities if e.name == name), 0)
    others = checked - len(connections)
    if others > 0 or not connections:
        _case(suite, name, f"{plural(max(others, 0), 'other connection')} in sync")


def _problems(root: ET.Element, report: Report) -> None:
    suite = _suite(root, "spec", report)
    by_file: dict[str, list[str]] = {}
    for problem in report.problems:
        by_file.setdefault(problem.location.file, []).append(
            f"{problem.location}: {problem.message}"
        )
    for file, messages in by_file.items():
        case = _case(suite, "spec", _text(file))
        texts = [_text(message) for message in messages]
        _failure(case, texts, ["\n".join(texts)], kind="invalid", noun="problem")


def _failure(
    case: ET.Element, messages: list[str], details: list[str], *, kind: str, noun: str
) -> None:
    """The one ``<failure>`` of a testcase: its message names every finding (counted when
    there are several), its text holds each one with its details."""
    message = messages[0] if len(messages) == 1 else f"{plural(len(messages), noun)}: "
    if len(messages) > 1:
        message += "; ".join(messages)
    failure = ET.SubElement(case, "failure", message=_text(message), type=kind)
    failure.text = "\n\n".join(details)


def _suite(root: ET.Element, name: str, report: Report) -> ET.Element:
    suite = ET.SubElement(root, "testsuite", name=_text(name))
    timestamp = report.generated_at.removesuffix("Z")  # xs:dateTime without a zone: UTC
    if _TIMESTAMP.fullmatch(timestamp):  # a report read back may hold any text
        suite.set("timestamp", timestamp)
    return suite


def _case(suite: ET.Element, entity: str, name: str) -> ET.Element:
    return ET.SubElement(
        suite, "testcase", classname=_text(f"driftcheck.{entity}"), name=_text(name), time="0"
    )


def _count(root: ET.Element) -> None:
    """The counts of every suite, and of the whole document."""
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root:
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", "0")
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))


def _message(item: DriftItem) -> str:
    """One line: symbol, path, what happened, both values, where."""
    parts = [f"{s.SYMBOL[item.kind]} {s.subject(item)}: {s.WORDING[item.kind]}"]
    if item.kind == "changed":
        spec, live = s.show_pair(item.expected, item.actual, VALUE_LIMIT)
        parts.append(f"spec: {spec}, datadog: {live}")
    if item.source is not None:
        parts.append(f"at {item.source}")
    return _text("; ".join(parts))


def _details(item: DriftItem) -> list[str]:
    lines = []
    if item.expected is not None:
        lines.append(f"spec:    {s.show_value(item.expected, VALUE_LIMIT)}")
    if item.actual is not None:
        lines.append(f"datadog: {s.show_value(item.actual, VALUE_LIMIT)}")
    if item.source is not None:
        lines.append(f"at {item.source}")
    if s.attribution(item):
        lines.append(s.attribution(item))
    return [_text(line) for line in lines]


def _text(value: str) -> str:
    """Safe in XML 1.0 and in a log: control characters and lone surrogates made visible."""
    return _NOT_XML.sub(
        lambda m: f"\\u{ord(m.group()):04x}", terminal(clip(value, 4 * VALUE_LIMIT))
    )
