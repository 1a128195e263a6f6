"""How a command reads the live state: a snapshot file, or the Datadog API with the site,
URL and keys that the options and the environment give."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck.errors import UsageError
from driftcheck.redact import secrets_from_env

if TYPE_CHECKING:
    from driftcheck.check import LiveReader
    from driftcheck.cli.context import Context
    from driftcheck.cli.options import LiveOptions
    from driftcheck.live.sites import Target
    from driftcheck.model import LiveState


def live_reader(options: LiveOptions, ctx: Context) -> LiveReader:
    """A reader for ``check_paths`` and the other commands: entities -> LiveState.

    A snapshot is read and checked here, before the caller loads any spec: a file that
    cannot be used (too large, not a snapshot) fails at once, not after the specs.
    """
    limit = _max_age(options)
    if options.snapshot:
        from driftcheck.live.snapshot import open_snapshot

        saved = open_snapshot(options.snapshot)
        if limit is not None and options.max_snapshot_age:
            saved.refuse_older_than(limit, now=ctx.now(), option=options.max_snapshot_age)
        return saved.state

    def read(entities: tuple[str, ...]) -> LiveState:
        return _read_api(options, ctx, entities)

    return read


def _max_age(options: LiveOptions) -> int | None:
    """--max-snapshot-age in seconds; a usage error when it is no duration or no snapshot
    is read."""
    from driftcheck.cli.options import duration_seconds

    if options.max_snapshot_age is None:
        return None
    seconds = duration_seconds(options.max_snapshot_age)
    if seconds is None:
        raise UsageError(
            f"--max-snapshot-age {options.max_snapshot_age!r} is not a duration: write a "
            "whole number and a unit, e.g. 24h, 90m, 1h30m or 7d (units s, m, h, d, w)"
        )
    if not options.snapshot:
        raise UsageError("--max-snapshot-age applies to --live-snapshot FILE only")
    return seconds


def _read_api(options: LiveOptions, ctx: Context, entities: tuple[str, ...]) -> LiveState:
    from driftcheck.live import client as live

    target = resolve(options, ctx)
    credentials = live.credentials_from_env(ctx.env)
    if options.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    return live.read_live(
        entities,
        target=target,
        credentials=credentials,
        timeout=options.timeout,
        log=ctx.log if ctx.debug else None,
        sleep=ctx.sleep,
        clock=ctx.clock,
        now=ctx.now,
        mask=secrets_from_env(ctx.env),
    )


def resolve(options: LiveOptions, ctx: Context) -> Target:
    """Where to read: --site or --api-url when given (a flag beats the environment), else
    $DRIFTCHECK_API_URL, else $DD_SITE, else datadoghq.com."""
    from driftcheck.live.sites import resolve_target

    if options.site or options.api_url:
        return resolve_target(site=options.site or None, api_url=options.api_url or None)
    return resolve_target(
        site=ctx.env.get("DD_SITE") or None, api_url=ctx.env.get("DRIFTCHECK_API_URL") or None
    )
