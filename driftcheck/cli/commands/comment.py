"""``driftcheck comment REPORT.json``: post or update the sticky pull-request comment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck.cli.context import Context, safe
from driftcheck.cli.options import CommentOptions
from driftcheck.exitcodes import ExitCode

if TYPE_CHECKING:
    from driftcheck.github.comment import CommentOutcome


def cmd_comment(options: CommentOptions, ctx: Context) -> ExitCode:
    from driftcheck.github.sticky import ClientSettings

    client = ClientSettings(log=ctx.log, sleep=ctx.sleep, clock=ctx.clock, timeout=options.timeout)
    if _is_plan(options.report):  # a plan saved by 'plan -o' gets its own comment
        from driftcheck.github.plan_comment import post_plan_comment
        from driftcheck.plan.planfile import read_plan

        plan = read_plan(options.report)
        outcome = post_plan_comment(
            plan, key=options.key, env=ctx.env, client=client, author=_author(options, ctx)
        )
    else:
        from driftcheck.github.comment import post_comment

        outcome = post_comment(
            options.report,
            key=options.key,
            env=ctx.env,
            client=client,
            author=_author(options, ctx),
        )
    return _tell(outcome, ctx)


def _is_plan(path: str) -> bool:
    """Whether ``path`` holds a saved plan (its first bytes name the plan format)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(200)
    except OSError:
        return False  # the report reader says what is wrong with the file
    return '"format": "driftcheck-plan"' in head


def _tell(outcome: CommentOutcome, ctx: Context) -> ExitCode:
    stream = ctx.stderr if outcome.warning else ctx.stdout
    prefix = "warning: " if outcome.warning else ""
    stream.write(f"{prefix}{safe(outcome.message)}\n")
    return ExitCode.OK


def _author(options: CommentOptions, ctx: Context) -> str:
    """Whose comment is ours: --author, else $DRIFTCHECK_COMMENT_AUTHOR (the action's step
    can set it with ``env:``), else the workflow token's github-actions[bot]."""
    from driftcheck.github.comment import DEFAULT_AUTHOR

    return options.author or ctx.env.get("DRIFTCHECK_COMMENT_AUTHOR", "").strip() or DEFAULT_AUTHOR
