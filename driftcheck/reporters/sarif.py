"""SARIF 2.1.0 for GitHub code scanning (``--format sarif``, ``--report-sarif FILE``).

One rule per kind of drift (and per kind of notice), one result per item at its spec line,
with URIs relative to the repository root (``%SRCROOT%``). ``partialFingerprints`` hash what
the item is about (entity, connection, field, attribute, kind), never its line: the same
drift keeps its alert when unrelated lines move. With ``--base`` every result has a
``baselineState``: ``new`` for introduced and conflicting items, ``unchanged`` for existing
ones (resolved items are not results: code scanning closes what is no longer reported).
Ignored items are results with an external suppression carrying the ignore's reason. An
entity that could not be read makes the invocation unsuccessful, with a notification. A check
that ended on invalid spec files (nothing was compared) is unsuccessful too, with one
``invalid_spec`` error result per problem at its place.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING, Any

from driftcheck.escape import json_text
from driftcheck.model import DriftItem, Location, Notice, Problem, Report
from driftcheck.reporters import summary as s
from driftcheck.spec.repository import relative_uri
from driftcheck.wording import plural

if TYPE_CHECKING:
    from driftcheck.reporters import RenderOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/your-org/driftcheck"
_RULES: dict[str, tuple[str, str, str]] = {
    # id: (name, short description, full description)
    "missing": (
        "DeclaredButMissingInDatadog",
        "Declared in the spec, missing in Datadog",
        "A connection or field that the spec declares does not exist in Datadog.",
    ),
    "unexpected": (
        "InDatadogButNotInTheSpec",
        "In Datadog, not declared in the spec",
        "Datadog has a connection or field that no spec file declares (unmanaged_connections"
        " or unmanaged_fields decide whether it fails).",
    ),
    "changed": (
        "SpecAndDatadogDiffer",
        "The spec and Datadog differ",
        "A managed attribute has another value in Datadog than in the spec.",
    ),
    "stale_ignore": (
        "StaleIgnoreEntry",
        "Ignore entry that matches nothing",
        "An ignore entry selects nothing declared or live: remove it or fix its selectors.",
    ),
    "expired_ignore": (
        "ExpiredIgnoreEntry",
        "Expired ignore entry",
        "An ignore entry's expires day has passed: it no longer applies.",
    ),
}
#: The rule of a spec problem: listed only in a log that has problems (other logs unchanged).
_INVALID = (
    "invalid_spec",
    "InvalidSpecFile",
    "Invalid spec file",
    "A spec file is not valid (YAML, the JSON Schema or the rules across files): the check "
    "stopped before comparing anything with Datadog.",
)
_LEVEL = {"error": "error", "warning": "warning", "ignored": "note"}
_BASELINE = {"introduced": "new", "conflict": "new", "existing": "unchanged"}


def render(report: Report, options: RenderOptions) -> str:
    """The report as a SARIF 2.1.0 log (one run)."""
    root = options.repository_root
    cwd = os.getcwd()
    rule_index = {rule: index for index, rule in enumerate(_RULES)}
    results = [_item_result(item, rule_index, root, cwd) for item in report.items]
    results += [_notice_result(n, rule_index, root, cwd) for n in report.notices]
    results += [_problem_result(p, len(_RULES), root, cwd) for p in report.problems]
    run: dict[str, Any] = {
        "tool": {"driver": _driver(report)},
        "invocations": [_invocation(report)],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if root is not None:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": _directory_uri(root)}}
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_text(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def _driver(report: Report) -> dict[str, Any]:
    from driftcheck import __version__

    version = report.driftcheck_version
    version = version if version[:1].isdigit() else __version__  # a report read back: any text
    rules = [(rule, *texts) for rule, texts in _RULES.items()]
    if report.problems:
        rules.append(_INVALID)
    return {
        "name": "driftcheck",
        "version": version,
        "semanticVersion": version,
        "informationUri": INFORMATION_URI,
        "rules": [
            {
                "id": rule,
                "name": name,
                "shortDescription": {"text": short},
                "fullDescription": {"text": full},
                "helpUri": f"{INFORMATION_URI}#reports",
                "help": {"text": full},
                "defaultConfiguration": {"level": "error" if rule in s.KINDS else "warning"},
            }
            for rule, name, short, full in rules
        ],
    }


def _invocation(report: Report) -> dict[str, Any]:
    notifications = [
        {
            "level": "error",
            "message": {
                "text": f"{e.entity}: could not be read, its drift is unknown: {e.message}"
            },
        }
        for e in report.errors
    ]
    if report.problems:
        found = plural(len(report.problems), "problem")
        text = f"the spec files are invalid ({found}): nothing was compared with Datadog"
        notifications.append({"level": "error", "message": {"text": text}})
    invocation: dict[str, Any] = {"executionSuccessful": not (report.errors or report.problems)}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _item_result(
    item: DriftItem, rules: dict[str, int], root: str | None, cwd: str
) -> dict[str, Any]:
    lines = [f"{item.entity}/{item.connection}: {s.subject(item)}: {s.WORDING[item.kind]}"]
    if item.kind == "changed":
        lines += s.changed_lines(item)
    attribution = s.attribution(item)
    if attribution:
        lines.append(attribution)
    result: dict[str, Any] = {
        "ruleId": item.kind,
        "ruleIndex": rules[item.kind],
        "level": _LEVEL[item.severity],
        "message": {"text": "\n".join(lines)},
        "partialFingerprints": {"driftcheckItem/v1": fingerprint(item)},
    }
    if item.source is not None:
        result["locations"] = [_location(item.source, root, cwd)]
    if item.origin in _BASELINE:
        result["baselineState"] = _BASELINE[item.origin]
    if item.severity == "ignored":
        result["suppressions"] = [{"kind": "external", "justification": item.reason or ""}]
    properties = {"entity": item.entity, "connection": item.connection}
    if item.origin is not None:
        properties["origin"] = item.origin
    result["properties"] = properties
    return result


def _notice_result(
    notice: Notice, rules: dict[str, int], root: str | None, cwd: str
) -> dict[str, Any]:
    return {
        "ruleId": notice.kind,
        "ruleIndex": rules[notice.kind],
        "level": "warning",
        "message": {"text": notice.message},
        "locations": [_location(notice.source, root, cwd)],
        "partialFingerprints": {
            "driftcheckNotice/v1": _digest(notice.kind, notice.message),
        },
    }


def _problem_result(problem: Problem, index: int, root: str | None, cwd: str) -> dict[str, Any]:
    return {
        "ruleId": _INVALID[0],
        "ruleIndex": index,
        "level": "error",
        "message": {"text": problem.message + (f" (at {problem.path})" if problem.path else "")},
        "locations": [_location(problem.location, root, cwd)],
        "partialFingerprints": {
            "driftcheckProblem/v1": _digest(problem.location.file, problem.path, problem.message),
        },
    }


def fingerprint(item: DriftItem) -> str:
    """What the item is about, hashed: stable across runs and line moves."""
    return _digest(item.kind, item.entity, item.connection, item.field or "", item.attribute or "")


def _digest(*parts: str) -> str:
    data = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


def _location(location: Location, root: str | None, cwd: str) -> dict[str, Any]:
    from pathlib import Path
    from urllib.parse import quote

    uri = relative_uri(location.file, root, cwd)
    if uri.startswith("/"):  # outside the repository: an absolute file URI
        artifact: dict[str, Any] = {"uri": Path(uri).as_uri()}
    else:
        artifact = {"uri": quote(uri, safe="/", errors="backslashreplace")}
        if root is not None:
            artifact["uriBaseId"] = "%SRCROOT%"
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if location.line > 0:
        physical["region"] = {"startLine": location.line, "startColumn": max(location.column, 1)}
    return {"physicalLocation": physical}


def _directory_uri(root: str) -> str:
    from pathlib import Path

    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"
