"""The JSON report (``schemas/driftcheck-report.schema.json``, version 2), and reading it back.

Keys come out in a fixed order, indented by two, UTF-8 text kept as is, newline-terminated.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from driftcheck import keep_until_exit
from driftcheck.errors import UsageError
from driftcheck.escape import json_text
from driftcheck.model import (
    Attribution,
    BaseInfo,
    DriftItem,
    EntityError,
    EntityStatus,
    LiveSource,
    Location,
    Notice,
    Problem,
    Report,
)
from driftcheck.reporters import indented_json
from driftcheck.reporters.json_items import item_document, location_document, written_items
from driftcheck.reporters.summary import count, origin_counts
from driftcheck.wording import clip

if TYPE_CHECKING:
    from driftcheck.reporters import RenderOptions

VERSION = 2
_T = TypeVar("_T")
ORIGINS = ("introduced", "conflict", "existing", "resolved")


def render(report: Report, options: RenderOptions) -> str:
    """The report as a JSON document (``options`` change nothing in JSON)."""
    document = to_document(report, items=written_items)  # the items from a template
    text = indented_json.dumps(document)  # json.dumps(indent=2, ensure_ascii=False), faster
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in some value: \u-escape everything instead
        text = indented_json.dumps(document, ensure_ascii=True)
    return json_text(text) + "\n"  # printed in a job log: no legacy workflow command


def item_documents(items: Sequence[DriftItem]) -> list[dict[str, Any]]:
    return [item_document(item) for item in items]


def to_document(
    report: Report, items: Callable[[Sequence[DriftItem]], Any] = item_documents
) -> dict[str, Any]:
    """The report as plain JSON data, in the schema's key order (``items``: how a list of
    drift items is held, by default as a list of :func:`item_document`)."""
    c = count(report)
    return {
        "version": VERSION,
        "status": report.status,
        "summary": {
            "items": c.items,
            "by_kind": dict(c.by_kind),
            "by_severity": dict(c.by_severity),
            "entities_checked": c.entities_checked,
            "entities_unreadable": c.entities_unreadable,
            "connections_checked": c.connections_checked,
            "notices": c.notices,
            "failing": len(report.failing),
            "by_origin": None if report.base is None else _by_origin(report),
        },
        "fail_on": report.fail_on,
        "base": None
        if report.base is None
        else {
            "rev": report.base.rev,
            "commit": report.base.commit,
            "files": list(report.base.files),
        },
        "drift": items(report.items),
        "resolved": None if report.base is None else items(report.resolved),
        "notices": [
            {"kind": n.kind, "message": n.message, "source": location_document(n.source)}
            for n in report.notices
        ],
        "errors": [{"entity": e.entity, "message": e.message} for e in report.errors],
        "entities": [
            {"name": e.name, "status": e.status, "connections_checked": e.connections_checked}
            for e in report.entities
        ],
        "problems": [problem_document(p) for p in report.problems],
        "live": None
        if report.live is None
        else {
            "source": report.live.kind,
            "snapshot": report.live.snapshot,
            "read_at": report.live.read_at,
        },
        "site": report.site,
        "generated_at": report.generated_at,
        "driftcheck_version": report.driftcheck_version,
    }


def problem_document(problem: Problem) -> dict[str, Any]:
    """One spec problem as JSON, as ``validate --format json`` and the report write it."""
    return {
        "file": problem.location.file,
        "line": problem.location.line or None,
        "column": problem.location.column or None,
        "message": problem.message,
        "path": problem.path or None,
    }


def _by_origin(report: Report) -> dict[str, int]:
    """Items of severity error per origin (warnings and ignored items are counted by
    severity), and every resolved item: the counts of the comment's summary line."""
    counts = origin_counts(report)
    return {origin: counts[origin] for origin in ORIGINS}


# ---------------------------------------------------------------- reading a report back


def load_report(text: str) -> Report:
    """Parse a JSON report written by ``driftcheck check --report-json``.

    Raises UsageError when ``text`` is not JSON, not a driftcheck report, or of another version.
    """
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"not a driftcheck report: invalid JSON ({_short(exc)})") from None
    if not isinstance(document, dict) or "version" not in document or "drift" not in document:
        raise UsageError(
            'not a driftcheck report: expected a JSON object with "version" and '
            "\"drift\", as written by 'driftcheck check --report-json FILE'"
        )
    if document["version"] != VERSION:
        raise UsageError(
            f"unsupported report version {_short(document['version'])}: this "
            f"driftcheck reads version {VERSION}; render it with the driftcheck "
            "version that wrote it"
        )
    error = _first_schema_error(document)
    if error:
        raise UsageError(f"not a valid driftcheck report: {error}")
    report = _from_document(document)
    keep_until_exit(document, report)  # the console script ends without freeing them
    return report


