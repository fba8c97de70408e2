"""Format generated sources with ruff, once, on a staging tree."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

# ruff ships no type information for its locator; it finds the binary of this environment.
from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

__all__ = ["FormatError", "format_source", "format_tree"]

# Isolated from any project's ruff settings, so the output is the same on every machine.
_COMMON = ("--isolated", "--line-length", "100", "--target-version", "py311")


class FormatError(Exception):
    """ruff refused the generated source: a template produced invalid Python."""


_FIXES = ("--fix-only", "--select", "I,F401,F541,UP,RUF022,RUF036", "--exit-zero")


def format_source(text: str, *, package: str, name: str) -> str:
    """One file of `package` (`name` relative to it) formatted as `format_tree` formats it.

    Through ruff's stdin, with no staging tree: for one large file (GitHub's 2 MB of models,
    before they are split) that saves writing and reading back a tree.
    """
    filename = "/".join([*package.split("."), name])
    with tempfile.TemporaryDirectory(prefix="oaskit-") as empty:
        # Run from an empty folder: ruff counts folders beside the file as first-party packages.
        ruff = str(find_ruff_bin())
        common = [*_COMMON, *_first_party(package), "--stdin-filename", filename]
        fixed = _run([ruff, "check", *common, *_FIXES, "-"], cwd=Path(empty), stdin=text)
        return _run([ruff, "format", *common, "-"], cwd=Path(empty), stdin=fixed)


def _first_party(package: str) -> tuple[str, str]:
    # Said outright rather than found on disk: the models and the rest of a package are
    # formatted in separate stagings (one by the models worker), each missing the other.
    return ("--config", f"lint.isort.known-first-party = [{package.split('.')[0]!r}]")


def format_tree(files: Mapping[str, str], *, package: str) -> dict[str, str]:
    """The same files, import-sorted, unused imports removed and ruff-formatted."""
    python = {name: text for name, text in files.items() if name.endswith(".py")}
    with tempfile.TemporaryDirectory(prefix="oaskit-") as staging:
        # The files sit at their package path and ruff runs from the staging root, so import
        # sorting sees the package as first-party whatever the caller's working directory.
        base = Path(staging)
        root = base.joinpath(*package.split("."))
        for name, text in python.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        ruff = str(find_ruff_bin())
        _run([ruff, "check", *_COMMON, *_first_party(package), *_FIXES, "."], cwd=base)
        _run([ruff, "format", *_COMMON, "."], cwd=base)
        formatted = {name: (root / name).read_text(encoding="utf-8") for name in python}
    return {name: formatted.get(name, text) for name, text in files.items()}


def _run(command: list[str], *, cwd: Path, stdin: str | None = None) -> str:
    result = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        cwd=cwd,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise FormatError(detail[0] if detail else f"ruff exited with {result.returncode}")
    return result.stdout
