"""The three-way comparison of ``check --base REV``: the spec at a git revision (read with
git, no checkout), validated like the change's spec, and the origin of every drift item.

Public names are re-exported here and imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck import lazy_exports

if TYPE_CHECKING:
    from driftcheck.base.classify import Classified, classify, key
    from driftcheck.base.gitread import Blob, TreeFiles, read_tree_files
    from driftcheck.base.load import BaseSpec, load_base_spec

_EXPORTS = {
    "BaseSpec": "load",
    "Blob": "gitread",
    "Classified": "classify",
    "TreeFiles": "gitread",
    "classify": "classify",
    "key": "classify",
    "load_base_spec": "load",
    "read_tree_files": "gitread",
}
__all__ = [
    "BaseSpec",
    "Blob",
    "Classified",
    "TreeFiles",
    "classify",
    "key",
    "load_base_spec",
    "read_tree_files",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
