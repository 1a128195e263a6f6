"""A fast yes-or-not-sure check of a document against a JSON Schema (the spec's, the report's).

``compile_schema(schema)`` turns the schema into Python source, one function per object
schema and per ``$ref`` target, with the checks of each keyword written inline (``isinstance``
tests, set look-ups for enums, ``keys() <= allowed`` for ``additionalProperties: false``),
and compiles it once. The function answers one question: is the document *certainly* valid?
Most documents are, and then jsonschema (slow on thousands of items, and slow to import) is
never needed. Any other answer means "not sure": the caller runs jsonschema, which alone
writes the error messages.

Only the keywords these schemas use are understood; a schema with any other keyword compiles
to "not sure" for the part that holds it, so this module can never accept a document that
jsonschema would reject (tests check both on many documents). Every generated expression is
total: it answers for any JSON value, whatever the order its checks run in.
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
#: keywords that check other schemas: a ``$ref`` target without them is written inline
_STRUCTURED = frozenset(
    {"properties", "required", "additionalProperties", "items", "propertyNames", "$ref", "oneOf"}
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NUMBER = "(not isinstance({x}, bool) and isinstance({x}, (int, float)))"
_TYPES = {
    "object": "isinstance({x}, dict)",
    "array": "isinstance({x}, list)",
    "string": "isinstance({x}, str)",
    "boolean": "isinstance({x}, bool)",
    "null": "{x} is None",
    "integer": "(not isinstance({x}, bool) and isinstance({x}, int))",
    "number": _NUMBER,
}


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _same(a: Any, b: Any) -> bool:
    """JSON equality of scalars: true and 1 differ (as in jsonschema)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return _scalar(a) and a == b


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _unique_strings(value: Any) -> bool:
    """``uniqueItems``, certain only for strings (1 and true differ in JSON, not in Python)."""
    return not isinstance(value, list) or (
        all(isinstance(x, str) for x in value) and len(set(value)) == len(value)
    )


def _extra(value: Any, known: frozenset[str], check: Check) -> bool:
    """``additionalProperties`` with a schema: every member not in ``properties`` passes."""
    if not isinstance(value, dict):
        return True
    for key, member in value.items():  # noqa: SIM110 (a loop: no generator per value)
        if key not in known and not check(member):
            return False
    return True


class _Value:
    """The name of a value in the generated source, and its JSON type when a check before
    has made sure of it (then the checks of other types' keywords need no guard)."""

    def __init__(self, name: str, known: str | None) -> None:
        self.name, self.known = name, known

    def unless(self, kind: str) -> str:
        """``not isinstance(x, T) or `` (what guards a check that applies to type ``kind``
        only), or nothing when the value is known to be of that type."""
        if self.known == kind or (kind == "number" and self.known == "integer"):
            return ""
        return f"not {_TYPES[kind].format(x=self.name)} or "


