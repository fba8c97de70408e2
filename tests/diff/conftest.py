"""Run `oaskit diff` from inside a temporary folder, and compare transcripts with snapshots.

`snapshot` compares a run's transcript (command, exit code, stdout, stderr) with a file under
`__snapshots__/<test module>/`, the temporary folder normalised; `OASKIT_UPDATE_GOLDEN=1`
(`make golden`) rewrites the files instead. `git` makes a repository in the folder.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from oaskit.cli import main
from tests.cli.conftest import Run

SNAPSHOTS = Path(__file__).parent / "__snapshots__"
UPDATE = os.environ.get("OASKIT_UPDATE_GOLDEN") == "1"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty temporary folder, made the working directory, with no colour asked for."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for name in ("NO_COLOR", "FORCE_COLOR", "OASKIT_TRACEBACK"):
        monkeypatch.delenv(name, raising=False)
    return folder


Oaskit = Callable[..., Run]


@pytest.fixture
def oaskit(workdir: Path, capsys: pytest.CaptureFixture[str]) -> Oaskit:
    """Run `oaskit ARGS…` in `workdir` and capture what it printed."""

    def run(*argv: str) -> Run:
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return Run(tuple(argv), code, out, err)

    return run


Snapshot = Callable[[str, str], None]


@pytest.fixture
def snapshot(request: pytest.FixtureRequest, workdir: Path) -> Snapshot:
    """Compare `text` with the snapshot `name` of this test module (rewrite it when updating)."""
    folder = SNAPSHOTS / Path(request.node.path).stem
    replacements = [(str(workdir.resolve()), "<tmp>"), (str(workdir), "<tmp>")]

    def check(name: str, text: str) -> None:
        for old, new in replacements:
            text = text.replace(old, new)
        expected = folder / f"{name}.txt"
        if UPDATE:
            folder.mkdir(parents=True, exist_ok=True)
            expected.write_text(text, encoding="utf-8")
        assert expected.is_file(), f"no snapshot; run OASKIT_UPDATE_GOLDEN=1 to write {expected}"
        assert text == expected.read_text(encoding="utf-8"), f"differs from {expected}"

    return check


def write(root: Path, files: dict[str, str]) -> None:
    """Write each `relative path: text` below `root`, the text dedented."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


Git = Callable[..., str]


@pytest.fixture
def git(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Git:
    """`git ARGS…` in a fresh repository at `workdir`, with no user or system config."""
    # A developer's ~/.gitconfig (signing, hooks, default branch) must not change the tests.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name, value in {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    }.items():
        monkeypatch.setenv(name, value)

    def run(*arguments: str) -> str:
        done = subprocess.run(
            ["git", *arguments], cwd=workdir, capture_output=True, text=True, check=True
        )
        return done.stdout

    run("init", "--quiet", "--initial-branch=main")
    return run
