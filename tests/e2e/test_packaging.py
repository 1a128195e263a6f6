"""The project installs as a real wheel, with its schemas, and runs from anywhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    src = tmp_path_factory.mktemp("src") / "driftcheck"
    # Build from a copy so that the build never writes into the working tree.
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "*.egg-info", "__pycache__", "node_modules", ".*_cache"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    [built] = out.glob("driftcheck-*.whl")
    return built


def test_wheel_ships_the_schemas(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "driftcheck/schemas/driftcheck-spec.schema.json" in names
    assert "driftcheck/cli/__init__.py" in names
    assert not [n for n in names if n.startswith(("tests/", "examples/"))]


def test_wheel_requires_a_urllib3_that_bounds_decompression(wheel: Path) -> None:
    # urllib3 < 2.6 inflates a gzip body without bound, whatever cap the client sets.
    archive = zipfile.ZipFile(wheel)
    [metadata] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    requires = [
        line.removeprefix("Requires-Dist: ").replace(" ", "")
        for line in archive.read(metadata).decode("utf-8").splitlines()
        if line.startswith("Requires-Dist: ")
    ]
    assert "urllib3>=2.6" in requires


def test_installed_wheel_validates_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / "bin"
    subprocess.run(
        [bindir / "pip", "install", "-q", str(wheel)], check=True, capture_output=True, text=True
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copytree(ROOT / "examples" / "specs", elsewhere / "specs")
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    for command in ([bindir / "driftcheck"], [bindir / "python", "-m", "driftcheck"]):
        done = subprocess.run(  # noqa: PLW1510 - the return code is asserted
            [*command, "validate", "specs"],
            cwd=elsewhere,
            env=clean_env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("ok: 2 files valid")
    # The schema is read from the installed package, not from a checkout.
    probe = subprocess.run(
        [
            bindir / "python",
            "-c",
            "import json, driftcheck.spec.schema as s; "
            "print(json.loads(s.schema_text(s.SPEC_SCHEMA))['$id'])",
        ],
        cwd=elsewhere,
        env=clean_env,
        capture_output=True,
        text=True,
        check=True,
    )
    schema = json.loads((ROOT / "schemas" / "driftcheck-spec.schema.json").read_text("utf-8"))
    assert probe.stdout.strip() == schema["$id"]
