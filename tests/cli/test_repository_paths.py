"""Issue 11, "The command line": annotation paths and Markdown links are relative to the
repository however the spec paths were given, and the notice about annotations past GitHub's
cap names only a place this run really writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import run_cli, write_live_snapshot

CONNECTIONS = 12  # more than GitHub's 10 annotations per level


def spec_text(count: int) -> str:
    connections = "".join(
        f"      - id: conn-{n}\n        type: ref_table\n"
        "        join: {attribute: user_email, type: email}\n"
        for n in range(count)
    )
    return f"version: 1\nentities:\n  users:\n    connections:\n{connections}"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository (a ``.git`` folder) with ``specs/users.yaml`` declaring connections
    Datadog lacks, and an empty live snapshot; the run starts in its folder ``work``."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "specs").mkdir()
    (root / "specs" / "users.yaml").write_text(spec_text(2), encoding="utf-8")
    (root / "work").mkdir()
    write_live_snapshot(root / "live.json", {"users": []})
    return root


def github_check(spec: str, *argv: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = run_cli(
        "check", spec, "--live-snapshot", "../live.json", "--format", "github", *argv, env=env
    )
    return result.code, result.out


def annotated_files(out: str) -> set[str]:
    return set(re.findall(r"^::error file=([^,]*),", out, flags=re.MULTILINE))


@pytest.mark.parametrize("given", ["dotdot", "absolute"])
def test_annotations_and_links_are_relative_to_the_git_top_level(
    repo: Path, given: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "work")
    spec = "../specs" if given == "dotdot" else str(repo / "specs")
    code, out = github_check(spec, "--report-markdown", "report.md")
    assert code == 2
    assert annotated_files(out) == {"specs/users.yaml"}
    markdown = (repo / "work" / "report.md").read_text("utf-8")
    links = set(re.findall(r"\]\(([^)#]*)#L\d+\)", markdown))
    assert links == {"specs/users.yaml"}


def test_github_workspace_is_the_root_when_set(
    tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".git").rmdir()  # not a git work tree: only the variable names the root
    monkeypatch.chdir(repo / "work")
    env = {"GITHUB_WORKSPACE": str(repo), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    code, out = github_check(str(repo / "specs" / "users.yaml"), env=env)
    assert code == 2
    assert annotated_files(out) == {"specs/users.yaml"}
    summary = (tmp_path / "summary.md").read_text("utf-8")
    assert set(re.findall(r"\]\(([^)#]*)#L\d+\)", summary)) == {"specs/users.yaml"}


def notice(out: str) -> str:
    (line,) = [line for line in out.splitlines() if line.startswith("::notice ")]
    return line


@pytest.fixture
def crowded(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (repo / "specs" / "users.yaml").write_text(spec_text(CONNECTIONS), encoding="utf-8")
    monkeypatch.chdir(repo / "work")
    return repo


def test_notice_without_any_report_file_says_how_to_list_them(crowded: Path) -> None:
    code, out = github_check("../specs")
    assert code == 2
    assert "2 more errors not annotated" in notice(out)
    assert "job summary" not in notice(out)
    assert "JSON report" not in notice(out)
    assert "--format text" in notice(out)
    text = run_cli("check", "../specs", "--live-snapshot", "../live.json", "--format", "text")
    assert all(f"conn-{n}" in text.out for n in range(CONNECTIONS))  # the advice holds


def test_notice_names_the_job_summary_only_when_it_is_written(
    crowded: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    code, out = github_check("../specs", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 2
    assert notice(out).endswith("; all are listed in the job summary")
    assert all(f"conn-{n}" in summary.read_text("utf-8") for n in range(CONNECTIONS))


def test_notice_names_the_report_files_given(crowded: Path) -> None:
    code, out = github_check("../specs", "--report-json", "r.json", "--report-markdown", "r.md")
    assert code == 2
    assert notice(out).endswith(
        "; all are listed in the Markdown report r.md and the JSON report r.json"
    )
    assert "job summary" not in notice(out)
    for name in ("r.json", "r.md"):
        report = (crowded / "work" / name).read_text("utf-8")
        assert all(f"conn-{n}" in report for n in range(CONNECTIONS)), name


BROKEN = "version: 1\nentities:\n  users:\n    connections:\n" + "".join(
    f"      - id: c{i}\n        typo: x\n" for i in range(6)
)  # 18 problems: more than GitHub shows


@pytest.mark.parametrize("summary", [False, True])
def test_validate_annotates_invalid_specs_relative_to_the_repository(
    repo: Path, tmp_path: Path, summary: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "specs" / "users.yaml").write_text(BROKEN, encoding="utf-8")
    monkeypatch.chdir(repo / "work")
    env = {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")} if summary else {}
    result = run_cli("validate", "../specs", "--format", "github", env=env)
    assert result.code == 3
    assert annotated_files(result.out) == {"specs/users.yaml"}
    assert ("job summary" in notice(result.out)) == summary
    assert "the log" in notice(result.out)
    assert result.err.count("error:") == 18  # the log does list them all
