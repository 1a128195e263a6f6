"""The three-way comparison of ``check --base REV``: the spec at a git revision (read with
git, no checkout), validated like the change's spec, and the origin of every drift item.
Its public names, re-exported."""

from __future__ import annotations

from driftcheck.base.classify import Classified, classify, key
from driftcheck.base.gitread import Blob, TreeFiles, read_tree_files
from driftcheck.base.load import BaseSpec, load_base_spec

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
