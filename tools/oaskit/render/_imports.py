"""Import blocks for the modules split out of a formatted `models.py`, as ruff would write them.

The models are formatted once, as one file, and then split: formatting 1,352 split modules on a
staging tree costs a second on GitHub's spec, one file 0.3 s. Each module then takes the lines of
the formatted import block it uses, which keeps ruff's order, and adds imports of its sibling
modules into the first-party section, ordered as ruff's isort orders them (defaults: modules by
natural, case-insensitive order; names constants first, then classes, then the rest).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["ImportBlock"]

LINE_LENGTH = 100
_FROM = re.compile(r"from\s+([\w.]+)\s+import\s+\(?([^)]*)\)?", re.DOTALL)
_STRAIGHT = re.compile(r"import\s+([\w.]+)(?:\s+as\s+(\w+))?")
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True)
class _Import:
    module: str
    # (name, alias) pairs; a straight import (`import a.b`) has none.
    members: tuple[tuple[str, str | None], ...]
    alias: str | None = None

    def bound(self, member: tuple[str, str | None]) -> str:
        return member[1] or member[0]

    def render(self, members: Sequence[tuple[str, str | None]]) -> str:
        if not self.members:
            return f"import {self.module}" + (f" as {self.alias}" if self.alias else "")
        names = [name + (f" as {alias}" if alias else "") for name, alias in members]
        line = f"from {self.module} import {', '.join(names)}"
        if len(line) <= LINE_LENGTH:
            return line
        return f"from {self.module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


class ImportBlock:
    """The formatted import block of a module, to take the imports a part of it uses."""

    def __init__(self, sections: Sequence[Sequence[str]], *, first_party: str) -> None:
        """`sections`: each import section's statements, as formatted; `first_party`: the
        top-level package whose modules make the first-party section."""
        self._sections = [[_parse(text) for text in section] for section in sections]
        self._first_party = first_party

    def for_names(self, used: set[str], siblings: Mapping[str, Iterable[str]]) -> str:
        """The import block of a module that reads `used` and imports `siblings` (module ->
        names) from first-party modules."""
        extra = [
            _Import(module, tuple((name, None) for name in sorted(set(names), key=_member_key)))
            for module, names in siblings.items()
        ]
        blocks: list[str] = []
        placed = False
        for section in self._sections:
            kept = []
            for statement in section:
                if not statement.members:
                    if (statement.alias or statement.module.split(".")[0]) in used:
                        kept.append((statement, statement.members))
                    continue
                # A future import changes how the module compiles: kept, though no name reads it.
                future = statement.module == "__future__"
                members = tuple(
                    m for m in statement.members if future or statement.bound(m) in used
                )
                if members:
                    kept.append((statement, members))
            if section and self._is_first_party(section[0]):
                kept.extend((statement, statement.members) for statement in extra)
                kept.sort(key=lambda pair: _statement_key(pair[0]))
                placed = True
            if kept:
                blocks.append("\n".join(statement.render(members) for statement, members in kept))
        if not placed and extra:
            extra.sort(key=_statement_key)
            blocks.append("\n".join(statement.render(statement.members) for statement in extra))
        return "\n\n".join(blocks)

    def _is_first_party(self, statement: _Import) -> bool:
        return statement.module.split(".")[0] == self._first_party


def _parse(text: str) -> _Import:
    if (match := _FROM.fullmatch(text.strip())) is not None:
        members = []
        for part in match.group(2).replace("\n", " ").split(","):
            words = part.split()
            if words:
                members.append((words[0], words[2] if len(words) == 3 else None))
        return _Import(match.group(1), tuple(members))
    if (match := _STRAIGHT.fullmatch(text.strip())) is not None:
        return _Import(match.group(1), (), match.group(2))
    raise ValueError(f"not an import statement: {text!r}")


@functools.cache
def _natural(text: str) -> tuple[tuple[int, int], ...]:
    # ruff compares names by natural order: digit runs by value, other characters by code point.
    # Digits are the only characters between "/" and ":", so a run sorts where its digits would.
    key: list[tuple[int, int]] = []
    for index, part in enumerate(_DIGITS.split(text)):
        if index % 2:
            key.append((ord("0"), int(part)))
        else:
            key.extend((ord(char), 0) for char in part)
    return tuple(key)


def _statement_key(statement: _Import) -> tuple[object, ...]:
    # Straight imports before from-imports, then by module: case-insensitive, then exact.
    return (bool(statement.members), _natural(statement.module.lower()), _natural(statement.module))


def _member_key(name: str) -> tuple[object, ...]:
    if len(name) > 1 and name.isupper():
        kind = 0  # CONSTANT
    elif name[:1].isupper():
        kind = 1  # Class
    else:
        kind = 2  # variable
    return (kind, _natural(name.lower()), _natural(name))
