"""Run the CLI from inside a temporary folder, so every printed path is relative to it.

`snapshot` compares a run's transcript (command, exit code, stdout, stderr) with a file under
`__snapshots__/<test module>/`, the temporary folder and oaskit's version normalised;
`OASKIT_UPDATE_GOLDEN=1` (`make golden`) rewrites the files instead.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

from oaskit.cli import main

SNAPSHOTS = Path(__file__).parent / "__snapshots__"
UPDATE = os.environ.get("OASKIT_UPDATE_GOLDEN") == "1"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty temporary folder, made the working directory, with no colour asked for."""
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@dataclass(frozen=True, slots=True)
class Run:
    """One `oaskit` run: its arguments, exit code and output."""

    argv: tuple[str, ...]
    code: int
    out: str
    err: str

    def transcript(self) -> str:
        """The run as the snapshot files hold it."""
        return (
            f"$ oaskit {shlex.join(self.argv)}\n"
            f"exit: {self.code}\n"
            f"--- stdout\n{self.out}"
            f"--- stderr\n{self.err}"
        )


@pytest.fixture
def oaskit(workdir: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
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
    replacements = _replacements(workdir)

    def check(name: str, text: str) -> None:
        actual = _normalised(text, replacements)
        expected = folder / f"{name}.txt"
        if UPDATE:
            folder.mkdir(parents=True, exist_ok=True)
            expected.write_text(actual, encoding="utf-8")
        assert expected.is_file(), f"no snapshot; run OASKIT_UPDATE_GOLDEN=1 to write {expected}"
        assert actual == expected.read_text(encoding="utf-8"), f"differs from {expected}"

    return check


def _replacements(workdir: Path) -> Sequence[tuple[str, str]]:
    # Longest first: the folder's URI contains its path.
    root = workdir.resolve()
    return [
        (root.as_uri(), "file://<tmp>"),
        (str(root), "<tmp>"),
        (str(workdir), "<tmp>"),
        (f"oaskit {metadata.version('oaskit')}", "oaskit <version>"),
        (f'"version": "{metadata.version("oaskit")}"', '"version": "<version>"'),
    ]


def _normalised(text: str, replacements: Sequence[tuple[str, str]]) -> str:
    for old, new in replacements:
        text = text.replace(old, new)
    return text
