"""The argument parser: every command, option and help text of driftcheck."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from driftcheck.cli.adopt_arguments import ADOPT, add_adopt
from driftcheck.cli.arguments import add_global_options, add_live_options, live_options
from driftcheck.cli.base_parser import Parser, add_commands
from driftcheck.cli.commands import command
from driftcheck.cli.context import Invocation
from driftcheck.cli.options import (
    ApplyOptions,
    CheckOptions,
    CommentOptions,
    ExportOptions,
    PlanOptions,
    SchemaOptions,
    SnapshotOptions,
    ValidateOptions,
)
from driftcheck.cli.suggest import command_parser
from driftcheck.errors import UsageError
from driftcheck.exitcodes import EPILOG
from driftcheck.redact import TextSink
from driftcheck.reporters import FORMATS


def parse(argv: Sequence[str], stream: TextSink) -> Invocation:
    """``argv`` as an :class:`Invocation`; a usage error raises :class:`UsageError`."""
    parser = build_parser(stream)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # worded by the command's own parser: its options, its --help
        command_parser(parser, args.command).error(f"unrecognized arguments: {' '.join(unknown)}")
    options = args.build(args)
    return Invocation(run=command(args.run), options=options, debug=args.debug)


def _validate(args: argparse.Namespace) -> ValidateOptions:
    if not args.paths and not args.find_specs:
        raise UsageError(
            "validate needs a PATH (or --find-specs to search the current folder)\n"
            "Run 'driftcheck validate --help' for usage."
        )
    paths = tuple(args.paths or ["."])
    return ValidateOptions(paths=paths, format=args.format, find_specs=args.find_specs)


def _check(args: argparse.Namespace) -> CheckOptions:
    return CheckOptions(
        paths=tuple(args.paths),
        live=live_options(args),
        format=args.format,
        output=args.output,
        report_json=args.report_json,
        report_markdown=args.report_markdown,
        report_sarif=args.report_sarif,
        report_junit=args.report_junit,
        report_only=args.report_only,
        color=args.color,
        base=args.base,
        fail_on=args.fail_on,
    )


def _snapshot(args: argparse.Namespace) -> SnapshotOptions:
    return SnapshotOptions(paths=tuple(args.paths), live=live_options(args), output=args.output)


def _export(args: argparse.Namespace) -> ExportOptions:
    return ExportOptions(live=live_options(args), output=args.output, force=args.force)


def _plan(args: argparse.Namespace) -> PlanOptions:
    return PlanOptions(
        paths=tuple(args.paths),
        live=live_options(args),
        base=args.base,
        revert_drift=args.revert_drift,
        output=vars(args).get("output"),
        format=vars(args).get("plan_format"),
    )


def _apply(args: argparse.Namespace) -> ApplyOptions:
    return ApplyOptions(
        plan=_plan(args),
        allow_delete=args.allow_delete,
        allow_replace=args.allow_replace,
        dry_run=args.dry_run,
        format=args.apply_format,
    )


def _add_plan_options(parser: argparse.ArgumentParser) -> None:
    add_live_options(parser, snapshot=False)
    parser.add_argument(
        "--base",
        metavar="REV",
        help="plan only what the change since git revision REV introduced "
        "(existing drift is left alone)",
    )
    parser.add_argument(
        "--revert-drift",
        action="store_true",
        help="with --base: also revert drift that the change did not touch",
    )


def _comment(args: argparse.Namespace) -> CommentOptions:
    if not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds")
    return CommentOptions(
        report=args.report, key=args.key, author=args.author, timeout=args.timeout
    )


def _command(sub: Any, name: str, summary: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    add_global_options(parser, top=False)
    return parser


def build_parser(stream: TextSink) -> argparse.ArgumentParser:
    """The whole command line; every subcommand sets ``run`` (the name of its module in
    ``cli/commands``, imported only when it runs) and ``build`` (its options)."""
    parser = Parser(
        prog="driftcheck",
        description="Datadog Product Analytics data connections "
        "as code: validate specs and detect drift.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
        stream=stream,
    )
    add_global_options(parser, top=True)
    sub = add_commands(parser)
    for name, summary, add in _COMMANDS:  # each one's arguments are added when it is parsed
        _command(sub, name, summary)
        sub.defer(name, add)
    return parser


def _add_validate(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="spec files or directories")
    p.add_argument(
        "--find-specs",
        action="store_true",
        help="in directories (default: the current one), validate only the YAML files that "
        "are driftcheck specs: top-level 'version' and 'entities' keys (for pre-commit)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text: one line per problem, then a count (default); json: a document for tools; "
        "github: an annotation per problem, and the problems in the job summary",
    )
    p.set_defaults(run="validate", build=_validate)


def _add_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="spec files or directories")
    add_live_options(p, snapshot=True)
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="stdout format (default: text; github when GITHUB_ACTIONS=true)",
    )
    p.add_argument("--output", metavar="FILE", help="write the --format output to FILE instead")
    for fmt, what in (
        ("json", "JSON report"),
        ("markdown", "Markdown report"),
        ("sarif", "SARIF"),
        ("junit", "JUnit XML (GitLab, Jenkins, Azure)"),
    ):
        p.add_argument(f"--report-{fmt}", metavar="FILE", help=f"also write the {what} to FILE")
    p.add_argument("--report-only", action="store_true", help="exit 0 on drift (never on errors)")
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colours in the text format: auto (the default: on a terminal, or forced by "
        "FORCE_COLOR/CLICOLOR_FORCE; never with NO_COLOR, TERM=dumb or --output), always or never",
    )
    p.add_argument(
        "--base",
        metavar="REV",
        help="git revision to compare with (e.g. the pull request's base commit): the same "
        "paths are read there, and every drift item is introduced, existing or a conflict",
    )
    p.add_argument(
        "--fail-on",
        choices=("introduced", "all"),
        default=None,
        help="which drift fails the check (exit 2): introduced (and conflicts; the default "
        "with --base) or all (the default without --base)",
    )
    p.set_defaults(run="check", build=_check)


def _paths(p: argparse.ArgumentParser, nargs: str, metavar: str, what: str) -> None:
    p.add_argument("paths", nargs=nargs, metavar=metavar, help=what)


def _add_snapshot(p: argparse.ArgumentParser) -> None:
    _paths(
        p, "*", "PATH", "spec files or directories naming the entities (default: users, accounts)"
    )
    add_live_options(p, snapshot=False)
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the snapshot file to write"
    )
    p.set_defaults(run="snapshot", build=_snapshot)


def _add_export(p: argparse.ArgumentParser) -> None:
    add_live_options(p, snapshot=True, specs=False)
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="DIR",
        help="folder to write ENTITY.yaml into, one file per entity (created if missing)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.set_defaults(run="export", build=_export)


def _add_plan(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="spec files or directories")
    _add_plan_options(p)
    p.add_argument("-o", "--output", metavar="PLAN.json", help="save the plan for 'apply'")
    p.add_argument(
        "--format",
        dest="plan_format",
        choices=("text", "json", "markdown", "github"),
        default=None,
        help="stdout format (default: text; github when GITHUB_ACTIONS=true)",
    )
    p.set_defaults(run="plan", build=_plan)


def _add_apply(p: argparse.ArgumentParser) -> None:
    _paths(p, "+", "PLAN.json|PATH", "a plan saved by 'plan -o', or spec files or directories")
    _add_plan_options(p)
    p.add_argument(
        "--allow-delete", action="store_true", help="allow deleting connections and fields"
    )
    p.add_argument(
        "--allow-replace",
        action="store_true",
        help="allow replacing (delete + create) connections and fields",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="print the requests it would send; send none"
    )
    p.add_argument("--format", dest="apply_format", choices=("text", "markdown"), default="text")
    p.set_defaults(run="apply", build=_apply, timeout=300.0)


def _add_comment(p: argparse.ArgumentParser) -> None:
    p.add_argument("report", metavar="REPORT.json", help="a report written by check --report-json")
    p.add_argument(
        "--key",
        help="marker key of the comment (default: workflow, job and Datadog site; "
        "the action derives one from its inputs)",
    )
    p.add_argument(
        "--author",
        default=None,
        metavar="LOGIN",
        help="the login GITHUB_TOKEN acts for; only a comment by it is ever updated "
        "(default: $DRIFTCHECK_COMMENT_AUTHOR, else github-actions[bot], the workflow token)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="total deadline for talking to GitHub, retries included (default: 120)",
    )
    p.set_defaults(run="comment", build=_comment)


def _add_schema(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead of stdout")
    p.set_defaults(run="schema", build=lambda a: SchemaOptions(output=a.output))


#: Every command: its name, its summary (the top-level --help lists them) and what adds its
#: arguments, in the order of --help.
_COMMANDS: tuple[tuple[str, str, Callable[[argparse.ArgumentParser], None]], ...] = (
    ("validate", "validate spec files", _add_validate),
    ("check", "compare the specs with the live state", _add_check),
    ("snapshot", "save the live state to a JSON file", _add_snapshot),
    ("export", "write spec files from the live state", _add_export),
    ("plan", "compute the changes that make Datadog equal to the specs", _add_plan),
    ("apply", "apply a saved plan, or plan and apply the specs at once", _add_apply),
    ("adopt", ADOPT, add_adopt),
    ("comment", "post or update the pull-request comment", _add_comment),
    ("schema", "print the spec JSON Schema (for editors: see README)", _add_schema),
)
