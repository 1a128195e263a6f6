"""The edited texts loaded and validated like spec files, before anything is written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from driftcheck.adopt.yamldoc import BOM
from driftcheck.model import Location, Problem, Spec
from driftcheck.spec import marked_yaml
from driftcheck.spec.load import build_spec, schema_problems
from driftcheck.spec.rules import check_rules


def load_texts(texts: Mapping[str, str]) -> tuple[Spec | None, list[Problem]]:
    """The Spec of the files ``texts`` (path -> whole text, in file order), or the problems
    that make them invalid."""
    documents: list[tuple[str, Any]] = []
    problems: list[Problem] = []
    for path, raw in texts.items():
        try:
            document = marked_yaml.load(raw.removeprefix(BOM))
        except marked_yaml.YamlProblem as exc:
            problems.append(Problem(location=Location(path, *exc.mark), message=exc.message))
            continue
        if not isinstance(document, dict):
            where = Location(path, 1, 1)
            problems.append(Problem(location=where, message="the top level is not a mapping"))
            continue
        found = schema_problems(path, document)
        problems.extend(found)
        if not found:
            documents.append((path, document))
    problems.extend(check_rules(documents))
    if problems:
        return None, problems
    return build_spec(documents), []
