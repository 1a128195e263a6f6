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
