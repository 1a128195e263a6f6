"""The spec JSON Schema (read by ``shipped.py``): its check, and its errors turned into
problems that say what is wrong, where, and how to fix it."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

from driftcheck.model import SERVER_MANAGED
from driftcheck.spec.marked_yaml import Mark, MarkedDict, MarkedList
from driftcheck.spec.shipped import SPEC_SCHEMA, schema_text
from driftcheck.wording import did_you_mean


@functools.cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(schema_text(SPEC_SCHEMA))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def path_text(path: Any) -> str:
    """``entities.users.connections[0]`` from a sequence of keys and indexes."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def locate(document: Any, path: Any, *, key: bool = False) -> Mark:
    """The mark of the value at ``path`` (or of its key, with ``key=True``)."""
    node, mark = document, getattr(document, "start", (1, 1))
    parts = list(path)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(node, MarkedDict) and part in node.value_marks:
            mark = node.key_marks[part] if (last and key) else node.value_marks[part]
            node = node[part]
        elif isinstance(node, MarkedList) and isinstance(part, int) and part < len(node):
            mark = node.item_marks[part]
            node = node[part]
        else:
            break
    if isinstance(node, (MarkedDict, MarkedList)) and not key:
        mark = node.start
    return mark


@functools.cache
def _certainly_valid() -> Callable[[Any], bool]:
    from driftcheck.spec.schema_fastpath import compile_schema

    return compile_schema(json.loads(schema_text(SPEC_SCHEMA)))


def problems(document: Any) -> Iterator[tuple[Mark, str, str]]:
    """(mark, message, path) for every schema error of one loaded document.

    A fast check accepts most valid documents without jsonschema (slow on thousands of
    fields, and slow to import); jsonschema alone decides, and words, everything else.
    """
    if _certainly_valid()(document):
        return
    for error in _validator().iter_errors(document):
        yield from _explain(document, error)


def _explain(document: Any, error: Any) -> Iterator[tuple[Mark, str, str]]:
    if error.validator == "uniqueItems":
        return  # the rules name every place of a repeated group (rules.py)
    path = list(error.absolute_path)
    where = path_text(path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for name in sorted(set(error.instance) - set(allowed), key=str):
            yield (locate(document, [*path, name], key=True), _unknown_key(name, allowed), where)
        return
    if "propertyNames" in error.relative_schema_path:
        name = error.instance
        mark = locate(document, [*path, name], key=True)
        allowed = [str(v) for v in error.schema.get("enum", [])]
        yield (
            mark,
            _did_you_mean(
                f"unknown entity {name!r}; entities are " + ", ".join(map(repr, allowed)),
                name,
                allowed,
            ),
            where,
        )
        return
    yield locate(document, path), _message(error), where


def _unknown_key(name: str, allowed: list[str]) -> str:
    if name in SERVER_MANAGED:
        return (
            f"{name!r} is read-only: Datadog sets it; remove it from the spec "
            "(driftcheck shows it as attribution in drift reports)"
        )
    if name in ("site", "api_url", "host", "api_key", "app_key", "url"):
        return (
            f"unknown key {name!r}: the Datadog site, host and keys are never read from a "
            "spec file; use --site/--api-url and the DD_API_KEY/DD_APP_KEY variables"
        )
    return _did_you_mean(f"unknown key {name!r}", name, allowed)


def _did_you_mean(message: str, name: Any, allowed: list[str]) -> str:
    hint = did_you_mean(str(name), allowed)
    if hint:
        return message + hint
    if allowed:
        return f"{message}; allowed: {', '.join(allowed)}"
    return message


_TYPE_NAMES = {
    "string": "a string",
    "array": "a list",
    "object": "a mapping",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}


def _message(error: Any) -> str:
    instance = error.instance
    if error.validator == "type":
        wanted = error.validator_value
        expected = (
            _TYPE_NAMES.get(wanted, wanted)
            if isinstance(wanted, str)
            else " or ".join(_TYPE_NAMES.get(w, w) for w in wanted)
        )
        got = _kind(instance)
        hint = ""
        if wanted == "string" and isinstance(instance, (bool, int, float)):
            hint = (
                ": quote it so YAML keeps it as text (unquoted yes/no/on/off, numbers "
                "and dates are not strings in YAML)"
            )
        elif instance is None:
            hint = ": write a value or remove the key"
        return f"expected {expected}, got {got}{hint}"
    if error.validator == "const" and error.absolute_path and error.absolute_path[-1] == "version":
        if isinstance(instance, str) and instance.strip() == str(error.validator_value):
            return (
                f"version is the string {instance!r}: write the number "
                f"{error.validator_value} without quotes (version: {error.validator_value})"
            )
        return (
            f"unsupported version {instance!r}: this driftcheck reads spec version "
            f"{error.validator_value}"
        )
    if error.validator == "enum":
        allowed = [str(v) for v in error.validator_value]
        return (
            _did_you_mean(f"{instance!r} is not allowed", instance, allowed)
            if isinstance(instance, str)
            else f"{instance!r} is not allowed; allowed: {', '.join(allowed)}"
        )
    if error.validator == "required":
        return str(error.message)
    if error.validator == "minLength":
        return "must not be empty"
    if error.validator == "format":
        return f"{instance!r} is not a valid {error.validator_value} (write YYYY-MM-DD)"
    return str(error.message)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({_yaml_text(value)})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__}"


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
