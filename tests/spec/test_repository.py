"""The repository root, and spec paths that leave it through a symbolic link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import run_cli, write_live_snapshot

SPEC = "version: 1\nentities:\n  users:\n    connections: []\n"


def test_the_root_is_the_workspace_then_the_git_top_level_then_cwd(tmp_path: Path) -> None:
    from driftcheck.spec.repository import repository_root

    (tmp_path / "repo" / ".git").mkdir(parents=True)
    deep = tmp_path / "repo" / "a" / "b"
    deep.mkdir(parents=True)
    assert repository_root({"GITHUB_WORKSPACE": str(tmp_path / "ws")}, deep) == tmp_path / "ws"
    assert repository_root({}, deep) == tmp_path / "repo"
    alone = tmp_path / "alone"
    alone.mkdir()
    # (tmp_path holds no .git above it on a normal machine)
    assert repository_root({}, alone) in (alone, *alone.parents)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout in ``ws`` (the cwd, $GITHUB_WORKSPACE) and a secret file outside it."""
    ws = tmp_path / "ws"
    (ws / "specs").mkdir(parents=True)
    (ws / "specs" / "users.yaml").write_text(SPEC, encoding="utf-8")
    outside = tmp_path / "runner"
    outside.mkdir()
    (outside / "credentials.yaml").write_text("version: 1\nsecret: hunter2\n", encoding="utf-8")
    monkeypatch.chdir(ws)
    return ws


@pytest.mark.parametrize("command", ["validate", "check"])
@pytest.mark.parametrize("kind", ["folder link", "file link", "under a folder link"])
def test_a_spec_path_through_a_link_out_of_the_repository_is_refused_unread(
    workspace: Path, command: str, kind: str
) -> None:
    outside = workspace.parent / "runner"
    if kind == "folder link":
        (workspace / "escape").symlink_to(outside)
        named = "escape"
    elif kind == "file link":
        (workspace / "escape.yaml").symlink_to(outside / "credentials.yaml")
        named = "escape.yaml"
    else:
        (workspace / "escape").symlink_to(outside)
        named = os.path.join("escape", "credentials.yaml")
    env = {"GITHUB_WORKSPACE": str(workspace)}
    snapshot = write_live_snapshot(workspace / "live.json", {"users": []})
    argv = [command, named] + (["--live-snapshot", snapshot] if command == "check" else [])
    code, out, err = run_cli(*argv, env=env)
    shown = out + err
    assert code == 3, shown
    assert "a symbolic link leads out of the repository" in shown
    assert "hunter2" not in shown and "secret" not in shown  # never read


def test_links_inside_the_repository_and_paths_named_outside_it_are_read(
    workspace: Path,
) -> None:
    (workspace / "alias").symlink_to(workspace / "specs")
    env = {"GITHUB_WORKSPACE": str(workspace)}
    assert run_cli("validate", "alias", env=env).code == 0
    other = workspace.parent / "elsewhere"
    other.mkdir()
    (other / "users.yaml").write_text(SPEC, encoding="utf-8")
    assert run_cli("validate", str(other), env=env).code == 0  # named on purpose, no link
