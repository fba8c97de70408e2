"""`[tool.oaskit.diff]` applied to changes: per-rule levels, then the ignores with their reasons."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from oaskit.config import DiffConfig, DiffIgnore
from oaskit.config._hint import did_you_mean
from oaskit.diff._model import Change, Rule
from oaskit.errors import Finding, Location, SpecInputError
from oaskit.spec import format_pointer

__all__ = ["Settled", "apply_settings", "check_settings"]

_PYPROJECT = Path("pyproject.toml")


@dataclass(frozen=True, slots=True)
class Settled:
    """Changes after configuration: those reported, and those an ignore accepted (with it)."""

    kept: list[Change]
    ignored: list[tuple[Change, DiffIgnore]]


def check_settings(config: DiffConfig, rules: Iterable[Rule]) -> None:
    """Raise SpecInputError at the first rule id the config names that no rule has."""
    known = sorted(rule.id for rule in rules)
    named = [*config.levels, *(ignore.rule for ignore in config.ignore)]
    for name in named:
        if name not in known:
            where = config.positions.get(name) or config.location or Location(_PYPROJECT)
            message = f"[tool.oaskit.diff] names an unknown diff rule {name!r}"
            message += did_you_mean(name, known)
            raise SpecInputError(Finding("config-invalid", message, where))


def apply_settings(changes: Sequence[Change], config: DiffConfig) -> Settled:
    """`changes` at their configured levels, without those turned off, split by the ignores.

    An ignore that names an operation or a path accepts a change only for the operations it
    matches: a change in a shared schema stays reported for the other operations that reach it.
    """
    kept: list[Change] = []
    ignored: list[tuple[Change, DiffIgnore]] = []
    for change in changes:
        level = config.levels.get(change.rule.id, change.level)
        if level is None:
            continue
        change.level = level
        remaining: Change | None = change
        for ignore in config.ignore:
            if remaining is None:
                break
            accepted, remaining = _split(remaining, ignore)
            if accepted is not None:
                ignored.append((accepted, ignore))
        if remaining is not None:
            kept.append(remaining)
    return Settled(kept, ignored)


def _split(change: Change, ignore: DiffIgnore) -> tuple[Change | None, Change | None]:
    """The part of `change` that `ignore` accepts and the part it leaves, either maybe None."""
    if ignore.rule != change.rule.id or not _pointer_matches(change, ignore.pointer):
        return None, change
    if ignore.operation is None and ignore.path is None:
        return change, None
    matched = {op for op in change.operations if _operation_matches(op, ignore)}
    if not matched:
        return None, change
    if matched == change.operations:
        return change, None
    return _with(change, matched), _with(change, change.operations - matched)


def _with(change: Change, operations: set[str]) -> Change:
    # `Change.__post_init__` resets the level to the rule's default; keep the configured one.
    copy = dataclasses.replace(change, operations=set(operations))
    copy.level = change.level
    return copy


def _operation_matches(operation: str, ignore: DiffIgnore) -> bool:
    if ignore.operation is not None and operation != ignore.operation:
        return False
    return ignore.path is None or operation.partition(" ")[2] == ignore.path


def _pointer_matches(change: Change, pointer: str | None) -> bool:
    """Whether either side's pointer is `pointer` or lies below it (RFC 6901 syntax)."""
    if pointer is None:
        return True
    for side in (change.base, change.head):
        if side is None:
            continue
        written = format_pointer(side).removeprefix("#")
        if written == pointer or written.startswith(pointer + "/"):
            return True
    return False
