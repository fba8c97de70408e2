"""Schema against schema: what a request schema refuses now, what a response may carry now.

`compare_schema` walks two schemas side by side and hands each pair of nodes to the checks
of `_schema_types`, `_schema_enums`, `_schema_constraints`, `_schema_defaults`,
`_schema_unmodelled`, `_schema_objects` and `_schema_composition`. Schemas are graphs (a
`$ref` may lead back to where it started) and large specs reach the same components from
hundreds of operations, so each pair of resolved schemas is compared once per direction: a
later visit, from another operation or round a cycle, only adds its operation to the changes
at and below that pair.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from oaskit.diff._model import Change, Comparison, Direction, Rule, Side
from oaskit.diff._schema_composition import RULES as COMPOSITION_RULES
from oaskit.diff._schema_composition import check_composition
from oaskit.diff._schema_constraints import RULES as CONSTRAINT_RULES
from oaskit.diff._schema_constraints import check_constraints
from oaskit.diff._schema_defaults import RULES as DEFAULT_RULES
from oaskit.diff._schema_defaults import check_defaults
from oaskit.diff._schema_enums import RULES as ENUM_RULES
from oaskit.diff._schema_enums import check_enums
from oaskit.diff._schema_flat import Flat, flatten, normalize
from oaskit.diff._schema_objects import RULES as OBJECT_RULES
from oaskit.diff._schema_objects import check_objects
from oaskit.diff._schema_pair import Pair, describe
from oaskit.diff._schema_types import RULES as TYPE_RULES
from oaskit.diff._schema_types import check_formats, check_nullable, check_types
from oaskit.diff._schema_unmodelled import RULES as UNMODELLED_RULES
from oaskit.diff._schema_unmodelled import check_unmodelled
from oaskit.spec import Pointer

__all__ = ["RULES", "compare_schema"]

RULES: tuple[Rule, ...] = (
    *TYPE_RULES,
    *ENUM_RULES,
    *CONSTRAINT_RULES,
    *OBJECT_RULES,
    *COMPOSITION_RULES,
    *DEFAULT_RULES,
    *UNMODELLED_RULES,
)

_Key = tuple[Pointer, Pointer, Direction, bool]
_ABSENT: Pointer = ("#absent",)


@dataclass(slots=True, eq=False)
class _Entry:
    """The changes found comparing one pair of schemas, and the pairs compared inside it."""

    changes: list[Change] = field(default_factory=list)
    inner: list[_Entry] = field(default_factory=list)
    outer: list[_Entry] = field(default_factory=list)
    # Whether a change lies at or below this pair, so that spreading skips the rest.
    changed: bool = False
    # The last operation spread over this pair.
    spread: str | None = None


@dataclass(frozen=True, slots=True)
class _Task:
    """A pair of schemas waiting to be compared."""

    entry: _Entry
    base: Flat
    head: Flat
    direction: Direction
    wire_text: bool
    operation: str


class _Walk:
    """The comparison's memory of schema pairs, kept for as long as the Comparison lives.

    The walk keeps its own stack of pairs to compare instead of recursing, so a chain of
    components as deep as a spec likes never reaches Python's recursion limit.
    """

    def __init__(self, cmp: Comparison) -> None:
        self.cmp = cmp
        self.entries: dict[_Key, _Entry] = {}
        self.flats: tuple[dict[Pointer, Flat], dict[Pointer, Flat]] = ({}, {})

    def flat(self, side: Side, pointer: Pointer) -> Flat:
        cache = self.flats[0] if side is self.cmp.base else self.flats[1]
        key = normalize(side, pointer)
        found = cache.get(key)
        if found is None:
            found = cache[key] = flatten(side, pointer)
        return found

    def compare(
        self, base: Pointer, head: Pointer, *, direction: Direction, wire_text: bool, operation: str
    ) -> None:
        first = self._visit(base, head, direction, wire_text, operation, outer=None)
        pending = [first] if first is not None else []
        while pending:
            task = pending.pop()
            # Depth first, members in the order written: push the last found first.
            pending.extend(reversed(self._check(task)))

    def _visit(
        self,
        base: Pointer,
        head: Pointer,
        direction: Direction,
        wire_text: bool,
        operation: str,
        *,
        outer: _Entry | None,
    ) -> _Task | None:
        """The pair's task when it is new; for a pair met before, spread `operation` over it."""
        base_flat, head_flat = self.flat(self.cmp.base, base), self.flat(self.cmp.head, head)
        # Every absent schema accepts anything alike; keyed by place, an absent `items` beside
        # a recursive one would make a new pair at each turn of the cycle.
        key = (
            base_flat.pointer if base_flat.exists else _ABSENT,
            head_flat.pointer if head_flat.exists else _ABSENT,
            direction,
            wire_text,
        )
        entry = self.entries.get(key)
        known = entry is not None
        if entry is None:
            entry = self.entries[key] = _Entry()
        if outer is not None:
            outer.inner.append(entry)
            entry.outer.append(outer)
            if entry.changed:
                _mark(outer)
        if known:
            _spread(entry, operation)
            return None
        return _Task(entry, base_flat, head_flat, direction, wire_text, operation)

    def _check(self, task: _Task) -> list[_Task]:
        """Run every check on one pair; the pairs inside it, to compare next."""
        base, head, direction = task.base, task.head, task.direction
        inner: list[_Task] = []
        if not base.exists and not head.exists:
            return inner
        label = describe(head.pointer if head.exists else base.pointer)

        def report(
            rule: Rule, detail: str, at_base: Pointer | None, at_head: Pointer | None
        ) -> None:
            change = self.cmp.report(
                rule,
                f"{direction.value} {label}: {detail}",
                base=_existing(self.cmp.base, at_base),
                head=_existing(self.cmp.head, at_head),
                operations=(task.operation,),
                direction=direction,
            )
            task.entry.changes.append(change)
            _mark(task.entry)

        def recurse(at_base: Pointer, at_head: Pointer) -> None:
            found = self._visit(
                at_base, at_head, direction, task.wire_text, task.operation, outer=task.entry
            )
            if found is not None:
                inner.append(found)

        pair = Pair(
            base,
            head,
            self.cmp.base,
            self.cmp.head,
            direction,
            task.wire_text,
            report,
            recurse,
            self.flat,
        )
        if check_composition(pair):
            return inner
        if not check_types(pair):
            check_formats(pair)
        check_nullable(pair)
        check_enums(pair)
        check_constraints(pair)
        check_defaults(pair)
        check_unmodelled(pair)
        check_objects(pair)
        _check_items(pair)
        return inner


