"""Spec files: finding and reading them, the YAML loader with marks, the JSON Schema and its
fast path, the rules across files, and building the :class:`~driftcheck.model.Spec`.

Its public names, re-exported."""

from __future__ import annotations

from driftcheck.spec.files import (
    MAX_FILE_BYTES,
    SPEC_SUFFIXES,
    file_problem,
    find_spec_files,
    parse_document,
    read_document,
)
from driftcheck.spec.load import (
    FIELD_ATTRIBUTES,
    build_spec,
    load_specs,
    schema_problems,
    spec_from_documents,
)
from driftcheck.spec.marked_yaml import MarkedDict, MarkedList, YamlProblem
from driftcheck.spec.repository import repository_root
from driftcheck.spec.rules import check_rules
from driftcheck.spec.schema import REPORT_SCHEMA, SPEC_SCHEMA, schema_text
from driftcheck.spec.schema_fastpath import compile_schema

__all__ = [
    "FIELD_ATTRIBUTES",
    "MAX_FILE_BYTES",
    "REPORT_SCHEMA",
    "SPEC_SCHEMA",
    "SPEC_SUFFIXES",
    "MarkedDict",
    "MarkedList",
    "YamlProblem",
    "build_spec",
    "check_rules",
    "compile_schema",
    "file_problem",
    "find_spec_files",
    "load_specs",
    "parse_document",
    "read_document",
    "repository_root",
    "schema_problems",
    "schema_text",
    "spec_from_documents",
]
