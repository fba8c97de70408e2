"""Changes placed in the sources of both sides: `file:line:col` as the user knows each file, and
the lines there, read while a revision's files are still unpacked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oaskit.diff._inputs import Opened
from oaskit.diff._model import Change
from oaskit.errors import Finding, Location
from oaskit.spec import Bundle, Pointer

__all__ = ["Located", "Locator", "Place", "Problem"]

# How many source lines a snippet shows: the line before the place, and the place's own.
SNIPPET_LINES = 2


@dataclass(frozen=True, slots=True, order=True)
class Place:
    """A position in one side's sources, with the lines that end at it."""

    # As shown: `spec/x.yaml`, or `main:spec/x.yaml` for a file at a revision.
    file: str
    line: int
    col: int
    # The file where a checkout has it, relative to the working folder (GitHub annotations).
    checkout: str
    # (line number, text) pairs ending with `line`; empty when the file could not be read.
    snippet: tuple[tuple[int, str], ...] = ()

    @property
    def display(self) -> str:
        """`file:line:col`."""
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Located:
    """A change with its place on each side (None where that side has no document at all)."""

    change: Change
    base: Place | None
    head: Place | None
    # The configured API it belongs to, when `--base` compares several.
    api: str | None = None

    def sort_key(self) -> tuple[int, tuple[str, int, int], tuple[str, int, int], str, str]:
        """Errors first, then by place in head, then in base."""
        return (
            -self.change.level,
            _key(self.head),
            _key(self.base),
            self.change.rule.id,
            self.change.message,
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """An input that could not be compared: a finding placed as the user knows its file."""

    code: str
    message: str
    place: Place


def _key(place: Place | None) -> tuple[str, int, int]:
    return (place.file, place.line, place.col) if place is not None else ("", 0, 0)


class Locator:
    """Places in one side's bundle, each file read once."""

    def __init__(self, opened: Opened, bundle: Bundle | None = None) -> None:
        self._opened = opened
        self._bundle = bundle
        self._lines: dict[Path, list[str]] = {}

    def place(self, pointer: Pointer | None) -> Place | None:
        """Where `pointer` is written; the document's start when it is None or unknown.

        A member named by a key (a property, a path, a component) is placed at its key, where
        a reader looks for it; an array item at its value.
        """
        if self._bundle is None:
            return None
        if pointer and isinstance(pointer[-1], str):
            where = self._bundle.locate_key(pointer)
        else:
            where = self._bundle.locate(pointer or ())
        return self.at(where)

    def at(self, where: Location) -> Place:
        """`where` as a Place, with its snippet."""
        lines = self._read(where.file)
        first = max(1, where.line - SNIPPET_LINES + 1)
        snippet = (
            tuple((number, lines[number - 1]) for number in range(first, where.line + 1))
            if where.line <= len(lines)
            else ()
        )
        return Place(
            file=self._opened.display(where.file),
            line=where.line,
            col=where.col,
            checkout=self._opened.checkout_path(where.file),
            snippet=snippet,
        )

    def problem(self, finding: Finding) -> Problem:
        """`finding` (an unusable input, a broken `$ref`) placed in this side's files."""
        return Problem(finding.code, finding.message, self.at(finding.location))

    def locate(self, change: Change, other: Locator, *, api: str | None = None) -> Located:
        """`change` placed on this side (base) and on `other` (head)."""
        return Located(change, self.place(change.base), other.place(change.head), api)

    def _read(self, file: Path) -> list[str]:
        if file not in self._lines:
            try:
                self._lines[file] = file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError, ValueError):
                self._lines[file] = []
        return self._lines[file]
