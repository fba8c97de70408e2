"""`[tool.oaskit.diff]`: the exit threshold, per-rule levels and ignores of `oaskit diff`.

Rule ids are checked against the diff rule catalog by `oaskit.diff`, which reports an unknown
one at the place `positions` records for it; this module checks only the shape of the table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from oaskit.config._hint import did_you_mean
from oaskit.config._toml import find_key, key_location
from oaskit.errors import Finding, Level, Location, SpecInputError

__all__ = ["FAIL_ON", "IGNORE_KEYS", "KEYS", "DiffConfig", "DiffIgnore", "parse_diff_config"]

TABLE = "tool.oaskit.diff"
LEVELS_TABLE = f"{TABLE}.levels"
IGNORE_TABLE = f"{TABLE}.ignore"
# Every key each table takes, in the order docs/configuration.md documents them.
KEYS = ("fail-on", "levels", "ignore")
IGNORE_KEYS = ("rule", "reason", "operation", "path", "pointer")
# The lowest level that fails `oaskit diff` (exit 1); the first is the default.
FAIL_ON: dict[str, Level] = {"error": Level.ERROR, "warning": Level.WARNING}
_LEVELS: dict[str, Level | None] = {
    "error": Level.ERROR,
    "warning": Level.WARNING,
    "info": Level.INFO,
    "off": None,
}
# OAS 3.1 4.8.9: the operations a Path Item holds.
_METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")
_OPERATION = re.compile(r"(?P<method>[A-Za-z]+) +(?P<path>/\S*)")


@dataclass(frozen=True, slots=True)
class DiffIgnore:
    """One `[[tool.oaskit.diff.ignore]]`: changes of `rule` it accepts, and why.

    Each of `operation` (`GET /v1/connectors`), `path` (a path template, every method) and
    `pointer` (a JSON pointer into either side, matching it and everything below it) narrows
    the ignore further; with none of them it accepts the rule everywhere.
    """

    rule: str
    reason: str
    location: Location
    operation: str | None = None
    path: str | None = None
    pointer: str | None = None


@dataclass(frozen=True, slots=True)
class DiffConfig:
    """What `[tool.oaskit.diff]` sets."""

    # None leaves the command's own default (error).
    fail_on: Level | None = None
    # A level per rule id; None turns the rule off.
    levels: Mapping[str, Level | None] = field(default_factory=lambda: MappingProxyType({}))
    ignore: tuple[DiffIgnore, ...] = ()
    # Where each rule id is written: a key of `levels`, or an ignore's `rule`.
    positions: Mapping[str, Location] = field(
        default_factory=lambda: MappingProxyType({}), compare=False
    )
    # Where the table is written, for findings about it as a whole.
    location: Location | None = field(default=None, compare=False)


def parse_diff_config(table: Any, *, text: str, path: Path) -> DiffConfig:
    """`[tool.oaskit.diff]` as a DiffConfig; a malformed value raises SpecInputError at its key."""

    def fail(message: str, at: Location) -> SpecInputError:
        return SpecInputError(Finding("config-invalid", f"[{TABLE}] {message}", at))

    if not isinstance(table, dict):
        raise fail("must be a table", key_location(text, path, "tool.oaskit", "diff"))
    for key in table:
        if key not in KEYS:
            hint = did_you_mean(key, KEYS) or f" (known: {', '.join(KEYS)})"
            raise fail(f"has an unknown key {key!r}{hint}", key_location(text, path, TABLE, key))
    fail_on = table.get("fail-on")
    if fail_on is not None and (not isinstance(fail_on, str) or fail_on not in FAIL_ON):
        message = f"fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}"
        raise fail(message, key_location(text, path, TABLE, "fail-on"))
    positions: dict[str, Location] = {}
    levels = _levels(table.get("levels", {}), text=text, path=path, positions=positions)
    ignores = _ignores(table.get("ignore", []), text=text, path=path, positions=positions)
    return DiffConfig(
        fail_on=FAIL_ON[fail_on] if fail_on is not None else None,
        levels=MappingProxyType(levels),
        ignore=ignores,
        positions=MappingProxyType(positions),
        location=key_location(text, path, TABLE) if table else None,
    )


def _levels(
    raw: Any, *, text: str, path: Path, positions: dict[str, Location]
) -> dict[str, Level | None]:
    if not isinstance(raw, dict):
        at = key_location(text, path, TABLE, "levels")
        message = f"[{TABLE}] levels must be a table of rule-id = level"
        raise SpecInputError(Finding("config-invalid", message, at))
    levels: dict[str, Level | None] = {}
    for name, level in raw.items():
        at = (
            find_key(text, path, LEVELS_TABLE, name)
            or find_key(text, path, TABLE, "levels")
            or Location(path)
        )
        if not isinstance(level, str) or level not in _LEVELS:
            message = (
                f"[{LEVELS_TABLE}] the level of {name!r} must be one of "
                f"{', '.join(_LEVELS)}, not {level!r}"
            )
            raise SpecInputError(Finding("config-invalid", message, at))
        levels[name] = _LEVELS[level]
        positions.setdefault(name, at)
    return levels


def _ignores(
    raw: Any, *, text: str, path: Path, positions: dict[str, Location]
) -> tuple[DiffIgnore, ...]:
    if not isinstance(raw, list):
        at = key_location(text, path, TABLE, "ignore")
        message = f"ignore must be an array of tables: one [[{IGNORE_TABLE}]] per accepted change"
        raise SpecInputError(Finding("config-invalid", f"[{TABLE}] {message}", at))
    ignores: list[DiffIgnore] = []
    for index, entry in enumerate(raw):
        label = f"[[{IGNORE_TABLE}]] entry {index + 1}"

        def fail(message: str, key: str | None = None, index: int = index) -> SpecInputError:
            at = _ignore_location(text, path, key, index=index)
            return SpecInputError(Finding("config-invalid", message, at))

        if not isinstance(entry, dict):
            raise fail(f"{label} must be a table with rule and reason")
        for key in entry:
            if key not in IGNORE_KEYS:
                hint = did_you_mean(key, IGNORE_KEYS) or f" (known: {', '.join(IGNORE_KEYS)})"
                raise fail(f"{label} has an unknown key {key!r}{hint}", key)
        for key in ("rule", "reason"):
            if key not in entry:
                # An ignore without a reason is a breaking change nobody can account for later.
                raise fail(f"{label} has no {key}; every ignore needs a rule and a reason")
            if not isinstance(entry[key], str) or not entry[key].strip():
                raise fail(f"{label}: {key} must be a non-empty string", key)
        for key in ("operation", "path", "pointer"):
            if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
                raise fail(f"{label}: {key} must be a non-empty string", key)
        operation = entry.get("operation")
        if operation is not None:
            operation = _operation(operation)
            if operation is None:
                message = (
                    f"{label}: operation must be a method and a path, like 'GET /v1/connectors', "
                    f"not {entry['operation']!r}"
                )
                raise fail(message, "operation")
        api_path = entry.get("path")
        if api_path is not None and not api_path.startswith("/"):
            raise fail(f"{label}: path must be a path template starting with '/'", "path")
        pointer = entry.get("pointer")
        if pointer is not None:
            # Written as a URI fragment (`#/paths`) or a plain JSON pointer (`/paths`).
            pointer = pointer.removeprefix("#")
        if pointer is not None and not pointer.startswith("/"):
            # RFC 6901 section 3: a non-empty JSON pointer starts with `/`.
            message = f"{label}: pointer must be a JSON pointer starting with '/', like /paths"
            raise fail(message, "pointer")
        ignores.append(
            DiffIgnore(
                rule=entry["rule"],
                reason=entry["reason"].strip(),
                location=_ignore_location(text, path, None, index=index),
                operation=operation,
                path=api_path,
                pointer=pointer,
            )
        )
        positions.setdefault(entry["rule"], _ignore_location(text, path, "rule", index=index))
    return tuple(ignores)


def _ignore_location(text: str, path: Path, key: str | None, *, index: int) -> Location:
    """Where `key` of the `index`th ignore is written, else the entry, else `ignore` itself."""
    found = key_location(text, path, IGNORE_TABLE, key, index=index)
    if found == Location(path):
        # Written inline (`ignore = [{…}]`) under [tool.oaskit.diff].
        return key_location(text, path, TABLE, "ignore")
    return found


def _operation(text: str) -> str | None:
    """`get  /x` as `GET /x`, the way changes name operations; None when it is not one."""
    match = _OPERATION.fullmatch(text.strip())
    if match is None or match["method"].upper() not in _METHODS:
        return None
    return f"{match['method'].upper()} {match['path']}"
