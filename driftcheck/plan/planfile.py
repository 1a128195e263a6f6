"""The plan file: JSON per ``schemas/driftcheck-plan.schema.json``, written atomically.

It holds what apply needs and nothing secret: the site and API URL it was made for, the
operations with the exact request bodies, the fingerprint of each connection's live value,
and the state the verification expects. Reading it back checks the schema and that every
request is the one its operation implies (a hand-edited plan cannot send a write elsewhere).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from driftcheck.errors import UsageError
from driftcheck.escape import json_text
from driftcheck.live.writes import WriteRequest, request_path
from driftcheck.model import Location
from driftcheck.plan.operation import Change, Expected, Fingerprint, Operation, Plan

FORMAT = "driftcheck-plan"
FORMAT_VERSION = 1
PLAN_SCHEMA = "driftcheck-plan.schema.json"


class PlanFileError(UsageError):
    """A plan file that cannot be used (exit 1): what is wrong and how to fix it."""


def to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON document of the schema (stable key order)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "driftcheck_version": plan.driftcheck_version,
        "created_at": plan.created_at,
        "site": plan.site,
        "api_url": plan.api_url,
        "spec": {"digest": plan.spec_digest, "files": list(plan.spec_files)},
        "base": plan.base,
        "entities": list(plan.entities),
        "summary": {
            **{a: plan.count(a) for a in ("create", "update", "replace", "delete")},
            "requires": list(plan.flags),
            "not_planned_failing": plan.failing_unplanned,
        },
        "operations": [_operation(op) for op in plan.operations],
        "unplanned": list(plan.unplanned),
    }


def render_json(plan: Plan) -> str:
    """The plan file's text: UTF-8 JSON, with no legacy workflow command (``##[``) in it."""
    document = to_dict(plan)
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in some value: \u-escape everything instead
        text = json.dumps(document, indent=2, ensure_ascii=True, allow_nan=False)
    return json_text(text) + "\n"


def _operation(op: Operation) -> dict[str, Any]:
    return {
        "action": op.action,
        "entity": op.entity,
        "connection": op.connection,
        "requires": list(op.flags),
        "changes": [
            {
                "kind": c.kind,
                "field": c.field,
                "attributes": [
                    {"attribute": a, "datadog": old, "spec": new} for a, old, new in c.attributes
                ],
                "reason": c.reason,
                "source": _source(c.source),
            }
            for c in op.changes
        ],
        "requests": [{"method": r.method, "path": r.path, "body": r.body} for r in op.requests],
        "fingerprint": {
            "exists": op.fingerprint.exists,
            "sha256": op.fingerprint.sha256,
            "updated_at": op.fingerprint.updated_at,
            "updated_by": op.fingerprint.updated_by,
        },
        "expected": {
            "exists": op.expected.exists,
            "attributes": dict(op.expected.attributes),
            "fields": {k: dict(v) for k, v in op.expected.fields.items()},
            "absent_fields": list(op.expected.absent_fields),
        },
    }


def _source(source: Location | None) -> dict[str, Any] | None:
    if source is None:
        return None
    return {"file": source.file, "line": source.line, "column": source.column}


def _location(source: Mapping[str, Any] | None) -> Location | None:
    if source is None:
        return None
    return Location(source["file"], source["line"], source["column"])


def read_plan(path: str) -> Plan:
    """The plan saved at ``path``; :class:`PlanFileError` says what is wrong with it."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read the plan: {exc.strerror or exc}") from exc
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise PlanFileError(f"{path}: not a JSON plan file ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PlanFileError(
            f'{path}: not a driftcheck plan (no "format": "{FORMAT}"); '
            "write one with 'driftcheck plan PATH... -o PLAN.json'"
        )
    if document.get("format_version") != FORMAT_VERSION:
        raise PlanFileError(
            f"{path}: plan format_version {document.get('format_version')!r} is not "
            f"{FORMAT_VERSION}: make the plan again with this driftcheck"
        )
    _validate(path, document)
    return _plan(path, document)


def _validate(path: str, document: Any) -> None:
    import jsonschema

    from driftcheck.spec.shipped import schema_text

    schema = json.loads(schema_text(PLAN_SCHEMA))
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: e.path
    )
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top)"
        raise PlanFileError(
            f"{path}: the plan does not follow its schema at {where}: {first.message}; "
            "make the plan again instead of editing it"
        )


def _plan(path: str, doc: Mapping[str, Any]) -> Plan:
    return Plan(
        site=doc["site"],
        api_url=doc["api_url"],
        created_at=doc["created_at"],
        driftcheck_version=doc["driftcheck_version"],
        spec_digest=doc["spec"]["digest"],
        spec_files=tuple(doc["spec"]["files"]),
        base=doc["base"],
        entities=tuple(doc["entities"]),
        operations=tuple(_read_operation(path, n, op) for n, op in enumerate(doc["operations"])),
        unplanned=tuple(doc["unplanned"]),
        failing_unplanned=doc["summary"].get("not_planned_failing", 0),
    )


def _read_operation(path: str, index: int, op: Mapping[str, Any]) -> Operation:
    entity, connection = op["entity"], op["connection"]
    requests = []
    for item in op["requests"]:
        request = WriteRequest(
            method=item["method"], entity=entity, connection=connection, body=item["body"]
        )
        body_id = (item["body"] or {}).get("data", {}).get("id", connection)
        if item["path"] != request_path(item["method"], entity, connection) or (
            body_id != connection
        ):
            raise PlanFileError(
                f"{path}: operations[{index}] has a request for another connection than "
                f"{entity}/{connection}; make the plan again instead of editing it"
            )
        requests.append(request)
    fp, ex = op["fingerprint"], op["expected"]
    return Operation(
        action=op["action"],
        entity=entity,
        connection=connection,
        changes=tuple(
            Change(
                kind=c["kind"],
                field=c["field"],
                attributes=tuple(
                    (a["attribute"], a["datadog"], a["spec"]) for a in c["attributes"]
                ),
                reason=c["reason"],
                source=_location(c.get("source")),
            )
            for c in op["changes"]
        ),
        requests=tuple(requests),
        fingerprint=Fingerprint(
            exists=fp["exists"],
            sha256=fp["sha256"],
            updated_at=fp["updated_at"],
            updated_by=fp["updated_by"],
        ),
        expected=Expected(
            exists=ex["exists"],
            attributes=ex["attributes"],
            fields=ex["fields"],
            absent_fields=tuple(ex["absent_fields"]),
        ),
    )
