"""Arguments shared by several commands: the global options (accepted before or after the
command) and the options that say where the live state comes from."""

from __future__ import annotations

import argparse

from driftcheck import __version__
from driftcheck.cli.options import LiveOptions


def add_global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """--debug and --version, on the top-level parser (``top``) and on every command's, so
    that ``driftcheck --debug check`` and ``driftcheck check --debug`` are the same. On a
    command the default is left out: a flag given before the command is not reset."""
    parser.add_argument(
        "--version",
        action="version",
        version=f"driftcheck {__version__}",
        help="print the version and exit",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="log requests (keys redacted) and show tracebacks of internal errors",
    )


def live_options(args: argparse.Namespace) -> LiveOptions:
    """The live-state options of a parsed command line."""
    return LiveOptions(
        entities=tuple(args.entity),
        site=args.site,
        api_url=args.api_url,
        snapshot=vars(args).get("live_snapshot"),
        timeout=args.timeout,
        max_snapshot_age=vars(args).get("max_snapshot_age"),
    )


def add_live_options(
    parser: argparse.ArgumentParser, *, snapshot: bool, specs: bool = True
) -> None:
    """--entity, --site/--api-url(/--live-snapshot, --max-snapshot-age), --timeout.
    ``specs``: the command reads spec files (the default entities are those they declare)."""
    parser.add_argument(
        "--entity",
        action="append",
        default=[],
        metavar="NAME",
        help="only this entity (repeatable); default: "
        + ("every entity the spec files declare" if specs else "users and accounts"),
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--site", help="Datadog site, e.g. datadoghq.eu (default: $DD_SITE or datadoghq.com)"
    )
    source.add_argument(
        "--api-url",
        metavar="URL",
        help="API base URL for proxies and tests (default: $DRIFTCHECK_API_URL); "
        "http:// only to a loopback address",
    )
    if snapshot:
        source.add_argument(
            "--live-snapshot",
            metavar="FILE",
            help="read the live state from a file written by 'driftcheck snapshot'",
        )
        parser.add_argument(
            "--max-snapshot-age",
            metavar="DURATION",
            help="refuse a --live-snapshot read longer ago than this (e.g. 24h, 90m, 7d): "
            "an older one is unreadable (exit 4)",
        )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="total deadline for reading the live state, retries included (default: 60)",
    )
