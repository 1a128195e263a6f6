"""Never a false green: whatever the API does to each entity, driftcheck exits 0 only when
every entity was read and nothing fails.

Hypothesis draws a fault plan per entity (a queue of transient and fatal faults, and whether
the live state drifted), runs the real CLI against the fake API on a virtual clock, and
compares the exit code with what the plan implies: an entity is read when a normal answer
comes before any fatal fault and within the attempts allowed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakes import VirtualTime
from fakes.datadog_api import (
    FakeDatadog,
    Fault,
    dropped,
    dropped_mid_body,
    empty,
    error,
    html_page,
    rate_limited,
    raw,
    running,
    sample_connection,
    server_error,
    truncated,
)
from helpers import Result, run_cli, write_exported_specs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftcheck.retry import MAX_ATTEMPTS

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
TRANSIENT = [
    rate_limited("0"),
    rate_limited("1"),
    rate_limited(None),
    rate_limited("junk"),
    rate_limited("1.5", retry_after="2"),
    server_error(500),
    server_error(502),
    server_error(503),
    html_page(502),
    dropped(),
    dropped_mid_body(),
]
FATAL = [
    error(401, "Unauthorized"),
    error(403, "Forbidden"),
    error(404, "Not Found"),
    error(400, "bad"),
    truncated(),
    empty(200),
    raw("[]"),
    raw('{"data": []}'),
    html_page(200, "Login"),
    raw(
        '{"data": {"type": "list_connections_response", '
        '"attributes": {"connections": [{"id": 1}]}}}'
    ),
]
LIVE = {
    "users": [sample_connection(), sample_connection("crm", metadata={"owner": "sales"})],
    "accounts": [sample_connection("warehouse-accounts")],
}
SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=False, suppress_health_check=[HealthCheck.too_slow]
)


@dataclass(frozen=True)
class Plan:
    """What the fake does to one entity: faults in order, then normal answers."""

    faults: tuple[Fault, ...]
    drifted: bool

    def readable(self) -> bool:
        for fault in self.faults[:MAX_ATTEMPTS]:
            if fault in FATAL:
                return False
        return len(self.faults) < MAX_ATTEMPTS


def plans() -> st.SearchStrategy[Plan]:
    fault = st.one_of(st.sampled_from(TRANSIENT), st.sampled_from(FATAL))
    return st.builds(Plan, st.lists(fault, max_size=6).map(tuple), st.booleans())


@contextmanager
def world(
    plan: dict[str, Plan], entities: dict[str, list[dict[str, Any]]]
) -> Iterator[FakeDatadog]:
    """A fake serving ``entities`` (changed where the plan says drift) with the plan's faults."""
    with running() as fake:
        for name, connections in entities.items():
            served = [dict(c) for c in connections]
            if plan[name].drifted:
                served[0] = {**served[0], "type": "something_else"}
            fake.set_connections(name, served)
            fake.fail(name, *plan[name].faults)
        yield fake


def run(fake: FakeDatadog, *argv: str) -> Result:
    """The CLI against ``fake``, on a virtual clock: no retry waits for real."""
    return run_cli(*argv, "--timeout", "600", env=fake.env(), now=NOW, clock=VirtualTime())


def spec_folder(tmp: Path) -> Path:
    folder = tmp / "specs"
    return folder if folder.exists() else write_exported_specs(folder, LIVE)


@SETTINGS
@given(users=plans(), accounts=plans())
def test_check_is_green_only_when_every_entity_was_read_and_in_sync(
    users: Plan, accounts: Plan, tmp_path_factory: Any
) -> None:
    plan = {"users": users, "accounts": accounts}
    specs = spec_folder(tmp_path_factory.getbasetemp())
    with world(plan, LIVE) as fake:
        code, out, err = run(fake, "check", str(specs), "--format", "json")
    report = json.loads(out)
    all_read = all(p.readable() for p in plan.values())
    any_drift = any(p.drifted for p in plan.values() if p.readable())
    expected = 4 if not all_read else (2 if any_drift else 0)
    assert code == expected, (plan, report["errors"], err)
    unread = {e["entity"] for e in report["errors"]}
    assert unread == {name for name, p in plan.items() if not p.readable()}
    if code == 0:
        assert report["status"] == "in_sync"
        assert {e["name"] for e in report["entities"]} == set(plan)
        assert all(e["status"] == "in_sync" for e in report["entities"])
    else:
        assert report["status"] != "in_sync"


NAMES = ["users", "accounts", "sessions", "devices"]


@SETTINGS
@given(data=st.data())
def test_snapshot_is_written_only_when_every_entity_was_read(
    data: st.DataObject, tmp_path_factory: Any
) -> None:
    names = data.draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    plan = {name: data.draw(plans(), label=name) for name in names}
    entities = {name: LIVE.get(name, [sample_connection(f"{name}-conn")]) for name in names}
    target = tmp_path_factory.mktemp("snap") / "live.json"
    argv = ["snapshot", "-o", str(target), *(f"--entity={n}" for n in names)]
    with world(plan, entities) as fake:
        code, _, err = run(fake, *argv)
    if all(p.readable() for p in plan.values()):
        assert code == 0, (plan, err)
        saved = json.loads(target.read_text("utf-8"))["entities"]
        assert set(saved) == set(names)
        for name in names:
            assert len(saved[name]["connections"]) == len(entities[name])
    else:
        assert code == 4, (plan, err)
        assert not target.exists()
        for name, p in plan.items():
            assert (f"could not read entity {name!r}" in err) is (not p.readable()), err


@SETTINGS
@given(users=plans(), accounts=plans())
def test_export_writes_a_spec_only_for_entities_it_read(
    users: Plan, accounts: Plan, tmp_path_factory: Any
) -> None:
    plan = {"users": users, "accounts": accounts}
    out = tmp_path_factory.mktemp("export") / "out"
    with world(plan, LIVE) as fake:
        code, _, err = run(fake, "export", "-o", str(out))
    readable = {name for name, p in plan.items() if p.readable()}
    assert code == (0 if readable == set(plan) else 4), (plan, err)
    written = {p.stem for p in out.glob("*.yaml")} if out.exists() else set()
    assert written == readable
