"""The site label of a run against --api-url (a proxy, the fakes): named once, never as
"site URL (URL)"."""

from __future__ import annotations

from pathlib import Path

from fakes.datadog_api import FakeDatadog, sample_connection
from helpers import ONE_CONNECTION_SPEC, run_cli


def test_plan_and_reports_name_an_api_url_once(fake_datadog: FakeDatadog, tmp_path: Path) -> None:
    fake_datadog.set_connections("users", [sample_connection()])
    spec = tmp_path / "users.yaml"
    spec.write_text(ONE_CONNECTION_SPEC, encoding="utf-8")
    host = fake_datadog.url.removeprefix("http://")
    plan = run_cli("plan", str(spec), env=fake_datadog.env())
    assert plan.out.splitlines()[0] == f"driftcheck plan for {host} ({fake_datadog.url})", plan
    check = run_cli("check", str(spec), "--format", "markdown", env=fake_datadog.env())
    assert f"Site `{host}`" in check.out
    assert check.out.count(fake_datadog.url) == 0
