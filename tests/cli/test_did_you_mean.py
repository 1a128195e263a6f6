"""A mistyped value gets the closest valid one, as mistyped commands and options do: choices
(--format, --fail-on, --color), entities (--entity, also of a snapshot without specs, where
only Datadog can say), sites (--site) and adopt's --kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.datadog_api import FakeDatadog
from helpers import run_cli

SPECS = str(Path(__file__).resolve().parents[2] / "examples" / "specs")
SNAPSHOT = str(Path(SPECS).parent / "live-snapshot.json")


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["check", SPECS, "--entity", "acounts"], "(did you mean 'accounts'?)"),
        (["check", SPECS, "--entity", "Users"], "(did you mean 'users'?)"),
        (["plan", SPECS, "--entity", "userss"], "(did you mean 'users'?)"),
        (["adopt", SPECS, "--live-snapshot", SNAPSHOT, "--entity", "acounts"], "'accounts'"),
        (["export", "-o", "out", "--entity", "acounts"], "(did you mean 'accounts'?)"),
        (["check", SPECS, "--site", "datadoghq.ue"], "(did you mean 'datadoghq.eu'?)"),
        (["snapshot", "-o", "s.json", "--site", "app.us3.datadoghq.con"], "'us3.datadoghq.com'"),
        (["adopt", SPECS, "--live-snapshot", SNAPSHOT, "--kind", "chnged"], "'changed'"),
        (["check", SPECS, "--format", "jsn"], "(did you mean 'json'?)"),
        (["check", SPECS, "--fail-on", "introduce"], "(did you mean 'introduced'?)"),
        (["check", SPECS, "--color", "alway"], "(did you mean 'always'?)"),
    ],
    ids=lambda v: " ".join([v[0], *v[-2:]]) if isinstance(v, list) else "",
)
def test_a_mistyped_value_gets_the_closest_valid_one(
    argv: list[str], hint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    done = run_cli(*argv)
    assert (done.code, done.out) == (1, "")
    assert hint in done.err
    assert done.err.startswith("error: ") and done.err.count("did you mean") == 1
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


def test_no_suggestion_when_nothing_is_close(tmp_path: Path) -> None:
    done = run_cli("check", SPECS, "--entity", "zzz")
    assert done.code == 1 and "did you mean" not in done.err
    assert "declared: accounts, users" in done.err


def test_an_entity_datadog_does_not_know_gets_a_suggestion(
    fake_datadog: FakeDatadog, tmp_path: Path
) -> None:
    """Without specs, snapshot reads any entity (Datadog may add some): its 404 suggests."""
    done = run_cli(
        "snapshot", "--entity", "acounts", "-o", str(tmp_path / "s.json"), env=fake_datadog.env()
    )
    assert done.code == 4
    assert "The entity 'acounts' does not exist (did you mean 'accounts'?)" in done.err


@pytest.mark.parametrize(
    ("connection_key", "field_key", "shown"),
    [
        ("tpye: x", "", "unknown key 'tpye' (did you mean 'type'?)"),
        ("feilds: []", "", "unknown key 'feilds' (did you mean 'fields'?)"),
        ("", ", dispaly_name: x", "unknown key 'dispaly_name' (did you mean 'display_name'?)"),
    ],
)
def test_a_misspelt_spec_key_gets_its_suggestion(
    connection_key: str, field_key: str, shown: str, tmp_path: Path
) -> None:
    spec = tmp_path / "users.yaml"
    spec.write_text(
        "version: 1\nentities:\n  users:\n    connections:\n      - id: crm\n"
        f"        {connection_key or 'metadata: {}'}\n"
        "        type: ref_table\n        join: {attribute: e, type: email}\n"
        f"        fields: [{{id: f, source_name: s, type: string{field_key}}}]\n",
        encoding="utf-8",
    )
    done = run_cli("validate", str(spec))
    assert done.code == 3
    assert shown in done.out


def test_an_unrelated_key_is_not_taken_for_a_typo(tmp_path: Path) -> None:
    """'title' is not 'entities' (the trial saw that suggestion): the allowed keys instead."""
    spec = tmp_path / "users.yaml"
    spec.write_text("version: 1\ntitle: x\nentities:\n  users: {}\n", encoding="utf-8")
    done = run_cli("validate", str(spec))
    assert done.code == 3
    assert "unknown key 'title'; allowed: " in done.out and "did you mean" not in done.out