class _Generator:
    """Writes the source of the checks of one schema (``root``, which holds the ``$defs``)."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "_same": _same,
            "_is_date": _is_date,
            "_unique_strings": _unique_strings,
            "_extra": _extra,
        }
        self.refs: dict[str, str] = {}  # "#/$defs/x" -> the name of its function
        self.count = 0

    def constant(self, value: Any) -> str:
        name = f"_k{len(self.names)}"
        self.names[name] = value
        return name

    def function(self, schema: Any, name: str | None = None) -> str:
        """The name of a new function that checks ``schema`` (``name``, when reserved)."""
        name = name or self._fresh()
        tests = self.tests(schema, "v")
        body = [f"    if not {test}:\n        return False\n" for test in tests]
        if isinstance(schema, Mapping) and tests != ["False"]:
            body += [f"{line}\n" for line in self._members(schema)]
        self.lines.append(f"def {name}(v):\n" + "".join(body) + "    return True\n")
        return name

    def _fresh(self) -> str:
        self.count += 1
        return f"_f{self.count}"

    def expression(self, schema: Any, x: str) -> str:
        """A boolean expression that holds when the value named ``x`` is certainly valid."""
        if isinstance(schema, Mapping) and ("properties" in schema or "required" in schema):
            return f"{self.function(schema)}({x})"  # statements: a function of its own
        tests = self.tests(schema, x)
        return " and ".join(tests) if tests else "True"

    def tests(self, schema: Any, x: str) -> list[str]:
        """The checks of the keywords of ``schema`` other than properties and required; the
        type's first, so that the others need not guard against values of another type."""
        if schema is True:
            return []
        if not isinstance(schema, Mapping):
            return ["False"]
        kind = schema.get("type")
        known = kind if isinstance(kind, str) and kind in _TYPES else None
        found: list[str] = []
        for keyword, value in sorted(schema.items(), key=lambda pair: pair[0] != "type"):
            if keyword in _ANNOTATIONS or keyword in ("properties", "required"):
                continue
            test = self._keyword(keyword, value, schema, _Value(x, known))
            if test is None:
                return ["False"]  # a keyword we do not know: never certain
            found.append(test)
        return found

    def _keyword(
        self, keyword: str, value: Any, schema: Mapping[str, Any], x: _Value
    ) -> str | None:
        if keyword == "type":
            return _types(value, x.name)
        if keyword == "minimum":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return None
            return f"({x.unless('number')}{x.name} >= {self.constant(value)})"
        if keyword in ("const", "enum"):
            return self._one_of_values([value] if keyword == "const" else value, x)
        if keyword == "minLength":
            if isinstance(value, bool) or not isinstance(value, int):
                return None
            return f"({x.unless('string')}len({x.name}) >= {value!r})"
        if keyword == "format":
            return f"({x.unless('string')}_is_date({x.name}))" if value == "date" else None
        if keyword == "uniqueItems":
            return f"_unique_strings({x.name})" if value is True else None
        if keyword in ("items", "propertyNames"):
            each = f"all(map({self._checker(value)}, {x.name}))"
            return f"({x.unless('array' if keyword == 'items' else 'object')}{each})"
        if keyword == "additionalProperties":
            return self._additional(value, schema, x)
        if keyword == "$ref":
            return self._ref(value, x.name)
        if keyword == "oneOf":
            return self._one_of(value, x.name)
        return None

    def _one_of_values(self, values: Any, x: _Value) -> str | None:
        """``enum`` (or ``const``, one value): a set look-up for the strings among them."""
        if not isinstance(values, list) or not all(_scalar(v) for v in values):
            return None
        strings = frozenset(v for v in values if isinstance(v, str))
        guard = "" if x.known == "string" else f"isinstance({x.name}, str) and "
        tests = [f"({guard}{x.name} in {self.constant(strings)})"] if strings else []
        for other in (v for v in values if not isinstance(v, str)):
            same = f"_same({x.name}, {self.constant(other)})"
            tests.append(f"{x.name} is None" if other is None else same)
        return f"({' or '.join(tests)})" if tests else "False"

    def _checker(self, schema: Any) -> str:
        """The name of a function that checks ``schema`` (for ``map`` over members)."""
        if isinstance(schema, Mapping) and set(schema) - _ANNOTATIONS == {"$ref"}:
            name = self._ref_function(schema["$ref"])
            if name is not None:
                return name
        return self.function(schema)

    def _additional(self, value: Any, schema: Mapping[str, Any], x: _Value) -> str | None:
        props = schema.get("properties", {})
        if not isinstance(props, Mapping):
            return None
        known = self.constant(frozenset(props))
        if value is False:  # every member named, and when all are required, all of them
            compare = "==" if _all_required(schema) else "<="
            return f"({x.unless('object')}{x.name}.keys() {compare} {known})"
        return f"_extra({x.name}, {known}, {self._checker(value)})"

    def _members(self, schema: Mapping[str, Any]) -> list[str]:
        """Statements for ``required`` and ``properties`` (for objects only)."""
        props, required = schema.get("properties", {}), schema.get("required", [])
        if not isinstance(props, Mapping) or not isinstance(required, list):
            return ["    return False"]
        if not props and not required:
            return []
        lines = [] if schema.get("type") == "object" else ["    if not isinstance(v, dict):"]
        lines += ["        return True"] if lines else []
        if required and not _all_required(schema):  # else keys() == all of them, above
            lines += [f"    if not v.keys() >= {self.constant(frozenset(required))}:"]
            lines += ["        return False"]
        for name, sub in props.items():
            test = self.expression(sub, "x")
            if test == "True":
                continue
            indent = "    " if name in required else "        "
            if name not in required:
                lines.append(f"    if {name!r} in v:")
            lines += [f"{indent}x = v[{name!r}]", f"{indent}if not ({test}):"]
            lines.append(f"{indent}    return False")
        return lines

    def _one_of(self, branches: Any, x: str) -> str | None:
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
        return "(" + " or ".join(f"({self.expression(b, x)})" for b in branches) + ")"

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

    def _target(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
            return None
        return self.root.get("$defs", {}).get(ref[len("#/$defs/") :])

    def _ref(self, ref: Any, x: str) -> str | None:
        """A ``$ref``: a leaf target is written inline, any other is a call of its function."""
        target = self._target(ref)
        if target is None:
            return None
        if not isinstance(target, Mapping) or _STRUCTURED.isdisjoint(target):
            tests = self.tests(target, x)
            return f"({' and '.join(tests)})" if tests else "True"
        return f"{self._ref_function(ref)}({x})"

    def _ref_function(self, ref: Any) -> str | None:
        target = self._target(ref)
        if target is None:
            return None
        if ref not in self.refs:  # named before it is written: the schema may recurse
            self.refs[ref] = self._fresh()
            self.function(target, self.refs[ref])
        return self.refs[ref]


def _all_required(schema: Mapping[str, Any]) -> bool:
    """No member but those of ``properties``, and every one required: one ``==`` of the
    keys checks both ``additionalProperties: false`` and ``required``."""
    props, required = schema.get("properties"), schema.get("required")
    return (
        schema.get("additionalProperties") is False
        and isinstance(props, Mapping)
        and isinstance(required, list)
        and set(required) == set(props)
    )


def _types(value: Any, x: str) -> str | None:
    """The check of a ``type`` keyword: one type name, or a list of them."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        return None
    if not all(isinstance(name, str) and name in _TYPES for name in names):
        return None
    return "(" + " or ".join(_TYPES[name].format(x=x) for name in names) + ")"


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """A function that returns True only for documents certainly valid against ``schema``."""
    generator = _Generator(schema)
    top = generator.function(schema)
    source = "\n".join(generator.lines)
    namespace = dict(generator.names)
    exec(compile(source, "<driftcheck schema fast path>", "exec"), namespace)
    check: Check = namespace[top]
    return check
