"""The spec JSON Schema is complete enough for editors: ids, docs, examples, closed objects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "driftcheck-spec.schema.json").read_text("utf-8"))


def _objects(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{where}/{i}")


def test_schema_is_valid_2020_12_with_id_and_title() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] == "urn:driftcheck:schema:spec:1"  # no host serves it: a name, not a URL
    assert SCHEMA["title"] and SCHEMA["examples"]


def test_every_property_is_documented_and_objects_are_closed() -> None:
    for where, obj in _objects(SCHEMA):
        if "properties" in obj:
            assert obj.get("additionalProperties") is False, where
        for name, prop in obj.get("properties", {}).items():
            assert prop.get("description"), f"{where}/properties/{name} has no description"
            assert (
                "examples" in prop
                or "enum" in prop
                or prop.get("type") == "array"
                or "$ref" in prop.get("items", {})
            ), f"{where}/properties/{name} has no examples"


def test_schema_examples_are_valid() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for example in SCHEMA["examples"]:
        assert not list(validator.iter_errors(example))


def test_examples_point_editors_at_the_schema() -> None:
    for path in sorted((ROOT / "examples" / "specs").glob("*.yaml")):
        first = path.read_text("utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schemas/driftcheck-spec.schema.json"
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file()


def test_examples_validate_against_the_raw_schema_too() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    for path in sorted((ROOT / "examples" / "specs").glob("*.yaml")):
        document = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        for entry in document.get("ignore", []):
            if "expires" in entry:  # PyYAML reads dates as date objects; the tool keeps text
                entry["expires"] = entry["expires"].isoformat()
        assert not list(validator.iter_errors(document)), path


def test_pre_commit_hook_runs_validate() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    [hook] = hooks
    assert hook["id"] == "driftcheck-validate"
    assert hook["entry"] == "driftcheck validate --find-specs"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False  # the whole spec set: rules across files hold
