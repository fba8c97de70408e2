"""Format generated sources with ruff, once, on a staging tree."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Mapping
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
) -> dict[str, str]:
    """The same files, import-sorted, unused imports removed and ruff-formatted.

    `meanwhile` runs in this process while ruff works in its own; whatever it raises stops ruff
    and is raised.
    """
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
        fixing = _start([ruff, "check", *_COMMON, *_first_party(package), *_FIXES, "."], cwd=base)
        try:
            if meanwhile is not None:
                meanwhile()
        except BaseException:
            fixing.kill()
            fixing.communicate()
            raise
        _finish(fixing)
        _run([ruff, "format", *_COMMON, "."], cwd=base)
        formatted = {name: (root / name).read_text(encoding="utf-8") for name in python}
    return {name: formatted.get(name, text) for name, text in files.items()}


def _start(command: list[str], *, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=cwd,
    )


def _finish(process: subprocess.Popen[str]) -> None:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        detail = (stderr or stdout).strip().splitlines()
        raise FormatError(detail[0] if detail else f"ruff exited with {process.returncode}")


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
