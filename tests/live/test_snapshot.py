"""Snapshots: written atomically and complete, read back exactly, refused when invalid."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from driftcheck import __version__
from driftcheck.errors import LiveReadError, OutputError
from driftcheck.live.snapshot import FORMAT, read_snapshot, render_snapshot, write_snapshot
from driftcheck.model import EntityRead, LiveState

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "live-snapshot.json"
CONNECTION = {
    "id": "crm-integration",
    "type": "salesforce",
    "join": {"attribute": "user_id", "type": "user_id"},
    "fields": [{"id": "nps_score", "type": "number", "unknown_new_key": [1, {"a": None}]}],
    "metadata": {"owner": "sales-ops"},
    "created_at": "2026-11-20T10:02:11Z",
    "updated_by": "jane.doe@example.com",
    "ünïcode": "✓",
}


def state(**entities: EntityRead) -> LiveState:
    return LiveState(site="datadoghq.eu", read_at="2026-11-29T21:40:58Z", entities=entities)


GOOD = state(
    users=EntityRead(entity="users", connections=(CONNECTION,)),
    accounts=EntityRead(entity="accounts", connections=()),
)


def write_json(path: Path, document: Any) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_written_snapshot_holds_everything_a_check_needs(tmp_path: Path) -> None:
    path = tmp_path / "live.json"
    write_snapshot(GOOD, str(path))
    document = json.loads(path.read_text("utf-8"))
    assert document == {
        "format": FORMAT,
        "format_version": 1,
        "site": "datadoghq.eu",
        "read_at": "2026-11-29T21:40:58Z",
        "driftcheck_version": __version__,
        "entities": {"users": {"connections": [CONNECTION]}, "accounts": {"connections": []}},
    }
    assert path.read_text("utf-8").endswith("}\n")


def test_round_trip_keeps_connections_exactly(tmp_path: Path) -> None:
    path = str(tmp_path / "live.json")
    write_snapshot(GOOD, path)
    # the state read back also says which file it came from
    assert read_snapshot(path, ["users", "accounts"]) == dataclasses.replace(GOOD, snapshot=path)


def test_reading_returns_only_the_entities_asked_for_in_that_order(tmp_path: Path) -> None:
    path = str(tmp_path / "live.json")
    write_snapshot(GOOD, path)
    assert list(read_snapshot(path, ["accounts"]).entities) == ["accounts"]
    assert list(read_snapshot(path, ["accounts", "users", "accounts"]).entities) == [
        "accounts",
        "users",
    ]


def test_an_entity_the_snapshot_lacks_is_unreadable_like_an_api_failure(tmp_path: Path) -> None:
    path = str(tmp_path / "live.json")
    write_snapshot(state(users=EntityRead(entity="users", connections=())), path)
    read = read_snapshot(path, ["users", "accounts"]).entities["accounts"]
    assert not read.ok
    assert read.connections is None
    assert f"the snapshot {path} does not hold entity 'accounts' (it holds: users)" in (
        read.error or ""
    )
    assert "driftcheck snapshot --entity accounts" in (read.error or "")


def test_a_state_with_an_unreadable_entity_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "live.json"
    path.write_text("previous snapshot", encoding="utf-8")
    broken = state(
        users=EntityRead(entity="users", connections=()),
        accounts=EntityRead(entity="accounts", connections=None, error="HTTP 503"),
    )
    with pytest.raises(LiveReadError, match="entity accounts could not be read") as caught:
        write_snapshot(broken, str(path))
    assert caught.value.exit_code == 4
    assert path.read_text("utf-8") == "previous snapshot"
    assert os.listdir(tmp_path) == ["live.json"]


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "live.json"
    path.write_text("previous snapshot", encoding="utf-8")
    unserializable = state(
        users=EntityRead(entity="users", connections=({"id": "c", "when": object()},))
    )
    with pytest.raises(TypeError):
        write_snapshot(unserializable, str(path))
    assert path.read_text("utf-8") == "previous snapshot"
    assert os.listdir(tmp_path) == ["live.json"]


def test_an_unwritable_place_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write"):
        write_snapshot(GOOD, str(tmp_path / "no-such-dir" / "live.json"))


def test_a_missing_snapshot_file_says_how_to_make_one(tmp_path: Path) -> None:
    path = str(tmp_path / "absent.json")
    with pytest.raises(LiveReadError) as caught:
        read_snapshot(path, ["users"])
    assert str(caught.value) == (
        f"{path}: snapshot file not found; write one with 'driftcheck snapshot -o {path}'"
    )
    assert caught.value.exit_code == 4


def test_a_directory_is_not_a_snapshot(tmp_path: Path) -> None:
    with pytest.raises(LiveReadError, match="cannot read the snapshot"):
        read_snapshot(str(tmp_path), ["users"])


def valid(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": 1,
        "site": "datadoghq.com",
        "read_at": "2026-11-29T21:40:58Z",
        "driftcheck_version": "0.1.0",
        "entities": {"users": {"connections": []}},
    }
    document.update(changes)
    return {k: v for k, v in document.items() if v is not ...}


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], 'it has no "format": "driftcheck-live-snapshot" marker'),
        (valid(format=...), 'it has no "format": "driftcheck-live-snapshot" marker'),
        (valid(format="something-else"), "marker"),
        (valid(format_version=2), "format_version 2 is not supported"),
        (valid(format_version="1"), "format_version '1' is not supported"),
        (valid(site=...), "'site' must be a non-empty string"),
        (valid(read_at=5), "'read_at' must be a non-empty string"),
        (valid(read_at="yesterday"), "'read_at' must be an RFC 3339 time"),
        (valid(entities=[]), "'entities' must be an object"),
        (
            valid(entities={"users": []}),
            "entities.users must be an object with a 'connections' list",
        ),
        (
            valid(entities={"users": {}}),
            "entities.users must be an object with a 'connections' list",
        ),
        (
            valid(entities={"users": {"connections": {}}}),
            "entities.users.connections is an object, expected a list",
        ),
        (
            valid(entities={"users": {"connections": [{"id": 3}]}}),
            "entities.users.connections[0].id is 3 (a number)",
        ),
        (
            valid(entities={"users": {"connections": [{"id": "a", "fields": [{}]}]}}),
            "entities.users.connections[0].fields[0].id is missing",
        ),
    ],
)
def test_an_invalid_snapshot_names_the_file_and_the_problem(
    tmp_path: Path, document: Any, problem: str
) -> None:
    path = write_json(tmp_path / "bad.json", document)
    with pytest.raises(LiveReadError) as caught:
        read_snapshot(path, ["users"])
    message = str(caught.value)
    assert message.startswith(f"{path}: not a valid driftcheck live snapshot: ")
    assert problem in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        ('{"format": "driftcheck-live-snapshot", ', "the file is not valid JSON"),
        ("<html></html>", "the file is not valid JSON"),
    ],
)
def test_a_snapshot_that_is_not_json_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LiveReadError, match=problem):
        read_snapshot(str(path), ["users"])


def test_a_snapshot_in_another_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"format": "\xff"}')
    with pytest.raises(LiveReadError, match="the file is not UTF-8 text"):
        read_snapshot(str(path), ["users"])


def test_render_is_stable_text(tmp_path: Path) -> None:
    # A snapshot read back and written again is the same text, byte for byte: no diff churn.
    text = render_snapshot(GOOD)
    (tmp_path / "live.json").write_text(text, encoding="utf-8")
    again = read_snapshot(str(tmp_path / "live.json"), ["users", "accounts"])
    assert render_snapshot(again) == text
    assert '"ünïcode": "✓"' in text


def test_the_example_snapshot_loads_and_holds_both_entities() -> None:
    live = read_snapshot(str(EXAMPLE), ["users", "accounts"])
    assert all(read.ok for read in live.entities.values())
    users = {c["id"] for c in live.entities["users"].connections or ()}
    accounts = [c["id"] for c in live.entities["accounts"].connections or ()]
    assert users == {"user-profiles-connection", "crm-integration", "legacy-import"}
    assert accounts == ["hubspot-sync", "warehouse-accounts"]
    for read in live.entities.values():
        for connection in read.connections or ():
            assert {"created_at", "created_by", "updated_at", "updated_by"} <= set(connection)
