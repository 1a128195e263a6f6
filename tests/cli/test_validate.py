"""`driftcheck validate` through the real CLI: messages, positions and exit codes."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest
from helpers import Result, run_cli, write_live_snapshot

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "specs"

VALID = """\
version: 1
entities:
  users:
    connections:
      - id: crm
        type: ref_table
        join: {attribute: user_email, type: email}
        fields:
          - id: tier
            source_name: subscription_tier
            type: string
"""


def run(*argv: str) -> Result:
    return run_cli(*argv)  # with an empty environment


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_examples_are_valid() -> None:
    code, out, err = run("validate", str(EXAMPLES))
    assert (code, err) == (0, "")
    assert out.startswith("ok: 2 files valid: 2 entities, 4 connections")


def test_every_example_file_validates_on_its_own() -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert files
    for path in files:
        assert run("validate", str(path))[0] == 0, path


def test_missing_required_property_points_at_the_item(tmp_path: Path) -> None:
    spec = write(tmp_path, "users.yaml", VALID.replace("            type: string\n", ""))
    code, out, _ = run("validate", str(spec))
    assert code == 3
    assert out.splitlines()[0] == (
        f"{spec}:9:13: error: 'type' is a required property "
        "(at entities.users.connections[0].fields[0])"
    )
    assert out.splitlines()[-1] == "1 problem in 1 file"


def test_misspelt_key_gets_did_you_mean_at_the_key(tmp_path: Path) -> None:
    spec = write(tmp_path, "users.yaml", VALID + "            dispaly_name: Tier\n")
    code, out, _ = run("validate", str(spec))
    assert code == 3
    assert f"{spec}:12:13: error: unknown key 'dispaly_name' (did you mean 'display_name'?)" in out


def test_read_only_attributes_are_refused_with_the_reason(tmp_path: Path) -> None:
    text = VALID.replace(
        "        type: ref_table\n", "        type: ref_table\n        updated_by: x\n"
    )
    spec = write(tmp_path, "users.yaml", text)
    code, out, _ = run("validate", str(spec))
    assert code == 3
    assert f"{spec}:7:9: error: 'updated_by' is read-only: Datadog sets it" in out


def test_site_and_keys_cannot_come_from_a_spec(tmp_path: Path) -> None:
    spec = write(tmp_path, "users.yaml", VALID + "site: evil.example.com\n")
    code, out, _ = run("validate", str(spec))
    assert code == 3
    assert "'site': the Datadog site, host and keys are never read from a spec file" in out


def test_all_problems_of_all_files_are_listed_sorted(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", "version: 1\nentities: {users: {connections: [{id: x}]}}\n")
    write(tmp_path, "a.yaml", "version: 1\nentities:\n  user: {}\n")
    code, out, _ = run("validate", str(tmp_path))
    lines = out.splitlines()
    assert code == 3
    assert lines[0].startswith(f"{tmp_path / 'a.yaml'}:3:3: error: unknown entity 'user'")
    assert "did you mean 'users'?" in lines[0]
    assert [line.split(":")[0] for line in lines[1:3]] == [str(tmp_path / "b.yaml")] * 2
    assert lines[-1] == "3 problems in 2 files"


def test_json_format_lists_problems_for_tools(tmp_path: Path) -> None:
    spec = write(tmp_path, "users.yaml", VALID.replace("type: email", "type: 5"))
    code, out, _ = run("validate", "--format", "json", str(spec))
    assert code == 3
    payload = json.loads(out)
    assert payload["valid"] is False
    [problem] = payload["problems"]
    assert (problem["file"], problem["line"], problem["column"]) == (str(spec), 7, 45)
    assert problem["path"] == "entities.users.connections[0].join.type"
    assert "expected a string, got a number (5): quote it" in problem["message"]


def test_json_format_when_valid() -> None:
    code, out, _ = run("validate", "--format", "json", str(EXAMPLES))
    assert code == 0
    assert json.loads(out) == {"valid": True, "problems": []}


def test_unquoted_yes_is_explained(tmp_path: Path) -> None:
    spec = write(tmp_path, "users.yaml", VALID + "            display_name: yes\n")
    _, out, _ = run("validate", str(spec))
    assert "expected a string, got a boolean (true): quote it so YAML keeps it as text" in out


def test_duplicates_name_every_place(tmp_path: Path) -> None:
    write(tmp_path, "one.yaml", VALID)
    write(tmp_path, "two.yaml", VALID.replace("  users:\n", "  users:\n"))
    code, out, _ = run("validate", str(tmp_path))
    assert code == 3
    places = f"{tmp_path / 'one.yaml'}:5:9, {tmp_path / 'two.yaml'}:5:9"
    assert (
        out.count(f"connection id 'crm' is declared more than once in entity 'users': {places}")
        == 2
    )


def test_duplicate_field_and_group(tmp_path: Path) -> None:
    text = VALID + textwrap.indent(
        "- id: tier\n  source_name: s\n  type: string\n  groups: [A, B, A]\n", " " * 10
    )
    spec = write(tmp_path, "users.yaml", text)
    code, out, _ = run("validate", str(spec))
    assert code == 3
    assert (
        f"field id 'tier' is declared more than once in connection 'crm': {spec}:9:13, {spec}:12:13"
        in out
    )
    assert f"group 'A' is listed more than once in field 'tier': {spec}:15:22, {spec}:15:28" in out


def test_duplicates_are_reported_with_the_schema_errors_of_the_same_file(tmp_path: Path) -> None:
    """A user fixing a file sees every problem at once: the duplicate ids of the parts that
    are well-formed, next to the schema errors (also of another, valid file)."""
    text = VALID + textwrap.indent(
        "- {id: tier, source_name: s, type: string, groups: [A, A]}\n"
        "- {id: broken, type: string}\n",  # no source_name: a schema error
        " " * 10,
    )
    text += "      - {id: crm, type: ref_table, join: {attribute: a, type: email}, typo: 1}\n"
    spec = write(tmp_path, "users.yaml", text)
    other = write(tmp_path, "more/users.yaml", VALID)
    code, out, _ = run("validate", str(tmp_path))
    assert code == 3
    assert f"{spec}:13:13: error: 'source_name' is a required property" in out
    assert "unknown key 'typo'" in out
    assert f"field id 'tier' is declared more than once in connection 'crm': {spec}:9:13" in out
    assert "group 'A' is listed more than once in field 'tier'" in out
    assert (
        out.count(
            "connection id 'crm' is declared more than once in entity 'users': "
            f"{other}:5:9, {spec}:5:9, {spec}:14:9"
        )
        == 3
    )


def test_malformed_parts_are_left_to_the_schema_messages(tmp_path: Path) -> None:
    text = (
        "version: 1\nentities:\n  users:\n    unmanaged_connections: fial\n    connections:\n"
        "      - crm\n      - {id: 5, fields: oops}\n      - {id: a, fields: [x, {id: [1]}]}\n"
        "      - {id: b, fields: [{id: f, groups: [[1], [1]]}]}\n"
    )
    spec = write(tmp_path, "users.yaml", text)
    write(tmp_path, "b.yaml", "version: 1\nentities: {users: {unmanaged_connections: warn}}\n")
    code, out, err = run("validate", str(tmp_path))
    assert code == 3, err
    assert "Traceback" not in out + err and "internal error" not in err
    assert "more than once" not in out and "different values" not in out
    assert f"{spec}:4:28: error:" in out  # the misspelt policy: a schema error only


def test_conflicting_policies_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "version: 1\nentities: {users: {unmanaged_connections: warn}}\n")
    write(tmp_path, "b.yaml", "version: 1\nentities: {users: {unmanaged_connections: fail}}\n")
    code, out, _ = run("validate", str(tmp_path))
    assert code == 3
    assert "unmanaged_connections of entity 'users' is set to different values" in out


def test_bad_policy_value_lists_choices(tmp_path: Path) -> None:
    spec = write(tmp_path, "u.yaml", "version: 1\nentities: {users: {unmanaged_fields: fial}}\n")
    _, out, _ = run("validate", str(spec))
    assert "'fial' is not allowed (did you mean 'fail'?)" in out


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ("version: 1\nentities: [\n", ":3:1:", "YAML syntax error"),
        ("version: 1\nversion: 1\n", ":2:1:", "duplicate key 'version' (first defined at line 1"),
        ("- version: 1\n", ":1:1:", "the top level must be a mapping"),
        ("", ":1:1:", "file is empty"),
        ("# only a comment\n", ":1:1:", "file is empty"),
        (b"version: 1\n# caf\xe9\n", ":2:6:", "not UTF-8 text: byte 0xe9"),
        ("version: 1\nentities:\x00\n", ":2:10:", "NUL byte"),
        ("version: 2\nentities: 5\n", ":1:10:", "unsupported version 2: this driftcheck reads"),
        (
            "version: 1\nignore: [{entity: users, reason: r, expires: 2027-13-01}]\n",
            ":2:",
            "'2027-13-01' is not a valid date",
        ),
        (
            "version: 1\nentities: {users: {connections: [{1: x}]}}\n",
            ":2:35:",
            "mapping key '1' is not a string: quote it",
        ),
    ],
)
def test_bad_input_is_a_clear_message_and_exit_3(
    tmp_path: Path, content: str | bytes, where: str, message: str
) -> None:
    spec = write(tmp_path, "spec.yaml", content)
    code, out, err = run("validate", str(spec))
    assert code == 3
    assert f"{spec}{where}" in out
    assert message in out
    assert "Traceback" not in out + err


def test_unsupported_version_hides_other_noise(tmp_path: Path) -> None:
    spec = write(tmp_path, "spec.yaml", "version: 2\nentities: 5\nfoo: 1\n")
    _, out, _ = run("validate", str(spec))
    assert out.count("error:") == 1


def test_an_empty_directory_is_an_invalid_spec_set(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, _ = run("validate", str(tmp_path / "empty"))
    assert code == 3
    assert f"{tmp_path / 'empty'}: error: directory holds no spec files" in out


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["validate", "--format", "json"],
        ["validate", "--find-specs"],
        ["check", "--live-snapshot", "live.json"],
        ["check", "--live-snapshot", "live.json", "--format", "json", "--report-json", "r.json"],
        ["plan"],
        ["apply"],
        ["adopt", "--live-snapshot", "live.json"],
        ["snapshot", "-o", "snap.json"],
    ],
    ids=" ".join,
)
def test_a_spec_path_that_does_not_exist_is_a_usage_error(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 1 as for any input the command line names wrongly (README, --help), before any
    read or request; the message names every missing path, where it was looked up, the fix."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "specs/users.yaml", VALID)
    write_live_snapshot(tmp_path / "live.json", {"users": []})
    code, out, err = run(*command, "specs", "nope.yaml", "gone/")
    assert (code, out) == (1, "")
    assert err == (
        "error: spec paths 'nope.yaml', 'gone/' do not exist (looked up from "
        f"{tmp_path}): name existing spec files or folders, e.g. 'datadog/'; 'driftcheck "
        "validate --find-specs' finds the specs under the current folder\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.json", "specs"]  # nothing written


def test_directories_are_searched_recursively_in_stable_order(tmp_path: Path) -> None:
    write(tmp_path, "z/users.yml", VALID)
    write(tmp_path, "a/accounts.yaml", VALID.replace("users", "accounts"))
    write(tmp_path, "a/notes.txt", "not a spec")
    write(tmp_path, ".hidden/broken.yaml", "{")
    code, out, _ = run("validate", str(tmp_path))
    assert (code, out) == (
        0,
        "ok: 2 files valid: 2 entities, 2 connections, 2 fields, 0 ignore entries; "
        "1 hidden entry skipped\n",
    )


def test_billion_laughs_fails_fast(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    spec = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    assert spec.stat().st_size < 1024
    started = time.perf_counter()
    code, out, _ = run("validate", str(spec))
    assert time.perf_counter() - started < 5  # generous: it is refused before expansion
    assert code == 3
    assert "anchors and aliases expand this document far beyond its written size" in out


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    spec = write(tmp_path, "deep.yaml", "version: 1\nx: " + "[" * 10_000 + "]" * 10_000 + "\n")
    code, out, err = run("validate", str(spec))
    assert code == 3
    assert "Traceback" not in out + err
    assert f"{spec}:2:" in out


def test_anchors_aliases_and_merge_keys_work(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        "users.yaml",
        """\
        version: 1
        entities:
          users:
            connections:
              - &base
                id: crm
                type: ref_table
                join: &join {attribute: user_email, type: email}
                fields:
                  - &tier {id: tier, source_name: tier, type: string}
              - <<: *base
                id: crm2
                join: *join
                fields: [*tier]
        """,
    )
    assert run("validate", str(spec)) == (
        0,
        "ok: 1 file valid: 1 entity, 2 connections, 2 fields, 0 ignore entries\n",
        "",
    )


def test_no_arguments_is_a_usage_error_exit_1() -> None:
    code, _, err = run("validate")
    assert code == 1
    assert "error: validate needs a PATH (or --find-specs to search the current folder)" in err


SPEC_TEXT = "version: 1\nentities:\n  users:\n    connections: []\n"


def test_find_specs_validates_only_the_yaml_files_that_are_specs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "datadog").mkdir()
    (tmp_path / "datadog" / "users.yaml").write_text(SPEC_TEXT, encoding="utf-8")
    (tmp_path / "compose.yaml").write_text("services:\n  web: {image: x}\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nx: !!python/name:a.b\n", "utf-8")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "spec.yaml").write_text("version: 1\nentities: 3\n", "utf-8")
    (tmp_path / "values.yaml").write_text("version: 2\nimage: x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("validate", "--find-specs").code == 0
    assert run("validate", "--find-specs", ".").code == 0
    # Without it, a folder's every YAML file is a spec: compose.yaml is an error.
    assert "compose.yaml:1:1: error" in run("validate", ".").out


def test_find_specs_still_recognises_and_reports_a_broken_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text(SPEC_TEXT + "    oops: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("validate", "--find-specs")
    assert code == 3 and out.startswith("a.yaml:6:1: error: YAML syntax error")


def test_find_specs_with_no_spec_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "compose.yaml").write_text("services: {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("validate", "--find-specs")
    assert code == 3
    assert "holds no driftcheck spec" in out


def test_unknown_command_is_exit_1_not_2() -> None:
    code, _, err = run("frobnicate")
    assert code == 1
    assert "invalid choice" in err


def test_help_lists_exit_codes() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "2    drift found" in out
    assert "4    live state could not be read completely" in out


def test_version() -> None:
    from driftcheck import __version__

    assert run("--version") == (0, f"driftcheck {__version__}\n", "")


def test_control_characters_from_a_spec_are_shown_not_executed(tmp_path: Path) -> None:
    spec = write(tmp_path, "u.yaml", 'version: 1\nentities: {users: {"\\e[31mred": 1}}\n')
    code, out, _ = run("validate", str(spec))
    assert code == 3
    assert "\x1b" not in out
    assert "\\x1b[31mred" in out


def test_duplicate_group_says_how_to_fix(tmp_path: Path) -> None:
    spec = write(tmp_path, "u.yaml", VALID + "            groups: [A, A]\n")
    _, out, _ = run("validate", str(spec))
    assert "group 'A' is listed more than once in field 'tier'" in out
    assert "list each group once" in out


def test_a_spec_set_without_any_entity_is_invalid(tmp_path: Path) -> None:
    spec = write(tmp_path, "empty.yaml", "version: 1\n")
    code, out, _ = run("validate", str(spec))
    assert code == 3
    assert f"{spec}:1:1: error: no entity is declared in the spec files" in out
    snapshot = EXAMPLES.parent / "live-snapshot.json"
    code, _, _ = run("check", str(spec), "--live-snapshot", str(snapshot))
    assert code == 3  # never a green for a check of nothing


def test_symlink_out_of_a_spec_folder_is_refused_unread(tmp_path: Path) -> None:
    secret = write(tmp_path, "outside/secret.yaml", "token: hunter2\n")
    specs = tmp_path / "specs"
    write(tmp_path, "specs/users.yaml", VALID)
    (specs / "link.yaml").symlink_to(secret)
    (specs / "inner.yaml").symlink_to(specs / "users.yaml")  # inside the folder: fine...
    code, out, _ = run("validate", str(specs))
    assert code == 3
    assert f"{specs / 'link.yaml'}: error: symbolic link to a file outside {specs}" in out
    assert "hunter2" not in out and "token" not in out
    assert "inner.yaml" in out  # ...but read, so its connection id is a duplicate


def test_without_libyaml_the_pure_python_loader_gives_the_same_answers(tmp_path: Path) -> None:
    """PyYAML built without libyaml: same verdicts and the same positions."""
    import subprocess
    import sys

    bad = write(
        tmp_path, "bad.yaml", VALID.replace("            type: string\n", "") + "x: 1\nx: 2\n"
    )
    probe = (
        "import sys, yaml; del yaml.CSafeLoader; from driftcheck.cli import main; "
        "raise SystemExit(main(sys.argv[1:]))"
    )
    for target in (str(EXAMPLES), str(bad)):
        pure = subprocess.run(
            [sys.executable, "-c", probe, "validate", target],
            capture_output=True,
            text=True,
            check=False,
        )
        assert (pure.returncode, pure.stdout) == run("validate", target)[:2]
    assert "duplicate key 'x'" in pure.stdout
