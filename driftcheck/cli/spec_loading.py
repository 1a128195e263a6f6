"""Loading the specs for a command: every problem printed on stderr before the run ends."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from driftcheck.errors import SpecInvalid

if TYPE_CHECKING:
    from driftcheck.cli.context import Context
    from driftcheck.model import Spec


def load_or_explain(paths: Sequence[str], ctx: Context) -> Spec:
    """The Spec at ``paths``; when invalid, every problem written to stderr, then re-raised."""
    from driftcheck.spec.load import load_specs
    from driftcheck.spec.repository import repository_root

    try:
        return load_specs(paths, repository_root(ctx.env, Path.cwd()))
    except SpecInvalid as exc:
        explain(exc, ctx)
        raise


def explain(exc: SpecInvalid, ctx: Context) -> None:
    """Write every problem of an invalid spec set to stderr, as text."""
    from driftcheck.reporters.problems import render_problems

    ctx.stderr.write(render_problems(exc.problems, "text"))