@functools.cache
def _validator() -> Any:
    import jsonschema

    from driftcheck.spec.shipped import REPORT_SCHEMA, schema_text

    schema = json.loads(schema_text(REPORT_SCHEMA))
    return jsonschema.validators.validator_for(schema)(schema)


@functools.cache
def _certainly_valid() -> Callable[[Any], bool]:
    from driftcheck.spec.schema_fastpath import compile_schema
    from driftcheck.spec.shipped import REPORT_SCHEMA, schema_text

    return compile_schema(json.loads(schema_text(REPORT_SCHEMA)))


def _first_schema_error(document: Any) -> str | None:
    """The first schema error of a report of this version, worded; None when valid.

    A report driftcheck wrote passes the fast check; jsonschema (slow on a report of
    thousands of items, and slow to import) only runs to find and word what is wrong.
    """
    if _certainly_valid()(document):
        return None
    import jsonschema

    error = jsonschema.exceptions.best_match(_validator().iter_errors(document))
    if error is None:
        return None
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return f"at {where.lstrip('.') or 'the top level'}: {_short(error.message)}"


def _short(value: Any, limit: int = 200) -> str:
    return clip(str(value), limit)


def _from_document(document: Mapping[str, Any]) -> Report:
    """The report of a valid ``document``, made of its objects (it is not usable after)."""
    base = document["base"]
    attributions: dict[tuple[str | None, ...], Attribution] = {}  # one per connection, shared
    return Report(
        resolved=tuple(_item_from(raw, attributions) for raw in document["resolved"] or ()),
        base=None
        if base is None
        else BaseInfo(rev=base["rev"], commit=base["commit"], files=tuple(base["files"])),
        fail_on=document["fail_on"],
        items=tuple(_item_from(raw, attributions) for raw in document["drift"]),
        notices=tuple(
            Notice(kind=n["kind"], message=n["message"], source=Location(**n["source"]))
            for n in document["notices"]
        ),
        errors=tuple(
            EntityError(entity=e["entity"], message=e["message"]) for e in document["errors"]
        ),
        entities=tuple(
            EntityStatus(
                name=e["name"], status=e["status"], connections_checked=e["connections_checked"]
            )
            for e in document["entities"]
        ),
        problems=tuple(
            Problem(
                location=Location(file=p["file"], line=p["line"] or 0, column=p["column"] or 0),
                message=p["message"],
                path=p["path"] or "",
            )
            for p in document.get("problems") or ()
        ),
        live=None
        if document.get("live") is None
        else LiveSource(read_at=document["live"]["read_at"], snapshot=document["live"]["snapshot"]),
        site=document["site"],
        generated_at=document["generated_at"],
        driftcheck_version=document["driftcheck_version"],
    )


def _item_from(
    raw: dict[str, Any], attributions: dict[tuple[str | None, ...], Attribution]
) -> DriftItem:
    """One item, made of ``raw`` itself (the parsed report is not used after this); its
    attribution is the one of ``attributions`` with the same values when there is one
    (every item of a connection has the same: frozen, so shared)."""
    source, found = raw["source"], raw["attribution"]
    attribution = None
    if found is not None:
        key = (found["created_at"], found["created_by"], found["updated_at"], found["updated_by"])
        attribution = attributions.get(key)
        if attribution is None:
            attribution = attributions[key] = Attribution(**found)
    raw["source"] = _restored(Location, source) if source else None
    raw["attribution"] = attribution
    return _restored(DriftItem, raw)


def _restored(cls: type[_T], values: dict[str, Any]) -> _T:
    """``cls(**values)`` for a frozen dataclass of the model, read back from a valid report,
    whose JSON object names exactly its fields (a test holds the schema to it): the same
    value, without ``__init__``'s one ``object.__setattr__`` per field (a third of reading
    back the 10,000 items of a large report)."""
    restored = object.__new__(cls)
    object.__setattr__(restored, "__dict__", values)
    return restored
