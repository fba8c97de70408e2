"""Golden files: generated/ matches the specs, and each feature spec matches its expected output.

`make golden` (OASKIT_UPDATE_GOLDEN=1) rewrites the expected files of the feature specs;
generated/ itself is rewritten only by `oaskit regen`.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oaskit.config import load_config
from oaskit.pipeline import generate_package

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SPECS = sorted((HERE / "specs").glob("*.yaml"))
EXPECTED = HERE / "expected"
UPDATE = os.environ.get("OASKIT_UPDATE_GOLDEN") == "1"


def _package_for(spec: Path) -> str:
    return f"golden_{spec.stem}"


def _empty_mypy_config(folder: Path) -> Path:
    # Isolated from the project's [tool.mypy], whose `files` would pull in the whole repository.
    config = folder / "mypy.ini"
    config.write_text("[mypy]\nplugins = pydantic.mypy\n", encoding="utf-8")
    return config


def _diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        f"expected/{name}",
        f"actual/{name}",
    )
    return "".join(lines)


def _compare(files: dict[str, str], folder: Path) -> list[str]:
    problems = []
    for name, text in files.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif (current := path.read_text(encoding="utf-8")) != text:
            problems.append(_diff(current, text, name))
    known = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    problems.extend(f"unexpected: {folder / extra}" for extra in sorted(known - set(files)))
    return problems


def test_generated_tree_is_current_when_regenerated_from_the_specs() -> None:
    """generated/ is what `oaskit regen` makes of spec/ and templates/ today."""
    config = load_config(ROOT)
    for api in config.apis:
        files = generate_package(
            ROOT / api.spec,
            name=api.name,
            package=api.package,
            source=api.spec.as_posix(),
            templates=[ROOT / config.templates] if config.templates else [],
            read_write_models=api.read_write_models,
            validation_status=api.validation_status,
            embed_spec=api.embed_spec,
        )
        problems = _compare(files, ROOT / api.output_dir)
        assert not problems, "generated/ is stale; run `oaskit regen`:\n" + "\n".join(problems)


# The runtime (`templates/runtime/`) is the same in every package but for its header line: one
# golden copy of it, rendered for the first spec, stands for all.
RUNTIME = EXPECTED / "_runtime"


def _split_runtime(files: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The package's own files, and its runtime's files without their header line."""
    own = {name: text for name, text in files.items() if not name.startswith("_runtime/")}
    runtime = {
        name.removeprefix("_runtime/"): text.split("\n", 1)[1]
        for name, text in files.items()
        if name.startswith("_runtime/")
    }
    return own, runtime


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_feature_spec_output_matches_golden_when_generated(spec: Path) -> None:
    """Each output kind of each feature spec is byte-identical to its golden file; its runtime
    to the one golden runtime, header aside."""
    package = _package_for(spec)
    generated = generate_package(
        spec, name=spec.stem, package=package, source=f"tests/golden/specs/{spec.name}"
    )
    files, runtime = _split_runtime(generated)
    assert runtime, "every package has a runtime"
    if UPDATE:
        RUNTIME.mkdir(parents=True, exist_ok=True)
        for name, text in runtime.items():
            (RUNTIME / name).write_text(text, encoding="utf-8")
    runtime_problems = _compare(runtime, RUNTIME)
    assert not runtime_problems, "the runtime differs:\n" + "\n".join(runtime_problems)
    folder = EXPECTED / package
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*"):
            if stale.is_file():
                stale.unlink()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    problems = _compare(files, folder)
    assert not problems, (
        "golden files differ; run `make golden` if the change is intended:\n" + "\n".join(problems)
    )


def test_golden_output_is_ruff_and_mypy_strict_clean_when_checked(tmp_path: Path) -> None:
    """Generated code passes `ruff check` and `mypy --strict` as it is."""
    bin_dir = Path(sys.executable).parent
    ruff = subprocess.run(
        [
            str(bin_dir / "ruff"),
            "check",
            "--isolated",
            "--select",
            "E,F,W,I,UP,B",
            "--ignore",
            "E501",
            "--line-length",
            "100",
            str(EXPECTED),
            str(ROOT / "generated"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    packages = sorted(
        p.name for p in EXPECTED.iterdir() if p.is_dir() and p.name.startswith("golden_")
    )
    assert packages, "no golden packages found"
    # Each package as generated: its own files and the runtime, under a header line.
    tree = tmp_path / "tree"
    for package in packages:
        shutil.copytree(EXPECTED / package, tree / package)
        for module in RUNTIME.glob("*.py"):
            target = tree / package / "_runtime" / module.name
            target.parent.mkdir(exist_ok=True)
            target.write_text("# header\n" + module.read_text(encoding="utf-8"), encoding="utf-8")
    mypy = subprocess.run(
        [
            str(bin_dir / "mypy"),
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--config-file",
            str(_empty_mypy_config(tmp_path)),
            *[arg for package in packages for arg in ("-p", package)],
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tree,
        env={**os.environ, "MYPYPATH": str(tree)},
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