def _mark(entry: _Entry) -> None:
    """Note that a change lies below `entry` and every pair that reaches it."""
    pending = [entry]
    while pending:
        current = pending.pop()
        if not current.changed:
            current.changed = True
            pending.extend(current.outer)


def _check_items(pair: Pair) -> None:
    """Array members: `items` and, by position, `prefixItems` (2020-12 core 10.3.1.1-2)."""
    base, head = pair.base, pair.head
    if base.keyword("items") is not None or head.keyword("items") is not None:
        pair.recurse((*base.at("items"), "items"), (*head.at("items"), "items"))
    old, new = base.keyword("prefixItems"), head.keyword("prefixItems")
    old_list = old if isinstance(old, list) else []
    new_list = new if isinstance(new, list) else []
    for index in range(max(len(old_list), len(new_list))):
        pair.recurse(
            (*base.at("prefixItems"), "prefixItems", index),
            (*head.at("prefixItems"), "prefixItems", index),
        )


def _spread(entry: _Entry, operation: str) -> None:
    """Add `operation` to every change found at or below `entry`."""
    pending = [entry]
    while pending:
        current = pending.pop()
        if not current.changed or current.spread == operation:
            continue
        current.spread = operation
        for change in current.changes:
            change.operations.add(operation)
        pending.extend(current.inner)


def _existing(side: Side, pointer: Pointer | None) -> Pointer | None:
    """`pointer`, or its nearest parent that exists on `side` (for things that are gone)."""
    if pointer is None:
        return None
    tokens = normalize(side, pointer)
    while tokens and side.node(tokens) is None:
        tokens = tokens[:-1]
    return tokens


_WALKS: weakref.WeakKeyDictionary[Comparison, _Walk] = weakref.WeakKeyDictionary()


def compare_schema(
    cmp: Comparison,
    base: Pointer,
    head: Pointer,
    *,
    direction: Direction,
    operation: str,
    wire_text: bool = False,
) -> None:
    """Report how the schema at `head` differs from the one at `base` for `operation`.

    `wire_text` says the value travels as text (a path, query, header or cookie parameter,
    OAS 3.1 4.8.12.4): then a string schema takes whatever an integer, number or boolean schema
    took, so integer → string widens what a client may send instead of changing it.
    """
    walk = _WALKS.get(cmp)
    if walk is None:
        walk = _WALKS[cmp] = _Walk(cmp)
    walk.compare(base, head, direction=direction, wire_text=wire_text, operation=operation)
