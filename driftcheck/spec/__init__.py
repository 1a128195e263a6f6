"""Spec files: finding and reading them, the YAML loader with marks, the JSON Schema and its
fast path, the rules across files, and building the :class:`~driftcheck.model.Spec`.

Public names are re-exported here and imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck import lazy_exports

if TYPE_CHECKING:
    from driftcheck.spec.files import (
        MAX_FILE_BYTES,
        SPEC_SUFFIXES,
        file_problem,
        find_spec_files,
        read_document,
    )
    from driftcheck.spec.load import (
        FIELD_ATTRIBUTES,
        build_spec,
        load_specs,
        render_problems,
        schema_problems,
        summarize,
    )
    from driftcheck.spec.marked_yaml import MarkedDict, MarkedList, YamlProblem
    from driftcheck.spec.rules import check_rules
    from driftcheck.spec.schema import REPORT_SCHEMA, SPEC_SCHEMA, schema_text
    from driftcheck.spec.schema_fastpath import compile_schema

_EXPORTS = {
    "FIELD_ATTRIBUTES": "load",
    "MAX_FILE_BYTES": "files",
    "MarkedDict": "marked_yaml",
    "MarkedList": "marked_yaml",
    "REPORT_SCHEMA": "schema",
    "SPEC_SCHEMA": "schema",
    "SPEC_SUFFIXES": "files",
    "YamlProblem": "marked_yaml",
    "build_spec": "load",
    "check_rules": "rules",
    "compile_schema": "schema_fastpath",
    "file_problem": "files",
    "find_spec_files": "files",
    "load_specs": "load",
    "read_document": "files",
    "render_problems": "load",
    "schema_problems": "load",
    "schema_text": "schema",
    "summarize": "load",
}
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
    "read_document",
    "render_problems",
    "schema_problems",
    "schema_text",
    "summarize",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
