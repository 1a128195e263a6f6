"""Spec files: load them (``specfiles``), validate (schema and rules), build a Spec.

``load_specs`` returns a :class:`~driftcheck.model.Spec` or raises
:class:`~driftcheck.errors.SpecInvalid` carrying every problem of every file at once.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from driftcheck import keep_until_exit
from driftcheck.errors import SpecInvalid, SpecPathMissing
from driftcheck.model import (
    ConnectionSpec,
    EntitySpec,
    FieldSpec,
    IgnoreRule,
    Location,
    Policy,
    Problem,
    Spec,
)
from driftcheck.spec import marked_yaml, schema
from driftcheck.spec.files import file_problem, find_spec_files, read_document
from driftcheck.spec.rules import check_rules

FIELD_ATTRIBUTES = ("source_name", "type", "display_name", "description", "groups")


def schema_problems(name: str, document: Any) -> list[Problem]:
    """Schema errors of one document. An unsupported version hides every other error."""
    version = document.get("version")
    found = [
        Problem(location=marked_yaml.location(name, mark), message=message, path=where)
        for mark, message, where in schema.problems(document)
    ]
    if version != 1 and "version" in document:
        return [p for p in found if p.path == "version"] or found
    return found


def load_specs(paths: Sequence[str], root: Path | None = None, *, by_content: bool = False) -> Spec:
    """Find, load and validate the spec files; the Spec of all of them, or SpecInvalid.
    ``root``: the repository, which no path may leave through a symbolic link.
    ``by_content``: directories yield only the YAML files that look like specs (see
    :func:`driftcheck.spec.files.looks_like_spec`). A path that does not exist raises
    :class:`~driftcheck.errors.SpecPathMissing` (a usage error) before anything is read."""
    missing = tuple(p for p in paths if not os.path.lexists(p))
    if missing:
        raise SpecPathMissing(missing, os.getcwd())
    hidden: list[Path] = []
    files, problems = find_spec_files(paths, root, by_content=by_content, hidden=hidden)
    spec = spec_from_documents(((str(path), *read_document(path)) for path in files), problems)
    return replace(spec, hidden_skipped=len(hidden))


def spec_from_documents(
    loaded: Iterable[tuple[str, Any, list[Problem]]],
    problems: list[Problem],
    *,
    require_entity: bool = True,
) -> Spec:
    """The Spec of parsed documents ``(name, document or None, problems of reading it)``,
    or SpecInvalid with every problem. ``require_entity``: a set that declares no entity is
    a problem (the base spec of a pull request may be empty: it is not)."""
    documents: list[tuple[str, Any]] = []
    partly: list[tuple[str, Any]] = []  # schema errors, yet its well-formed parts are checked
    for name, document, found in loaded:
        problems.extend(found)
        if document is not None:
            invalid = schema_problems(name, document)
            problems.extend(invalid)
            if not invalid:
                documents.append((name, document))
            elif type(document.get("version")) is int and document["version"] == 1:
                partly.append((name, document))
    problems.extend(check_rules(documents, partly))
    declared = any(doc.get("entities") for _, doc in documents)
    if require_entity and documents and not problems and not declared:
        problems.append(
            file_problem(
                documents[0][0],
                "no entity is declared in the spec "
                "files, so there is nothing to check: declare 'users' "
                "or 'accounts' under 'entities:'",
                (1, 1),
            )
        )
    if problems:
        raise SpecInvalid(tuple(sorted(set(problems), key=_sort_key)))
    keep_until_exit(documents)  # the console script ends without freeing them
    return build_spec(documents)


def _sort_key(problem: Problem) -> tuple[str, int, int, str]:
    loc = problem.location
    return (loc.file, loc.line, loc.column, problem.message)


def build_spec(documents: Sequence[tuple[str, Any]]) -> Spec:
    """The Spec of schema-valid, rule-checked documents (entity policies merged)."""
    entities: dict[str, dict[str, Any]] = {}
    ignores: list[IgnoreRule] = []
    for name, document in documents:
        for entity, body in (document.get("entities") or {}).items():
            merged = entities.setdefault(entity, {"connections": [], "location": None})
            merged["location"] = merged["location"] or marked_yaml.location(
                name, document["entities"].key_marks[entity]
            )
            for policy in ("unmanaged_connections", "unmanaged_fields"):
                if policy in body:
                    merged[policy] = body[policy]
            merged["connections"].extend((name, c) for c in body.get("connections") or ())
        ignores.extend(_ignore(name, entry) for entry in document.get("ignore") or ())
    built = {}
    for entity, merged in sorted(entities.items()):
        entity_fields: Policy = merged.get("unmanaged_fields", "fail")
        built[entity] = EntitySpec(
            name=entity,
            unmanaged_connections=merged.get("unmanaged_connections", "fail"),
            unmanaged_fields=entity_fields,
            connections=tuple(_connection(n, c, entity_fields) for n, c in merged["connections"]),
            location=merged["location"],
        )
    return Spec(entities=built, ignores=tuple(ignores), files=tuple(n for n, _ in documents))


def _connection(name: str, body: Any, entity_fields: Policy) -> ConnectionSpec:
    attributes: dict[str, Any] = {"type": body["type"], "join": dict(body["join"])}
    places = {key: marked_yaml.location(name, body.key_marks[key]) for key in ("type", "join")}
    places.update(
        {f"join.{k}": marked_yaml.location(name, body["join"].key_marks[k]) for k in body["join"]}
    )
    if "metadata" in body:
        attributes["metadata"] = dict(body["metadata"])
        places["metadata"] = marked_yaml.location(name, body.key_marks["metadata"])
        places.update(
            {
                f"metadata.{k}": marked_yaml.location(name, body["metadata"].key_marks[k])
                for k in body["metadata"]
            }
        )
    return ConnectionSpec(
        id=body["id"],
        attributes=attributes,
        fields=tuple(_field(name, f) for f in body.get("fields") or ()),
        unmanaged_fields=body.get("unmanaged_fields", entity_fields),
        location=marked_yaml.location(name, body.start),
        attribute_locations=places,
    )


def _field(name: str, body: Any) -> FieldSpec:
    attributes = {
        k: (list(body[k]) if k == "groups" else body[k]) for k in FIELD_ATTRIBUTES if k in body
    }
    return FieldSpec(
        id=body["id"],
        attributes=attributes,
        location=marked_yaml.location(name, body.start),
        attribute_locations=_Places(name, body.key_marks, attributes),
        previous_id=body.get("previous_id"),
    )


class _Places(Mapping[str, Location]):
    """Where each attribute of a field was written, made into Locations only when asked:
    a spec has tens of thousands of attributes, a report points at a few."""

    __slots__ = ("_file", "_keys", "_marks")

    def __init__(
        self, file: str, marks: Mapping[str, marked_yaml.Mark], keys: Mapping[str, Any]
    ) -> None:
        self._file, self._marks, self._keys = file, marks, keys

    def __getitem__(self, key: str) -> Location:
        if key not in self._keys:
            raise KeyError(key)
        return marked_yaml.location(self._file, self._marks[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return repr(dict(self))


def _ignore(name: str, entry: Any) -> IgnoreRule:
    expires = entry.get("expires")
    return IgnoreRule(
        entity=entry["entity"],
        connection=entry.get("connection"),
        field=entry.get("field"),
        attribute=entry.get("attribute"),
        reason=entry["reason"],
        expires=dt.date.fromisoformat(expires) if expires else None,
        location=marked_yaml.location(name, entry.start),
    )
