"""The layout rules of the package (README, "How the code is organized"): a small root,
one subpackage per stage re-exporting its names, small modules and short functions."""

from __future__ import annotations

import ast
import importlib
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "driftcheck"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_ROOT_MODULES = 14
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60
STAGES = ("spec", "live", "github", "export", "reporters", "cli")


def test_the_package_root_holds_at_most_14_modules() -> None:
    assert len(list(PACKAGE.glob("*.py"))) <= MAX_ROOT_MODULES


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_is_a_subpackage_exporting_its_names(stage: str) -> None:
    package = importlib.import_module(f"driftcheck.{stage}")
    assert package.__all__, f"driftcheck/{stage}/__init__.py has no __all__"
    for name in package.__all__:
        assert getattr(package, name) is not None


def test_every_subpackage_is_shipped() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in PACKAGE.rglob("__init__.py")}
    assert found <= shipped, f"add to pyproject's packages: {sorted(found - shipped)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_are_small_and_functions_short(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or 0) - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"
