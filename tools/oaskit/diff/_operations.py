"""Operations of each side, matched into pairs; rules for endpoints removed, added or renamed.

An endpoint is a method on a path template. Two templates that differ only in their parameters'
names (`/a/{id}`, `/a/{key}`) route the same requests (OAS 3.1 4.8.8: "templated paths with the
same hierarchy but different templated names MUST NOT exist"), so they are the same endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from oaskit.diff._deprecation import is_deprecated, sunset_of
from oaskit.diff._model import Comparison, Rule, Side
from oaskit.diff._nodes import nearest
from oaskit.errors import Level
from oaskit.spec import Pointer

__all__ = [
    "ENDPOINT_ADDED",
    "ENDPOINT_PATH_RENAMED",
    "ENDPOINT_REMOVED",
    "ENDPOINT_REMOVED_AFTER_SUNSET",
    "OPERATION_ID_CHANGED",
    "RULES",
    "Operation",
    "Pair",
    "compare_operations",
    "operations",
]

# The Path Item fields that are operations (OAS 3.1 4.8.9; `query` of 3.2 is not read).
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

ENDPOINT_REMOVED = Rule(
    "endpoint-removed", "endpoints", Level.ERROR, "An operation was removed; its callers fail."
)
ENDPOINT_REMOVED_AFTER_SUNSET = Rule(
    "endpoint-removed-after-sunset",
    "endpoints",
    Level.INFO,
    "A deprecated operation was removed after its announced sunset date.",
)
ENDPOINT_ADDED = Rule("endpoint-added", "endpoints", Level.INFO, "An operation was added.")
ENDPOINT_PATH_RENAMED = Rule(
    "endpoint-path-parameter-renamed",
    "endpoints",
    Level.INFO,
    "A path template's parameter was renamed; the URLs clients build are the same.",
)
OPERATION_ID_CHANGED = Rule(
    "operation-id-changed",
    "endpoints",
    Level.WARNING,
    "An operationId changed; clients generated from it rename their method.",
)
RULES = (
    ENDPOINT_REMOVED,
    ENDPOINT_REMOVED_AFTER_SUNSET,
    ENDPOINT_ADDED,
    ENDPOINT_PATH_RENAMED,
    OPERATION_ID_CHANGED,
)

_TEMPLATE = re.compile(r"\{([^{}/]*)\}")


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation as written: its label, path template, method and enclosing Path Item."""

    label: str
    path: str
    method: str
    pointer: Pointer
    node: dict[str, Any]
    item_pointer: Pointer
    item: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Pair:
    """The same endpoint on both sides; `renamed` maps head path parameter names to base's."""

    base: Operation
    head: Operation
    renamed: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The operation as a client of base knows it."""
        return self.base.label


def operations(side: Side) -> Iterator[Operation]:
    """Every operation under `paths`, Path Items reached through a `$ref` included."""
    paths = side.node(("paths",))
    if not isinstance(paths, dict):
        return
    for path, _ in paths.items():
        if not isinstance(path, str):
            continue
        item_pointer, item = side.resolve(("paths", path))
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            node = item.get(method)
            if isinstance(node, dict):
                yield Operation(
                    f"{method.upper()} {path}",
                    path,
                    method,
                    (*item_pointer, method),
                    node,
                    item_pointer,
                    item,
                )


def _shape(path: str) -> str:
    return _TEMPLATE.sub("{}", path)


def _match_paths(base: list[str], head: list[str]) -> dict[str, str]:
    """Base path → head path: equal templates first, then equal shapes (each used once)."""
    heads = set(head)
    matched = {path: path for path in base if path in heads}
    spare: dict[str, list[str]] = {}
    for path in sorted(set(head) - set(matched.values())):
        spare.setdefault(_shape(path), []).append(path)
    for path in sorted(set(base) - set(matched)):
        candidates = spare.get(_shape(path))
        if candidates:
            matched[path] = candidates.pop(0)
    return matched


def _renames(base_path: str, head_path: str) -> dict[str, str]:
    names = zip(_TEMPLATE.findall(head_path), _TEMPLATE.findall(base_path), strict=False)
    return {new: old for new, old in names if new != old}


def compare_operations(cmp: Comparison, *, today: date) -> list[Pair]:
    """Report endpoints removed, added, renamed and re-identified; return the matched pairs."""
    base_ops = list(operations(cmp.base))
    head_ops = {(op.path, op.method): op for op in operations(cmp.head)}
    paths = _match_paths(
        sorted({op.path for op in base_ops}), sorted({path for path, _ in head_ops})
    )
    pairs: list[Pair] = []
    seen: set[tuple[str, str]] = set()
    renamed: dict[tuple[str, str], list[Pair]] = {}
    for op in base_ops:
        head_path = paths.get(op.path)
        found = head_ops.get((head_path, op.method)) if head_path is not None else None
        if found is None:
            _removed(cmp, op, today=today)
            continue
        seen.add((found.path, found.method))
        pair = Pair(op, found, _renames(op.path, found.path))
        pairs.append(pair)
        if pair.renamed:
            renamed.setdefault((op.path, found.path), []).append(pair)
        _compare_operation_id(cmp, pair)
    for same_path in renamed.values():
        _report_rename(cmp, same_path)
    for key, op in head_ops.items():
        if key not in seen:
            cmp.report(
                ENDPOINT_ADDED,
                f"{op.label} was added",
                base=nearest(cmp.base, ("paths", op.path)),
                head=op.pointer,
                operations=[op.label],
            )
    return pairs


def _removed(cmp: Comparison, op: Operation, *, today: date) -> None:
    announced = sunset_of(cmp.base, op)
    sunset = announced.day if announced is not None else None
    # RFC 8594 3: after the sunset the resource "is expected to become unresponsive".
    if is_deprecated(op.node) and sunset is not None and sunset <= today:
        rule = ENDPOINT_REMOVED_AFTER_SUNSET
        message = f"{op.label} was removed after its sunset date {sunset.isoformat()}"
    elif is_deprecated(op.node):
        rule = ENDPOINT_REMOVED
        when = f"before its sunset date {sunset.isoformat()}" if sunset else "without a sunset date"
        message = f"{op.label} was removed {when}"
    else:
        rule = ENDPOINT_REMOVED
        message = f"{op.label} was removed without being deprecated first"
    cmp.report(
        rule,
        message,
        base=op.pointer,
        head=nearest(cmp.head, ("paths", op.path)),
        operations=[op.label],
    )


def _report_rename(cmp: Comparison, pairs: list[Pair]) -> None:
    """One report for a renamed path template, listing every operation under it."""
    first = pairs[0]
    names = ", ".join(f"{{{old}}} → {{{new}}}" for new, old in sorted(first.renamed.items()))
    cmp.report(
        ENDPOINT_PATH_RENAMED,
        f"path {first.base.path} is now {first.head.path} ({names})",
        base=first.base.item_pointer,
        head=first.head.item_pointer,
        operations=[pair.label for pair in pairs],
    )


def _compare_operation_id(cmp: Comparison, pair: Pair) -> None:
    old, new = pair.base.node.get("operationId"), pair.head.node.get("operationId")
    if isinstance(old, str) and old != new:
        shown = repr(new) if isinstance(new, str) else "nothing"
        cmp.report(
            OPERATION_ID_CHANGED,
            f"{pair.label}: operationId {old!r} became {shown}",
            base=(*pair.base.pointer, "operationId"),
            head=(*pair.head.pointer, "operationId") if new is not None else pair.head.pointer,
            operations=[pair.label],
        )
