"""A fast yes-or-not-sure check of a document against the spec JSON Schema.

``compile_schema(schema)`` turns the schema into nested closures that answer one question:
is the document *certainly* valid? Most spec files are, and then jsonschema (slow on
thousands of fields, and slow to import) is never needed. Any other answer means "not
sure": the caller runs jsonschema, which alone writes the error messages.

Only the keywords the spec schema uses are understood; a schema with any other keyword
compiles to "not sure" for the part that holds it, so this module can never accept a
document that jsonschema would reject (a test checks both on many documents).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "title",
        "description",
        "markdownDescription",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$defs",
    }
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _never(_: Any) -> bool:
    return False


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _same(a: Any, b: Any) -> bool:
    """JSON equality of scalars: true and 1 differ (as in jsonschema)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return _scalar(a) and a == b


def _is_type(name: str) -> Check | None:
    return {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": _is_number,
    }.get(name)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _types(value: Any) -> Check | None:
    """The check of a ``type`` keyword: one type name, or a list of them."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        return None
    checks = [_is_type(name) if isinstance(name, str) else None for name in names]
    if any(check is None for check in checks):
        return None
    if len(checks) == 1:
        return checks[0]
    return lambda v: any(check(v) for check in checks)  # type: ignore[misc]


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


class _Compiler:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda _: True
        if not isinstance(schema, Mapping):
            return _never
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword in _ANNOTATIONS or keyword in ("properties", "required"):
                continue
            check = self._keyword(keyword, value, schema)
            if check is None:
                return _never  # a keyword we do not know: never certain
            checks.append(check)
        obj = self._object(schema) if ("properties" in schema or "required" in schema) else None
        if obj is not None:
            checks.append(obj)
        return _all_of(checks)

    def _keyword(self, keyword: str, value: Any, schema: Mapping[str, Any]) -> Check | None:
        if keyword == "type":
            return _types(value)
        if keyword == "minimum":
            if not _is_number(value):
                return None
            return lambda v: not _is_number(v) or v >= value
        if keyword == "oneOf":
            return self._one_of(value)
        if keyword == "const":
            if isinstance(value, str):
                return lambda v: isinstance(v, str) and v == value
            return (lambda v: _same(v, value)) if _scalar(value) else None
        if keyword == "enum":
            if not all(_scalar(x) for x in value):
                return None
            if all(isinstance(x, str) for x in value):  # most enums: a set look-up
                strings = frozenset(value)
                return lambda v: isinstance(v, str) and v in strings
            return lambda v: any(_same(v, x) for x in value)
        if keyword == "minLength":
            return lambda v: not isinstance(v, str) or len(v) >= value
        if keyword == "format":
            return (lambda v: not isinstance(v, str) or _is_date(v)) if value == "date" else None
        if keyword == "uniqueItems":
            if value is not True:
                return None
            return lambda v: (
                not isinstance(v, list)
                or (all(isinstance(x, str) for x in v) and len(set(v)) == len(v))
            )
        if keyword == "items":
            return _each(self.compile(value))
        if keyword == "propertyNames":
            name = self.compile(value)
            return lambda v: not isinstance(v, dict) or all(name(k) for k in v)
        if keyword == "additionalProperties":
            return self._additional(value, schema.get("properties", {}))
        if keyword == "$ref":
            return self._ref(value)
        return None

    def _one_of(self, branches: Any) -> Check | None:
        """``oneOf`` whose branches accept disjoint JSON types (as ``{"$ref": an object}``
        or ``{"type": "null"}``): at most one can match, so it is certain when one does."""
        if not isinstance(branches, list) or not branches:
            return None
        kinds: list[set[str]] = []
        for branch in branches:
            accepted = self._accepted_types(branch)
            if accepted is None or any(accepted & other for other in kinds):
                return None  # a value might match two branches: never certain
            kinds.append(accepted)
        checks = [self.compile(branch) for branch in branches]

        def one(v: Any) -> bool:
            return [check(v) for check in checks].count(True) == 1

        return one

    def _accepted_types(self, schema: Any, seen: frozenset[str] = frozenset()) -> set[str] | None:
        """The JSON types a schema can accept, from its ``type`` (following one ``$ref``)."""
        if not isinstance(schema, Mapping):
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and ref not in seen:
            target = self.root.get("$defs", {}).get(ref[len("#/$defs/") :])
            return self._accepted_types(target, seen | {ref})
        kind = schema.get("type")
        names = [kind] if isinstance(kind, str) else kind
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            return None
        found = set(names)
        if "number" in found:
            found.add("integer")  # an integer is a number too
        return found

    def _object(self, schema: Mapping[str, Any]) -> Check:
        props = {name: self.compile(sub) for name, sub in schema.get("properties", {}).items()}
        required = tuple(schema.get("required", ()))

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for name in required:
                if name not in v:
                    return False
            for name, value in v.items():
                prop = props.get(name)
                if prop is not None and not prop(value):
                    return False
            return True

        return check

    def _additional(self, value: Any, props: Mapping[str, Any]) -> Check:
        if value is False:
            return lambda v: not isinstance(v, dict) or all(k in props for k in v)
        extra = self.compile(value)
        return lambda v: (
            not isinstance(v, dict) or all(extra(x) for k, x in v.items() if k not in props)
        )

    def _ref(self, ref: Any) -> Check | None:
        if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
            return None
        name = ref[len("#/$defs/") :]
        target = self.root.get("$defs", {}).get(name)
        if target is None:
            return None
        if ref not in self.refs:
            self.refs[ref] = _never  # placeholder while compiling (recursive schemas)
            compiled = self.compile(target)
            self.refs[ref] = compiled
        refs = self.refs

        def follow(value: Any) -> bool:  # looked up when called: the schema may recurse
            return refs[ref](value)

        return follow


def _all_of(checks: list[Check]) -> Check:
    """One check for all of ``checks`` (plain calls: no generator per value checked)."""
    if not checks:
        return lambda _: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)

    def every(v: Any) -> bool:
        for check in checks:  # noqa: SIM110 (a loop: no generator for each value)
            if not check(v):
                return False
        return True

    return every


def _each(item: Check) -> Check:
    def check(v: Any) -> bool:
        if not isinstance(v, list):
            return True
        for x in v:  # noqa: SIM110 (a loop: no generator for each value)
            if not item(x):
                return False
        return True

    return check


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """A function that returns True only for documents certainly valid against ``schema``."""
    return _Compiler(schema).compile(schema)
