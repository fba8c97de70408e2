"""Problems found in specs, as values with a level and a source location."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Finding", "Level", "Location", "SpecInputError"]


class Level(enum.IntEnum):
    """How serious a finding is; only `cli.py` turns levels into exit codes."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """The lower-case name used in reports."""
        return self.name.lower()


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A position in a hand-written source file; line and column start at 1."""

    file: Path
    line: int = 1
    col: int = 1

    def display(self, *, root: Path | None = None) -> str:
        """`file:line:col`, the file relative to `root` when it lies below it."""
        shown = self.file
        if root is not None:
            try:
                shown = self.file.relative_to(root)
            except ValueError:
                shown = self.file
        return f"{shown}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: a rule or check code, a one-line message and where it is."""

    code: str
    message: str
    location: Location
    level: Level = Level.ERROR


class SpecInputError(Exception):
    """The input cannot be used at all (unreadable, not YAML or JSON, not OpenAPI)."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding
