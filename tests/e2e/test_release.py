"""The release process: CHANGELOG.md (Keep a Changelog) and the scripts of release.yml, run
with bash as a runner runs them (action_runner.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from action_runner import ROOT, Runner, find_step, load

from driftcheck import __version__

RELEASE = load(ROOT / ".github" / "workflows" / "release.yml")
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_changelog_keeps_a_changelog() -> None:
    headings = re.findall(r"^## (.+)$", CHANGELOG, re.MULTILINE)
    assert headings[0] == "[Unreleased]"
    for heading in headings[1:]:
        assert re.fullmatch(r"\[\d+\.\d+\.\d+(?:rc\d+)?\] - \d{4}-\d{2}-\d{2}", heading), heading
    sections = set(re.findall(r"^### (.+)$", CHANGELOG, re.MULTILINE))
    assert sections <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
    assert "[Unreleased]: " in CHANGELOG


def tag_check(tmp_path: Path, tag: str, changelog: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "driftcheck").mkdir(exist_ok=True)
    init = (ROOT / "driftcheck" / "__init__.py").read_text(encoding="utf-8")
    (tmp_path / "driftcheck" / "__init__.py").write_text(init, encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    step = find_step(
        RELEASE["jobs"]["build"]["steps"], RELEASE["jobs"]["build"]["steps"][2]["name"]
    )
    return Runner(tmp_path, {}).run(step, {"github.ref_name": tag})


@pytest.mark.parametrize(
    ("tag", "dated", "message"),
    [
        (f"v{__version__}", True, None),
        (f"v{__version__}", False, "CHANGELOG.md has no"),
        ("v99.0.0", True, "is not v"),
    ],
)
def test_a_release_needs_the_tag_version_and_its_changelog_section(
    tmp_path: Path, tag: str, dated: bool, message: str | None
) -> None:
    section = f"## [{__version__}] - 2026-12-01\n" if dated else f"## [{__version__}]\n"
    done = tag_check(tmp_path, tag, f"# Changelog\n\n## [Unreleased]\n\n{section}\n- x\n")
    if message is None:
        assert done.returncode == 0, done.stdout + done.stderr
    else:
        assert done.returncode == 1 and message in done.stdout


def git(cwd: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
        "PATH": "/usr/bin:/bin",
        "HOME": str(cwd),
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(("tag", "moves"), [("v1.4.0", True), ("v1.4.0rc1", False)])
def test_a_final_release_moves_the_major_tag(tmp_path: Path, tag: str, moves: bool) -> None:
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(tmp_path, "clone", "-q", str(origin), str(work))
    git(work, "commit", "-q", "--allow-empty", "-m", "old")
    git(work, "tag", "v1")
    git(work, "commit", "-q", "--allow-empty", "-m", "new")
    git(work, "push", "-q", "origin", "HEAD:main", "v1")
    head = git(work, "rev-parse", "HEAD")
    old = git(work, "rev-parse", "v1^{commit}")
    steps = RELEASE["jobs"]["github-release"]["steps"]
    step = find_step(steps, "Move the major tag that users of the action follow (v1)")
    runner = Runner(tmp_path, {"GITHUB_SHA": head})
    runner.tmp = work  # the step runs in the checkout
    done = runner.run(step, {"github.ref_name": tag})
    assert done.returncode == 0, done.stderr
    assert git(origin, "rev-parse", "v1^{commit}") == (head if moves else old)
