"""The pre-commit hook, run by the real pre-commit (``pre-commit try-repo``) in a repository that
also holds a GitHub workflow, a compose file and an mkdocs.yml (issue 15, point 2).

pre-commit installs the hook as users get it: a virtualenv, then ``pip install`` of this
repository at its current state (try-repo commits uncommitted changes to a shadow copy).
No test may reach a package index, so pip gets ``--no-index`` and finds driftcheck's
dependencies (and setuptools, for the build) on PYTHONPATH: a folder linking to exactly those
distributions of this test run's environment, without driftcheck itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from helpers import ONE_CONNECTION_SPEC
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]

USERS = ONE_CONNECTION_SPEC
MORE_USERS = USERS.replace("user-profiles-connection", "crm-connection")
WORKFLOW = "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: []\n"
COMPOSE = "services:\n  web:\n    image: nginx\n"
#: mkdocs-material's documented emoji setup: a Python tag that safe YAML loaders refuse.
MKDOCS = """\
site_name: docs
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
"""


def closure(names: list[str]) -> set[str]:
    """The distributions ``names`` need, recursively (markers evaluated, no extras)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        dist = metadata.distribution(name)
        if dist.metadata["Name"].lower() in seen:
            continue
        seen.add(dist.metadata["Name"].lower())
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def dependency_path(folder: Path) -> Path:
    """A folder of links to driftcheck's dependencies and setuptools, as installed here."""
    requires = [Requirement(r).name for r in metadata.requires("driftcheck") or []]
    wanted = [r for r in requires if "extra" not in r] + ["setuptools"]
    folder.mkdir()
    for name in closure([n for n in wanted if n != "driftcheck"]):
        dist = metadata.distribution(name)
        for file in dist.files or []:
            top = file.parts[0]
            source = Path(str(dist.locate_file(top)))
            if top != ".." and source.exists() and not (folder / top).exists():
                (folder / top).symlink_to(source)
    return folder


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("pre-commit")
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(base),
        "PRE_COMMIT_HOME": str(base / "cache"),  # one hook install for the whole module
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # sic: pip reads this variable inverted
        "PYTHONPATH": str(dependency_path(base / "deps")),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "LANG": "C.UTF-8",
    }


class Repo:
    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path, self.env = path, env

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.path, env=self.env, check=True, capture_output=True)

    def write(self, name: str, text: str) -> None:
        (self.path / name).parent.mkdir(parents=True, exist_ok=True)
        (self.path / name).write_text(text, encoding="utf-8")

    def try_repo(self) -> subprocess.CompletedProcess[str]:
        pre_commit = [sys.executable, "-m", "pre_commit"]
        return subprocess.run(
            [*pre_commit, "try-repo", str(ROOT), "driftcheck-validate", "--color", "never"],
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@pytest.fixture
def repo(tmp_path: Path, environment: dict[str, str]) -> Iterator[Repo]:
    if shutil.which("git") is None:
        pytest.fail("git is needed to run pre-commit")
    repo = Repo(tmp_path / "repo", environment)
    repo.path.mkdir()
    repo.git("init", "-q", "-b", "main")
    repo.write(".github/workflows/ci.yml", WORKFLOW)
    repo.write("compose.yaml", COMPOSE)
    repo.write("mkdocs.yml", MKDOCS)
    repo.write("datadog/users.yaml", USERS)
    repo.write("datadog/more/users.yaml", MORE_USERS)
    repo.git("add", "-A")
    repo.git("commit", "-qm", "start")
    yield repo


# try-repo installs the hook afresh on every call (a new store each time): two calls only.


def test_a_commit_of_other_yaml_files_passes_and_leaves_them_alone(repo: Repo) -> None:
    repo.write("compose.yaml", COMPOSE + "  db:\n    image: postgres\n")
    repo.write("mkdocs.yml", MKDOCS + "nav: []\n")
    repo.write("datadog/users.yaml", USERS.replace("ref_table", "salesforce"))
    repo.git("add", "compose.yaml", "mkdocs.yml", "datadog/users.yaml")
    done = repo.try_repo()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "driftcheck validate" in done.stdout and "Passed" in done.stdout


def test_a_commit_of_one_spec_file_is_checked_against_the_others(repo: Repo) -> None:
    """The duplicate is only visible across files: the hook must read the whole spec set."""
    repo.write("datadog/more/users.yaml", USERS)  # now the same connection id as users.yaml
    repo.git("add", "datadog/more/users.yaml")
    done = repo.try_repo()
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    report = done.stdout.split("driftcheck validate", 1)[1]
    assert "user-profiles-connection" in report
    assert "datadog/users.yaml" in report and "datadog/more/users.yaml" in report
    for other in ("compose.yaml", "mkdocs.yml", "ci.yml"):
        assert other not in report
