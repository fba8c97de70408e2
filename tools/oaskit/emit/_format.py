"""Format generated sources with ruff, once, on a staging tree."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# ruff ships no type information for its locator; it finds the binary of this environment.
from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

__all__ = ["FormatError", "format_tree"]

# Isolated from any project's ruff settings, so the output is the same on every machine.
_COMMON = ("--isolated", "--line-length", "100", "--target-version", "py311")


class FormatError(Exception):
    """ruff refused the generated source: a template produced invalid Python."""


_FIXES = ("--fix-only", "--select", "I,F401,F541,UP,RUF022,RUF036", "--exit-zero")


def _first_party(package: str) -> tuple[str, str]:
    # Said outright rather than found on disk, so nothing beside the staging tree counts.
    return ("--config", f"lint.isort.known-first-party = [{package.split('.')[0]!r}]")


def format_tree(
    files: Mapping[str, str],
    *,
    package: str,
    meanwhile: Callable[[], None] | None = None,
    settled: Collection[str] = (),
) -> dict[str, str]:
    """The same files, import-sorted, unused imports removed and ruff-formatted.

    `settled` names files whose imports and unions are already what ruff's fixes would make of
    them: only formatted (GitHub's thousands of models modules, which the IR imports exactly).
    `meanwhile` runs in this process while ruff works in its own; what it raises is raised once
    ruff is done.
    """
    python = {name: text for name, text in files.items() if name.endswith(".py")}
    with tempfile.TemporaryDirectory(prefix="oaskit-", dir=_staging_root()) as staging:
        # The files sit at their package path and ruff runs from the staging root, so import
        # sorting sees the package as first-party whatever the caller's working directory.
        base = Path(staging)
        root = base.joinpath(*package.split("."))
        for name, text in python.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        ruff = str(find_ruff_bin())
        fixed = [str(root.relative_to(base) / name) for name in python if name not in settled]
        commands = [[ruff, "format", *_COMMON, "."]]
        if fixed:
            check = [ruff, "check", *_COMMON, *_first_party(package), *_FIXES, *fixed]
            commands.insert(0, check)
        # ruff works in its own processes, waited on by a thread, while `meanwhile` runs here.
        with ThreadPoolExecutor(max_workers=1) as pool:
            ruffed = pool.submit(_run_all, commands, base)
            try:
                if meanwhile is not None:
                    meanwhile()
            finally:
                problem = ruffed.result()
        if problem is not None:
            raise problem
        formatted = {name: (root / name).read_text(encoding="utf-8") for name in python}
    return {name: formatted.get(name, text) for name, text in files.items()}


# Memory-backed on Linux: staging GitHub's 1,600 modules on a disk-backed /tmp cost more than
# ruff's whole run (BENCHMARKS.md, Regen stages). A TMPDIR the user set is respected.
_SHARED_MEMORY = Path("/dev/shm")


def _staging_root() -> str | None:
    if os.environ.get("TMPDIR"):
        return None
    if _SHARED_MEMORY.is_dir() and os.access(_SHARED_MEMORY, os.W_OK | os.X_OK):
        return str(_SHARED_MEMORY)
    return None


def _run_all(commands: list[list[str]], cwd: Path) -> FormatError | None:
    """Run `commands` in turn; the error of the first that fails, else None."""
    try:
        for command in commands:
            _run(command, cwd=cwd)
    except FormatError as exc:
        return exc
    return None


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
