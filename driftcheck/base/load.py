"""The base spec of a three-way check: the same spec paths read at a git revision and
validated exactly like the change's spec files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from driftcheck.base.gitread import read_tree_files
from driftcheck.errors import BaseSpecInvalid, SpecInvalid
from driftcheck.model import BaseInfo, Problem, Spec
from driftcheck.spec.files import file_problem, parse_document
from driftcheck.spec.load import spec_from_documents


@dataclass(frozen=True, kw_only=True)
class BaseSpec:
    """The spec at the base revision, and what was read (for the report's ``base``)."""

    spec: Spec
    info: BaseInfo


def load_base_spec(rev: str, paths: Sequence[str], cwd: str) -> BaseSpec:
    """The Spec of ``paths`` at git revision ``rev`` (no checkout), or an error.

    A path missing at ``rev`` names no file, and a base without spec files is an empty spec
    (the change adds them: all of its drift is introduced). Raises UsageError for an unknown
    revision or outside a git work tree, BaseSpecInvalid when the spec there is invalid.
    """
    tree = read_tree_files(rev, paths, cwd)
    loaded: list[tuple[str, object, list[Problem]]] = []
    for blob in tree.blobs:
        if blob.data is None:
            loaded.append((blob.name, None, [file_problem(blob.name, blob.refused or "")]))
        else:
            loaded.append((blob.name, *parse_document(blob.name, blob.data)))
    try:
        spec = spec_from_documents(loaded, [], require_entity=False)
    except SpecInvalid as exc:
        raise BaseSpecInvalid(rev, exc.problems) from None
    files = tuple(blob.name for blob in tree.blobs)
    return BaseSpec(spec=spec, info=BaseInfo(rev=rev, commit=tree.commit, files=files))
