"""``driftcheck comment REPORT.json``: post or update the sticky pull-request comment."""

from __future__ import annotations

from driftcheck.cli.context import Context, safe
from driftcheck.cli.options import CommentOptions
from driftcheck.exitcodes import ExitCode


def cmd_comment(options: CommentOptions, ctx: Context) -> ExitCode:
    from driftcheck.github.comment import post_comment

    outcome = post_comment(
        options.report,
        key=options.key,
        env=ctx.env,
        log=ctx.log,
        sleep=ctx.sleep,
        clock=ctx.clock,
        timeout=options.timeout,
        author=options.author,
    )
    stream = ctx.stderr if outcome.warning else ctx.stdout
    prefix = "warning: " if outcome.warning else ""
    stream.write(f"{prefix}{safe(outcome.message)}\n")
    return ExitCode.OK
