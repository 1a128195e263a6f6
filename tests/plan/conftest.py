"""Shared by the plan and apply tests: a spec folder writer and a fake holding connections."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from fakes.datadog_api import FakeDatadog, sample_connection

__all__ = ["sample_connection"]

SpecWriter = Callable[..., Path]


def declared(live: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The spec form of a live connection (server-managed attributes dropped), with changes."""
    conn = {k: v for k, v in live.items() if not k.startswith(("created_", "updated_"))}
    conn.update(changes)
    return conn


@pytest.fixture
def write_spec(tmp_path: Path) -> SpecWriter:
    """write_spec(connections, **entity_policies) -> folder with users.yaml."""

    def write(connections: Sequence[dict[str, Any]], **policies: str) -> Path:
        folder = tmp_path / "specs"
        folder.mkdir(exist_ok=True)
        body = {"version": 1, "entities": {"users": {**policies, "connections": list(connections)}}}
        (folder / "users.yaml").write_text(yaml.safe_dump(body, sort_keys=False), "utf-8")
        return folder

    return write


@pytest.fixture
def fake(fake_datadog: FakeDatadog) -> FakeDatadog:
    """The fake with the sample connection in ``users``."""
    fake_datadog.set_connections("users", [sample_connection()])
    return fake_datadog
