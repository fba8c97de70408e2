"""Where a key of a pyproject.toml table is written: tomllib keeps no positions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from oaskit.errors import Location

__all__ = ["find_key", "key_location", "syntax_error_location"]

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
# tomllib ends each message with where it stopped: `(at line 3, column 7)` or `(at end of
# document)`.
_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def _normal(name: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in name.split("."))


def _headers(lines: list[str]) -> list[tuple[int, str]]:
    return [(n, _normal(m.group(1))) for n, line in enumerate(lines) if (m := _HEADER.match(line))]


def find_key(text: str, path: Path, table: str, key: str, *, index: int = 0) -> Location | None:
    """Where `key` is written in `[table]` (the `index`th `[[table]]`), or None when it is not.

    `key` may be a bare, quoted or dotted key (`lint.select = …` for `lint`), a quoted string
    inside an array or inline table under the header (a rule name in `select = [...]`), or a
    table of its own (`[tool.oaskit.lint]` for the key `lint` of `tool.oaskit`).
    """
    lines = text.splitlines()
    headers = _headers(lines)
    starts = [number for number, name in headers if name == table]
    if starts:
        start = starts[min(index, len(starts) - 1)]
        quoted = re.escape(key)
        pattern = re.compile(rf"""^\s*({quoted}|"{quoted}"|'{quoted}')\s*[=.]|(["']){quoted}\2""")
        for number in range(start + 1, len(lines)):
            if _HEADER.match(lines[number]):
                break
            match = pattern.search(lines[number])
            if match:
                column = match.start(1) if match.group(1) else match.start()
                return Location(path, number + 1, column + 1)
    # Array entries ([[table]]) own no sub-table by that name, so `index` does not apply here.
    inner = f"{table}.{key}"
    for number, name in headers:
        if name == inner or name.startswith(inner + "."):
            return Location(path, number + 1, 1)
    return None


def key_location(
    text: str, path: Path, table: str, key: str | None = None, *, index: int = 0
) -> Location:
    """The position of `key` in `[table]` (the `index`th `[[table]]`), else of the table's header.

    See `find_key` for the ways a key is found. A table without a header of its own (only
    dotted keys, or inline under its parent) falls back to line 1.
    """
    if key is not None:
        found = find_key(text, path, table, key, index=index)
        if found is not None:
            return found
    starts = [number for number, name in _headers(text.splitlines()) if name == table]
    if starts:
        return Location(path, starts[min(index, len(starts) - 1)] + 1, 1)
    return Location(path)


def syntax_error_location(
    error: tomllib.TOMLDecodeError, text: str, path: Path
) -> tuple[str, Location]:
    """The reason tomllib gives for `error` in `text`, and where in `path` it stopped reading."""
    message = str(error)
    match = _AT.search(message)
    if match is None:
        return message, Location(path)
    if match.group(1) is None:
        lines = text.splitlines() or [""]
        return message[: match.start()], Location(path, len(lines), len(lines[-1]) + 1)
    return message[: match.start()], Location(path, int(match.group(1)), int(match.group(2)))
