"""Deprecation and sunset of operations: rules, and when an operation's sunset is.

An operation is deprecated by `deprecated: true` (OAS 3.1 4.8.10.1). When it goes away is said
either by an `x-sunset` (or `sunset`) extension on the operation, as oasdiff reads it, or by a
`Sunset` response header (RFC 8594) whose example, default or const gives the date.
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from oaskit.diff._model import Comparison, Rule, Side
from oaskit.diff._nodes import mapping
from oaskit.errors import Level
from oaskit.spec import Pointer

if TYPE_CHECKING:
    from oaskit.diff._operations import Operation, Pair

__all__ = [
    "ENDPOINT_DEPRECATED",
    "ENDPOINT_DEPRECATED_WITH_SUNSET",
    "ENDPOINT_REACTIVATED",
    "ENDPOINT_SUNSET_EARLIER",
    "RULES",
    "Sunset",
    "compare_deprecation",
    "is_deprecated",
    "sunset_of",
]

ENDPOINT_DEPRECATED = Rule(
    "endpoint-deprecated",
    "deprecation",
    Level.WARNING,
    "An operation was deprecated without a sunset date; clients cannot plan its removal.",
)
ENDPOINT_DEPRECATED_WITH_SUNSET = Rule(
    "endpoint-deprecated-with-sunset",
    "deprecation",
    Level.INFO,
    "An operation was deprecated and its sunset announced.",
)
ENDPOINT_REACTIVATED = Rule(
    "endpoint-reactivated", "deprecation", Level.INFO, "An operation is no longer deprecated."
)
ENDPOINT_SUNSET_EARLIER = Rule(
    "endpoint-sunset-earlier",
    "deprecation",
    Level.WARNING,
    "A deprecated operation's sunset date moved earlier; clients have less time to migrate.",
)
RULES = (
    ENDPOINT_DEPRECATED,
    ENDPOINT_DEPRECATED_WITH_SUNSET,
    ENDPOINT_REACTIVATED,
    ENDPOINT_SUNSET_EARLIER,
)

# Extension names for an operation's sunset; oasdiff reads `x-sunset`.
_EXTENSIONS = ("x-sunset", "sunset")


@dataclass(frozen=True, slots=True)
class Sunset:
    """Where an operation's sunset is announced, and its date when the spec gives one."""

    pointer: Pointer
    day: date | None


def is_deprecated(operation: dict[str, Any]) -> bool:
    """Whether the operation says `deprecated: true`."""
    return operation.get("deprecated") is True


def sunset_of(side: Side, op: Operation) -> Sunset | None:
    """The operation's announced sunset: its extension first, else a `Sunset` response header."""
    for name in _EXTENSIONS:
        if name in op.node:
            return Sunset((*op.pointer, name), _day(op.node[name]))
    for status in mapping(op.node.get("responses")):
        pointer, response = side.resolve((*op.pointer, "responses", status))
        for name in mapping(mapping(response).get("headers")):
            if isinstance(name, str) and name.lower() == "sunset":
                at, header = side.resolve((*pointer, "headers", name))
                return Sunset(at, _header_day(mapping(header)))
    return None


def _header_day(header: dict[str, Any]) -> date | None:
    schema = mapping(header.get("schema"))
    examples = [
        example.get("value")
        for example in mapping(header.get("examples")).values()
        if isinstance(example, dict)
    ]
    enum = schema.get("enum")
    candidates = [
        header.get("example"),
        schema.get("const"),
        schema.get("default"),
        schema.get("example"),
        *(enum if isinstance(enum, list) else []),
        *examples,
    ]
    for candidate in candidates:
        day = _day(candidate)
        if day is not None:
            return day
    return None


def _day(value: Any) -> date | None:
    """A date written as ISO 8601 (`2025-06-30`, RFC 3339) or an HTTP-date (RFC 9110 5.6.7)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def compare_deprecation(cmp: Comparison, pair: Pair) -> None:
    """Report an operation deprecated, un-deprecated, or given an earlier sunset."""
    was, now = is_deprecated(pair.base.node), is_deprecated(pair.head.node)
    base_at, head_at = (*pair.base.pointer, "deprecated"), (*pair.head.pointer, "deprecated")
    if was and not now:
        cmp.report(
            ENDPOINT_REACTIVATED,
            f"{pair.label} is no longer deprecated",
            base=base_at,
            head=pair.head.pointer,
            operations=[pair.label],
        )
        return
    if not now:
        return
    sunset = sunset_of(cmp.head, pair.head)
    if not was:
        if sunset is None:
            rule, message = ENDPOINT_DEPRECATED, f"{pair.label} was deprecated without a sunset"
        else:
            rule = ENDPOINT_DEPRECATED_WITH_SUNSET
            when = f"on {sunset.day.isoformat()}" if sunset.day else "at an announced sunset"
            message = f"{pair.label} was deprecated, to be removed {when}"
        cmp.report(rule, message, base=pair.base.pointer, head=head_at, operations=[pair.label])
        return
    before = sunset_of(cmp.base, pair.base)
    if before and before.day and sunset and sunset.day and sunset.day < before.day:
        cmp.report(
            ENDPOINT_SUNSET_EARLIER,
            f"{pair.label}: sunset moved from {before.day.isoformat()} to {sunset.day.isoformat()}",
            base=before.pointer,
            head=sunset.pointer,
            operations=[pair.label],
        )
