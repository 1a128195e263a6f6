"""The ``adopt`` command's arguments and options (beside ``parser.py``, which holds the
other commands' and would grow past its size limit)."""

from __future__ import annotations

import argparse

from driftcheck.cli.arguments import add_live_options, live_options
from driftcheck.cli.options import AdoptOptions

ADOPT = "accept the live state into the spec files (minimal edits)"


def add_adopt(p: argparse.ArgumentParser) -> None:
    """``driftcheck adopt PATH... [--connection GLOB] [--field GLOB] [--kind KINDS]
    [--dry-run] [--report-markdown FILE]`` and the live-state options."""
    p.add_argument("paths", nargs="+", metavar="PATH", help="spec files or directories")
    add_live_options(p, snapshot=True)
    for name, what in (("connection", "connections"), ("field", "fields")):
        p.add_argument(
            f"--{name}",
            action="append",
            default=[],
            metavar="GLOB",
            help=f"only drift of {what} matching GLOB (repeatable; * and ? globs)",
        )
    p.add_argument(
        "--kind",
        default="changed,unexpected",
        metavar="KINDS",
        help="kinds to adopt, comma-separated: changed, unexpected, missing (missing "
        "removes the spec's item; default: changed,unexpected)",
    )
    p.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")
    p.add_argument(
        "--report-markdown", metavar="FILE", help="also write the changes as Markdown (a PR body)"
    )
    p.set_defaults(run="adopt", build=_adopt)


def _adopt(args: argparse.Namespace) -> AdoptOptions:
    from driftcheck.adopt.select import parse_kinds

    return AdoptOptions(
        paths=tuple(args.paths),
        live=live_options(args),
        kinds=parse_kinds(args.kind),
        connections=tuple(args.connection),
        fields=tuple(args.field),
        dry_run=args.dry_run,
        report_markdown=args.report_markdown,
    )
