"""What every command shares: exit codes, the usage error, the project and how places print."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from oaskit.config import ApiConfig, ProjectConfig, find_project, load_config
from oaskit.config._hint import did_you_mean
from oaskit.errors import Finding, Location, SpecInputError

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_USAGE",
    "Output",
    "UsageError",
    "configured_apis",
    "did_you_mean",
    "load_project",
    "print_finding",
    "ref_roots",
    "relative",
    "wants_colour",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad arguments or configuration: exit 2 with this one-line message."""


@dataclass(frozen=True, slots=True)
class Output:
    """How much a command says beyond its findings: `-q` nothing, `-v` what it reads and skips.

    Findings, errors and what a command was asked to print (a diff, a rule's text) are printed
    whatever the level; this governs the summary and progress lines.
    """

    quiet: bool = False
    verbose: bool = False

    @classmethod
    def of(cls, args: argparse.Namespace) -> Output:
        """The level the global `-q`/`-v` options chose."""
        return cls(quiet=args.quiet, verbose=args.verbose)

    def status(self, message: str, *, stream: TextIO | None = None) -> None:
        """A summary or result line (on stderr unless `stream` says): left out with `-q`."""
        if not self.quiet:
            print(message, file=stream or sys.stderr)

    def detail(self, message: str) -> None:
        """What is being read, written or skipped: printed with `-v` only."""
        if self.verbose:
            print(message, file=sys.stderr)


def wants_colour(stream: TextIO) -> bool:
    """Whether ANSI colour goes to `stream`: NO_COLOR, then FORCE_COLOR, then a terminal.

    Each variable counts when set and not empty (https://no-color.org, https://force-color.org).
    When both are set NO_COLOR wins, as in CPython's `_colorize.can_colorize` (3.13) and
    pytest's `should_do_markup`: force-color.org's sample lets FORCE_COLOR override it, but
    NO_COLOR is a person's standing preference (often for accessibility), where FORCE_COLOR is
    usually a CI default. `TERM=dumb` declares a terminal without colour, as both of them read it.
    """
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def load_project(output: Output | None = None) -> ProjectConfig:
    """The configuration of the project around the working directory."""
    root = find_project(Path.cwd())
    if root is None:
        raise UsageError(
            "no pyproject.toml with [tool.oaskit] here or above; pass a spec path, "
            "or run `oaskit init`"
        )
    if output is not None:
        output.detail(f"config: {relative(root / 'pyproject.toml', Path.cwd())}")
    return load_config(root)


def configured_apis(project: ProjectConfig) -> tuple[ApiConfig, ...]:
    """The APIs `[tool.oaskit]` lists; none is a config error at the table."""
    if not project.apis:
        where = project.location or Location(project.root / "pyproject.toml")
        message = "[tool.oaskit] lists no apis; add a [[tool.oaskit.apis]] table per API"
        raise SpecInputError(Finding("config-invalid", message, where))
    return project.apis


def relative(path: Path, root: Path) -> str:
    """`path` relative to `root` when it lies below it, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
    except (OSError, RuntimeError):
        # A symlink loop cannot be resolved (RuntimeError before Python 3.13): compare as written.
        try:
            return path.absolute().relative_to(root.absolute()).as_posix()
        except ValueError:
            return path.as_posix()


def ref_roots(project: ProjectConfig | None) -> tuple[Path, ...]:
    """The folders besides a spec's own that its `$ref`s may read: `[tool.oaskit] ref-roots`."""
    if project is None:
        return ()
    return tuple(project.root / folder for folder in project.ref_roots)


def print_finding(finding: Finding, *, root: Path, stream: TextIO) -> None:
    """`file:line:col code message` on `stream`."""
    where = (
        f"{relative(finding.location.file, root)}:{finding.location.line}:{finding.location.col}"
    )
    print(f"{where} {finding.code} {finding.message}", file=stream)
