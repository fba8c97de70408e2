"""Where a key of a pyproject.toml table is written: tomllib keeps no positions."""

from __future__ import annotations

import re
from pathlib import Path

from oaskit.errors import Location

__all__ = ["key_location"]

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _normal(name: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in name.split("."))


def key_location(
    text: str, path: Path, table: str, key: str | None = None, *, index: int = 0
) -> Location:
    """The position of `key` in `[table]` (the `index`th `[[table]]`), else of the table's header.

    `key` may also be a quoted key or a string inside an array or inline table under the header
    (a rule name in `select = [...]`): the first place it is written is reported. A table that is
    not written out (only `[tool.oaskit]` with dotted keys) falls back to line 1.
    """
    lines = text.splitlines()
    starts = [
        number
        for number, line in enumerate(lines)
        if (match := _HEADER.match(line)) and _normal(match.group(1)) == table
    ]
    if not starts:
        return Location(path)
    start = starts[min(index, len(starts) - 1)]
    if key is None:
        return Location(path, start + 1, 1)
    quoted = re.escape(key)
    pattern = re.compile(rf"""^\s*({quoted}|"{quoted}"|'{quoted}')\s*=|(["']){quoted}\2""")
    for number in range(start + 1, len(lines)):
        if _HEADER.match(lines[number]):
            break
        match = pattern.search(lines[number])
        if match:
            column = match.start(1) if match.group(1) else match.start()
            return Location(path, number + 1, column + 1)
    return Location(path, start + 1, 1)
