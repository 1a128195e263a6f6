"""load_base_spec: the spec paths read at a git revision of a real repository made in the
test, without touching the work tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import git

from driftcheck.base.load import load_base_spec
from driftcheck.errors import BaseSpecInvalid, UsageError

USERS = """version: 1
entities:
  users:
    connections:
      - id: crm
        type: ref_table
        join: {attribute: email, type: email}
        fields:
          - {id: tier, source_name: tier, type: string, display_name: Tier}
"""


def make_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    return repo


def test_reads_the_folder_at_the_revision_not_the_work_tree(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {
            "specs/users.yaml": USERS,
            "specs/.hidden/x.yaml": "not: a spec",
            "specs/notes.txt": "no spec",
            "other/a.yaml": "not: read",
        },
    )
    (repo / "specs/users.yaml").write_text("version: 1\nentities: 3\n", encoding="utf-8")
    base = load_base_spec("main", ["specs"], str(repo))
    assert base.info.files == ("specs/users.yaml",)
    assert base.info.commit == git(repo, "rev-parse", "HEAD")
    assert base.info.rev == "main"
    (conn,) = base.spec.entities["users"].connections
    assert conn.fields[0].attributes["display_name"] == "Tier"
    assert str(conn.location) == "specs/users.yaml:5:9"


def test_paths_given_as_dot_slash_or_absolute_name_the_same_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"specs/users.yaml": USERS})
    for path in ("./specs", str(repo / "specs"), "specs/users.yaml", "specs/"):
        assert load_base_spec("HEAD", [path], str(repo)).info.files == ("specs/users.yaml",)


def test_a_path_the_base_does_not_have_is_an_empty_spec(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"README": "x"})
    base = load_base_spec("HEAD", ["specs"], str(repo))
    assert (base.info.files, dict(base.spec.entities)) == ((), {})


def test_an_unknown_revision_is_a_clear_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"specs/users.yaml": USERS})
    with pytest.raises(UsageError, match=r"--base 'nosuch': no such commit.*git fetch"):
        load_base_spec("nosuch", ["specs"], str(repo))


@pytest.mark.parametrize("rev", ["--output=/tmp/x", "", "a\nb"])
def test_a_revision_that_looks_like_an_option_is_refused(tmp_path: Path, rev: str) -> None:
    repo = make_repo(tmp_path, {"specs/users.yaml": USERS})
    with pytest.raises(UsageError, match="is not a git revision"):
        load_base_spec(rev, ["specs"], str(repo))


def test_outside_a_git_work_tree_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    with pytest.raises(UsageError, match="needs the spec files in a git work tree"):
        load_base_spec("HEAD", ["specs"], str(tmp_path))


def test_pathspec_magic_is_taken_literally(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"specs/users.yaml": USERS})
    base = load_base_spec("HEAD", [":(glob)**"], str(repo))
    assert base.info.files == ()


def test_an_invalid_base_spec_names_the_revision_and_every_place(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"specs/users.yaml": USERS.replace("type: email", "typo: email")})
    with pytest.raises(BaseSpecInvalid) as caught:
        load_base_spec("main", ["specs"], str(repo))
    message = str(caught.value)
    assert "the spec at the base revision 'main' is invalid" in message
    assert "specs/users.yaml:7:34: unknown key" in message
    assert "check without --base" in message
    assert caught.value.exit_code == 3


def test_a_symbolic_link_at_the_base_is_refused_not_followed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"specs/users.yaml": USERS})
    (repo / "specs/link.yaml").symlink_to("/etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "link")
    with pytest.raises(BaseSpecInvalid, match=r"link\.yaml: a symbolic link"):
        load_base_spec("HEAD", ["specs"], str(repo))


def test_many_files_are_read_in_one_batch(tmp_path: Path) -> None:
    files = {f"specs/f{i:03}.yaml": USERS.replace("crm", f"c{i}") for i in range(200)}
    repo = make_repo(tmp_path, files)
    base = load_base_spec("HEAD", ["specs"], str(repo))
    assert len(base.spec.entities["users"].connections) == 200
