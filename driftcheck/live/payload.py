"""The shape of live data: validating list-connections responses and snapshot contents,
and describing the error bodies Datadog sends.

One set of rules serves the API client and the snapshot reader. Connections are kept
exactly as given (unknown keys included); only what the diff relies on is checked:
each connection is an object with a unique string ``id`` and, when present, ``fields`` is
a list of objects with unique string ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from driftcheck.wording import clip

RESPONSE_TYPE = "list_connections_response"
#: Lists and objects nested deeper than this are refused, like in spec files: the diff and
#: the renderers recurse, and no connection of Datadog's comes near it.
MAX_DEPTH = 64
_SNIPPET = 200


class PayloadError(ValueError):
    """Data that does not have the expected shape; the message says where and what."""


class OddConnectionsError(PayloadError):
    """A list-connections response from the right API whose connections are unusable (a
    repeated id, a field without an id): the site is right, the data is odd."""


def parse_json(data: bytes | str, what: str = "the body") -> Any:
    """Parse strict JSON (no NaN or Infinity); :class:`PayloadError` describes any failure.

    ``what`` names the data in messages ("the body", "the file").
    """
    if not data.strip():
        raise PayloadError(f"{what} is empty")
    try:
        parsed = json.loads(data, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise PayloadError(f"{what} is nested deeper than {MAX_DEPTH} levels") from exc
    except UnicodeDecodeError as exc:
        raise PayloadError(f"{what} is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        # A string left open can only end at the end of the data: cut off, like a short read.
        cut = exc.pos >= len(data) - 1 or exc.msg.startswith("Unterminated string")
        hint = "; it looks truncated" if cut else ""
        raise PayloadError(
            f"{what} is not valid JSON ({exc.msg}: line {exc.lineno} column {exc.colno}{hint})"
        ) from exc
    except ValueError as exc:
        raise PayloadError(f"{what} is not valid JSON ({exc})") from exc
    if _deeper_than(parsed, MAX_DEPTH):
        raise PayloadError(f"{what} is nested deeper than {MAX_DEPTH} levels")
    return parsed


def _deeper_than(value: Any, limit: int) -> bool:
    """True when lists and objects nest more than ``limit`` levels (checked without recursion:
    everything after this, the diff and every renderer, may recurse). ``value`` comes from
    ``json.loads``, whose lists and objects are plain ``list`` and ``dict``: one level at a
    time, a comprehension keeps the containers of each (a snapshot of 50,000 fields holds
    about a million values, nearly all strings)."""
    level = [value] if type(value) is dict or type(value) is list else []
    depth = 1
    while level:
        if depth > limit:
            return True
        below: list[Any] = []
        for container in level:
            children = container.values() if type(container) is dict else container
            below += [c for c in children if type(c) is dict or type(c) is list]
        level, depth = below, depth + 1
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def connections_from_response(body: Any) -> tuple[Mapping[str, Any], ...]:
    """The connections of a parsed list-connections response.

    ``data`` and ``data.type`` must be there: without them the body is not a list-connections
    response at all (a proxy's answer, another endpoint), and an empty read must never be
    mistaken for "no connections". ``data.attributes`` and ``attributes.connections`` are
    optional in Datadog's schema, and a missing or null one means the entity has none.
    """
    if not isinstance(body, dict):
        raise PayloadError(f"expected a JSON object, got {_kind(body)}")
    data = body.get("data")
    if not isinstance(data, dict):
        found = "no 'data' object" if data is None else f"'data' is {_kind(data)}"
        raise PayloadError(f"{found}; this is not a list-connections response")
    if data.get("type") != RESPONSE_TYPE:
        raise PayloadError(f"data.type is {_show(data.get('type'))}, expected {RESPONSE_TYPE!r}")
    attributes = data.get("attributes")
    if attributes is None:
        return ()
    if not isinstance(attributes, dict):
        raise OddConnectionsError(f"data.attributes is {_kind(attributes)}, expected an object")
    return validate_connections(attributes.get("connections"), "data.attributes.connections")


def validate_connections(value: Any, where: str) -> tuple[Mapping[str, Any], ...]:
    """``value`` as a tuple of connection objects (None means none); ``where`` names it.

    Problems raise :class:`OddConnectionsError`; a field's problem names its connection by id.
    """
    if value is None:
        return ()
    items = _objects_with_ids(value, where, "connection")
    for index, item in enumerate(items):
        fields = item.get("fields")
        if fields is not None:
            owner = f"connection {_clip(repr(item['id']))}: "
            _objects_with_ids(fields, f"{where}[{index}].fields", "field", owner)
    return tuple(items)


def _objects_with_ids(value: Any, where: str, what: str, owner: str = "") -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise OddConnectionsError(f"{owner}{where} is {_kind(value)}, expected a list")
    seen: set[str] = set()
    for index, item in enumerate(value):
        place = f"{where}[{index}]"
        if not isinstance(item, dict):
            raise OddConnectionsError(f"{owner}{place} is {_kind(item)}, expected an object")
        ident = item.get("id")
        if not isinstance(ident, str) or not ident:
            raise OddConnectionsError(
                f"{owner}a {what} has no usable id ({place}.id is {_show(ident)}, "
                "expected a non-empty string)"
            )
        if ident in seen:
            raise OddConnectionsError(
                f"{owner}{what} id {_clip(repr(ident))} appears twice ({place}.id)"
            )
        seen.add(ident)
    return value


def describe_error_body(body: bytes, content_type: str) -> str:
    """A short human rendering of an error response: its ``errors``, or what the body was."""
    if not body.strip():
        return ""
    try:
        parsed = json.loads(body)
    except ValueError:
        return _describe_text(body.decode("utf-8", "replace"), content_type)
    errors = parsed.get("errors") if isinstance(parsed, dict) else None
    if isinstance(errors, list) and errors:
        return "; ".join(_describe_error(item) for item in errors)
    return _clip(json.dumps(parsed, separators=(",", ":"), ensure_ascii=False))


def _describe_error(item: Any) -> str:
    if isinstance(item, str):
        return _clip(item)
    if isinstance(item, dict):
        parts = [str(item[key]) for key in ("title", "detail") if item.get(key)]
        if parts:
            return _clip(": ".join(parts))
    return _clip(json.dumps(item, separators=(",", ":"), ensure_ascii=False))


def _describe_text(text: str, content_type: str) -> str:
    if "html" in content_type.lower() or text.lstrip().startswith("<"):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        named = f" titled {_clip(' '.join(title.group(1).split()))!r}" if title else ""
        return f"an HTML page{named}, not a JSON error"
    return _clip(" ".join(text.split()))


def describe_bad_body(body: bytes, content_type: str, problem: str) -> str:
    """Why a success response is unusable, naming an HTML page when that is what came back."""
    text = body.decode("utf-8", "replace")
    if body.strip() and ("html" in content_type.lower() or text.lstrip().startswith("<")):
        return f"the body is {_describe_text(text, content_type)}"
    return problem


def _clip(text: str) -> str:
    return clip(text, _SNIPPET)


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    return "missing" if value is None else f"{_clip(repr(value))} ({_kind(value)})"
