"""Issue 11: when Datadog returns repeated ids or a field without an id, the message names the
connection by its id and does not send the user to check --site (the site is right)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes.datadog_api import FakeDatadog, sample_connection
from helpers import ONE_CONNECTION_SPEC, run_cli

CONN = "user-profiles-connection"


def _repeated_connection() -> list[dict[str, Any]]:
    return [sample_connection(), sample_connection()]


def _repeated_field() -> list[dict[str, Any]]:
    connection = sample_connection()
    connection["fields"] = [*connection["fields"], dict(connection["fields"][0])]
    return [connection]


def _field_without_id() -> list[dict[str, Any]]:
    connection = sample_connection()
    connection["fields"] = [*connection["fields"], {"source_name": "x", "type": "string"}]
    return [connection]


CASES = {
    "repeated connection id": (_repeated_connection, f"connection id '{CONN}' appears twice"),
    "repeated field id": (_repeated_field, f"connection '{CONN}': field id 'customer_tier'"),
    "field without an id": (_field_without_id, f"connection '{CONN}': a field has no usable id"),
}


@pytest.mark.parametrize("command", ["check", "export"])
@pytest.mark.parametrize(("build", "named"), CASES.values(), ids=CASES.keys())
def test_odd_live_data_names_the_connection_and_not_the_site(
    fake_datadog: FakeDatadog, tmp_path: Path, command: str, build: Any, named: str
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "users.yaml").write_text(ONE_CONNECTION_SPEC, encoding="utf-8")
    fake_datadog.set_connections("users", build())
    argv = (
        ["check", str(specs)]
        if command == "check"
        else ["export", "--entity", "users", "-o", str(tmp_path / "out")]
    )
    code, out, err = run_cli(*argv, env=fake_datadog.env())
    message = out + err
    assert code == 4
    assert named in message
    assert "--site" not in message and "--api-url" not in message
    assert "Datadog answered, but driftcheck cannot use this data of entity 'users'" in message
    assert len(fake_datadog.requests) == 1  # odd data is not retried
