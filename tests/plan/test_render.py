"""Plans and apply reports for people: values from the API or a spec are data in every
format, and no key reaches any output, also with --debug."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fakes.datadog_api import API_KEY, APP_KEY, FakeDatadog, error, sample_connection
from helpers import MD, run_cli, walk

from .conftest import SpecWriter, declared

OUR_COMMAND = re.compile(
    r"::(warning|notice) (file=[^,:]*,line=\d+,col=\d+,)?title=driftcheck plan[^,:]*::"
)
HOSTILE = "evil\x1b[31m\n::error::pwned ##[warning]x\u202e @team `|`"


@pytest.fixture
def hostile(fake: FakeDatadog, write_spec: SpecWriter) -> Path:
    fake.set_connections("users", [sample_connection(), sample_connection(HOSTILE)])
    return write_spec([declared(sample_connection())], unmanaged_connections="delete")


def no_injection(text: str, *, machine: bool = False) -> None:
    """No escape sequence, control or (for people) bidi character, no workflow command."""
    assert "\x1b" not in text and "\r" not in text
    assert machine or "\u202e" not in text  # JSON keeps the data as it is, escaped for JSON
    assert "##[" not in text
    for line in text.splitlines():  # only our own commands, whose properties hold no ':' or ','
        assert not line.startswith("::") or OUR_COMMAND.match(line), line


@pytest.mark.parametrize("fmt", ["text", "markdown", "github", "json"])
def test_hostile_values_are_data_in_every_plan_format(
    fake: FakeDatadog, hostile: Path, fmt: str
) -> None:
    result = run_cli("plan", str(hostile), "--format", fmt, env=fake.env())
    assert result.code == 2, result
    no_injection(result.out, machine=fmt == "json")
    if fmt == "json":
        [op] = json.loads(result.out)["operations"]
        assert op["connection"] == HOSTILE  # escaped for the log, the data unchanged
    if fmt == "markdown":
        prose = [t.content for t in walk(MD.parse(result.out)) if t.type == "text"]
        code = [t.content for t in walk(MD.parse(result.out)) if t.type == "code_inline"]
        assert not any("@team" in p for p in prose)  # only inside code spans: no mention
        assert any("@team" in c for c in code)


def test_dry_run_and_apply_reports_escape_hostile_values(fake: FakeDatadog, hostile: Path) -> None:
    dry = run_cli("apply", str(hostile), "--allow-delete", "--dry-run", env=fake.env())
    assert (
        dry.code == 0
        and "DELETE /api/v2/product-analytics/users/mapping/connection/evil" in dry.out
    )
    no_injection(dry.out)
    fake.fail_writes("users", error(400, HOSTILE))
    for fmt in ("text", "markdown"):
        failed = run_cli("apply", str(hostile), "--allow-delete", "--format", fmt, env=fake.env())
        assert failed.code == 4
        no_injection(failed.out + failed.err)
        fake.fail_writes("users", error(400, HOSTILE))


def test_no_key_in_any_output_of_plan_and_apply_even_with_debug(
    fake: FakeDatadog, write_spec: SpecWriter, tmp_path: Path
) -> None:
    conn = declared(sample_connection())
    conn["fields"][0] = {**conn["fields"][0], "display_name": "Tier"}
    folder = write_spec([conn])
    fake.fail_writes("users", error(500, f"echo {API_KEY}"), error(400, f"echo {APP_KEY}"))
    plan_path = tmp_path / "plan.json"
    outputs = [
        run_cli("--debug", "plan", str(folder), "-o", str(plan_path), env=fake.env()),
        run_cli("--debug", "apply", str(plan_path), env=fake.env()),
        run_cli("--debug", "apply", str(folder), "--dry-run", env=fake.env()),
    ]
    text = "".join(r.out + r.err for r in outputs) + plan_path.read_text("utf-8")
    assert "DD-API-KEY: ***" in text  # the debug log ran
    for secret in (API_KEY, APP_KEY):
        assert secret not in text and secret[:12] not in text


def test_a_key_written_in_the_spec_is_refused_rather_than_planned(
    fake: FakeDatadog, write_spec: SpecWriter, tmp_path: Path
) -> None:
    conn = declared(sample_connection())
    conn["fields"][0] = {**conn["fields"][0], "display_name": f"leak {APP_KEY}"}
    plan_path = tmp_path / "plan.json"
    result = run_cli("plan", str(write_spec([conn])), "-o", str(plan_path), env=fake.env())
    assert result.code == 1 and "would send the value of a key" in result.err
    assert APP_KEY not in result.out + result.err and not plan_path.exists()
