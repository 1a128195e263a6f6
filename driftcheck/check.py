"""Orchestration of a check: load the specs -> choose the entities -> read the live state ->
diff -> Report. Returns values and raises whole-run failures; it never prints.

How the live state is read (the API or a snapshot, with which credentials) is the caller's
choice, passed in as a :data:`LiveReader`: this module touches no environment and no network.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from driftcheck import __version__, ignores, keep_until_exit
from driftcheck.diff import diff_entity
from driftcheck.errors import LiveReadError, UsageError
from driftcheck.model import (
    BaseInfo,
    DriftItem,
    EntityError,
    EntitySpec,
    EntityStatus,
    FailOn,
    LiveSource,
    LiveState,
    Location,
    Problem,
    Report,
    Spec,
    has_failing_drift,
)
from driftcheck.wording import did_you_mean

DEFAULT_ENTITIES = ("users", "accounts")

#: Reads the live state of the given entities (from the API or a snapshot).
LiveReader = Callable[[tuple[str, ...]], LiveState]
_ENTITY_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


def select_entities(spec: Spec | None, requested: Sequence[str]) -> tuple[str, ...]:
    """The entities to read: those the specs declare (or users and accounts without specs),
    narrowed by ``--entity``. An entity the specs do not declare is a usage error."""
    declared = tuple(spec.entities) if spec is not None else DEFAULT_ENTITIES
    for name in requested:
        if not _ENTITY_NAME.match(name):
            raise UsageError(
                f"--entity {name!r} is not an entity name{did_you_mean(name.lower(), declared)}"
                f"; entities: {', '.join(declared) or 'none'}"
            )
        if spec is not None and name not in declared:
            raise UsageError(
                f"--entity {name!r} is not declared in the spec "
                f"files{did_you_mean(name, declared)}; declared: {', '.join(declared) or 'none'}"
            )
    chosen = tuple(dict.fromkeys(requested)) or declared
    if not chosen:
        raise UsageError("the spec files declare no entity: nothing to check")
    return chosen


def check_paths(
    paths: Sequence[str],
    *,
    entities: Sequence[str],
    read: LiveReader,
    now: dt.datetime,
    base: str | None = None,
    fail_on: FailOn | None = None,
    cwd: str | None = None,
    root: Path | None = None,
) -> Report:
    """The whole check of the spec files at ``paths``: raises
    :class:`~driftcheck.errors.SpecInvalid` with every problem, or a usage error for an
    entity the specs do not declare, before anything is read.

    With ``base`` (a git revision), the same paths are read at that revision (relative to
    ``cwd``) and both specs are compared with the one live read: every item gets an origin,
    and ``fail_on`` defaults to ``introduced``. Without it, ``fail_on`` must not be
    ``introduced`` (nothing has an origin). ``root``: the repository, which no spec path
    may leave through a symbolic link."""
    from driftcheck.spec.load import load_specs

    if base is None and fail_on == "introduced":
        raise UsageError(
            "--fail-on introduced needs --base REV (the revision the change is compared with)"
        )
    spec = load_specs(paths, root)
    base_spec = None
    if base is not None:
        from driftcheck.base.load import load_base_spec

        base_spec = load_base_spec(base, paths, cwd or os.getcwd())
    chosen = select_entities(spec, entities)
    try:
        state = read(chosen)
    except LiveReadError as exc:
        raise LiveReadError(str(exc), entities=chosen) from exc
    report = run_check(spec, state, now=now)
    keep_until_exit(spec, state, report, base_spec)  # the console script ends without freeing
    if base_spec is None:
        return replace(report, fail_on=fail_on or "all")
    base_report = run_check(base_spec.spec, state, now=now)
    return with_origins(report, base_report, base_spec.info, fail_on or "introduced")


def with_origins(report: Report, base_report: Report, info: BaseInfo, fail_on: FailOn) -> Report:
    """``report`` with the origin of each item against ``base_report`` (same live read),
    the resolved items, the base, and entity statuses that follow ``fail_on``."""
    from driftcheck.base.classify import classify

    classified = classify(report.items, base_report.items)
    failing = {i.entity for i in classified.items if i.fails(fail_on)}
    statuses = tuple(
        e if e.status == "error" else replace(e, status="drift" if e.name in failing else "in_sync")
        for e in report.entities
    )
    return replace(
        report,
        items=classified.items,
        resolved=tuple(sorted(classified.resolved, key=_item_key)),
        entities=statuses,
        base=info,
        fail_on=fail_on,
    )


def run_check(spec: Spec, live: LiveState, *, now: dt.datetime) -> Report:
    """Compare the spec with the live state of every entity that was read."""
    active, notices = ignores.split_expired(spec.ignores, now.astimezone(dt.UTC).date())
    items: list[DriftItem] = []
    errors: list[EntityError] = []
    statuses: list[EntityStatus] = []
    for name, read in live.entities.items():
        entity = spec.entities.get(name) or EntitySpec(
            name=name,
            unmanaged_connections="fail",
            unmanaged_fields="fail",
            connections=(),
            location=_nowhere(spec),
        )
        if not read.ok:
            errors.append(EntityError(entity=name, message=read.error or "could not be read"))
            statuses.append(
                EntityStatus(name=name, status="error", connections_checked=len(entity.connections))
            )
            continue
        found = ignores.apply(diff_entity(entity, read.connections or ()), active)
        items.extend(found)
        ids = {c.id for c in entity.connections}
        if entity.unmanaged_connections != "ignore":  # ignored by policy: not checked
            ids |= {c["id"] for c in read.connections or ()}
        failing = has_failing_drift(found)
        statuses.append(
            EntityStatus(
                name=name, status="drift" if failing else "in_sync", connections_checked=len(ids)
            )
        )
    notices.extend(ignores.stale(active, spec, live))
    return Report(
        items=tuple(sorted(items, key=_item_key)),
        notices=tuple(sorted(notices, key=lambda n: n.source)),
        errors=tuple(errors),
        entities=tuple(statuses),
        site=live.site,
        generated_at=_stamp(now),
        driftcheck_version=__version__,
        live=LiveSource(read_at=live.read_at, snapshot=live.snapshot),
    )


def failed_report(
    *,
    now: dt.datetime,
    site: str,
    problems: Sequence[Problem] = (),
    unreadable: Sequence[str] = (),
    message: str = "",
) -> Report:
    """The report of a check that ended before any comparison: invalid spec files
    (``problems``, status ``invalid``), or a live state that could not be read at all
    (``unreadable`` entities with ``message``, status ``error``). Machines get a report
    for every outcome (``check --format json``)."""
    return Report(
        items=(),
        notices=(),
        errors=tuple(EntityError(entity=name, message=message) for name in unreadable),
        entities=tuple(
            EntityStatus(name=name, status="error", connections_checked=0) for name in unreadable
        ),
        site=site,
        generated_at=_stamp(now),
        driftcheck_version=__version__,
        problems=tuple(problems),
    )


def _stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _item_key(item: DriftItem) -> tuple[str, str, str, str, str]:
    return (item.entity, item.connection, item.field or "", item.attribute or "", item.kind)


def _nowhere(spec: Spec) -> Location:
    return Location(spec.files[0] if spec.files else "", 1, 1)
