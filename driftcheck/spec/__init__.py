"""Spec files: finding and reading them, the YAML loader with marks, the JSON Schema and its
fast path, the rules across files, and building the :class:`~driftcheck.model.Spec`.

Its public names, re-exported and imported on first use: reading the report's schema
(``driftcheck comment``) must not import the YAML loader."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck import lazy_exports

if TYPE_CHECKING:
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
    from driftcheck.spec.schema_fastpath import compile_schema
    from driftcheck.spec.shipped import REPORT_SCHEMA, SPEC_SCHEMA, schema_text

_EXPORTS = {
    "FIELD_ATTRIBUTES": "load",
    "MAX_FILE_BYTES": "files",
    "REPORT_SCHEMA": "shipped",
    "SPEC_SCHEMA": "shipped",
    "SPEC_SUFFIXES": "files",
    "MarkedDict": "marked_yaml",
    "MarkedList": "marked_yaml",
    "YamlProblem": "marked_yaml",
    "build_spec": "load",
    "check_rules": "rules",
    "compile_schema": "schema_fastpath",
    "file_problem": "files",
    "find_spec_files": "files",
    "load_specs": "load",
    "parse_document": "files",
    "read_document": "files",
    "repository_root": "repository",
    "schema_problems": "load",
    "schema_text": "shipped",
    "spec_from_documents": "load",
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
    "parse_document",
    "read_document",
    "repository_root",
    "schema_problems",
    "schema_text",
    "spec_from_documents",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
