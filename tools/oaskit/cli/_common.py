"""What every command shares: exit codes, the usage error, the project and how places print."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from oaskit.config import ApiConfig, ProjectConfig, find_project, load_config
from oaskit.errors import Finding

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_USAGE",
    "UsageError",
    "configured_apis",
    "load_project",
    "print_finding",
    "relative",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad arguments or configuration: exit 2 with this one-line message."""


def load_project() -> ProjectConfig:
    """The configuration of the project around the working directory."""
    root = find_project(Path.cwd())
    if root is None:
        raise UsageError("no pyproject.toml with [tool.oaskit] here or above; pass a spec path")
    return load_config(root)


def configured_apis(project: ProjectConfig) -> tuple[ApiConfig, ...]:
    """The APIs `[tool.oaskit]` lists; none is a usage error."""
    if not project.apis:
        raise UsageError("[tool.oaskit] lists no apis")
    return project.apis


def relative(path: Path, root: Path) -> str:
    """`path` relative to `root` when it lies below it, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def print_finding(finding: Finding, *, root: Path, stream: TextIO) -> None:
    """`file:line:col code message` on `stream`."""
    where = (
        f"{relative(finding.location.file, root)}:{finding.location.line}:{finding.location.col}"
    )
    print(f"{where} {finding.code} {finding.message}", file=stream)
