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


LOCKS = ("action.txt", "build.txt")


def locked(name: str) -> dict[str, tuple[str, list[str]]]:
    """requirements/NAME as {package: (version, hashes)}."""
    from packaging.utils import canonicalize_name

    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    pins: dict[str, tuple[str, list[str]]] = {}
    for entry in text.replace("\\\n", " ").splitlines():
        if not entry.strip() or entry.lstrip().startswith("#"):
            continue
        requirement, *hashes = entry.split("--hash=")
        name, version = requirement.split(";")[0].strip().split("==")
        pins[canonicalize_name(name)] = (version, [h.strip() for h in hashes])
    return pins


@pytest.mark.parametrize(
    ("lock", "table", "key"),
    [("action.txt", "project", "dependencies"), ("build.txt", "build-system", "requires")],
)
def test_the_action_locks_pin_every_requirement_with_hashes(
    lock: str, table: str, key: str
) -> None:
    """The action installs exactly requirements/*.txt (--require-hashes): action.txt must hold
    every runtime dependency of pyproject.toml, build.txt its build backend, in allowed
    versions."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = locked(lock)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for text in project[table][key]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements/{lock}: update the lock"
        assert requirement.specifier.contains(pins[name][0]), f"{name}=={pins[name][0]}: {text}"
    for name, (_version, hashes) in pins.items():
        assert hashes and all(h.startswith("sha256:") for h in hashes), name


@pytest.mark.parametrize("lock", LOCKS)
def test_the_lock_holds_the_dependencies_of_what_it_pins(lock: str) -> None:
    """Closed under dependencies (per the metadata of the installed packages, which the test
    extra installs): pip --no-deps would otherwise leave one out."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = locked(lock)
    for name in pins:
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            assert canonicalize_name(requirement.name) in pins, f"{name} needs {text}"
