"""What a comparison of two contracts produces: rules, changes and the walk's shared state.

Both sides are bundles (`oaskit.spec.bundle_spec`): one document each, with only local `$ref`s,
every node still locatable in the file it was written in (`Bundle.locate`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from oaskit.errors import Level
from oaskit.spec import Bundle, Pointer, parse_pointer

__all__ = ["Change", "Comparison", "Direction", "Rule", "Side"]


class Direction(enum.StrEnum):
    """Which way data flows: a client sends requests and reads responses.

    A change that breaks one direction is often safe the other way round: a narrower request
    schema refuses what clients send, a narrower response schema only promises more.
    """

    REQUEST = "request"
    RESPONSE = "response"


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of change: its id (kebab-case), family, default level and a one-line summary."""

    id: str
    family: str
    level: Level
    summary: str


@dataclass(slots=True)
class Change:
    """One difference between base and head, as a rule found it.

    `base` and `head` point into each side's bundle (None where the thing does not exist on that
    side: the nearest existing parent is given instead where there is one). `operations` lists
    the operations (`GET /v1/connectors`) that reach the change; a change inside a shared
    component is reported once per direction, with every operation that reaches it.
    """

    rule: Rule
    message: str
    base: Pointer | None
    head: Pointer | None
    operations: set[str] = field(default_factory=set)
    direction: Direction | None = None
    # The level after configuration; starts at the rule's default.
    level: Level = Level.INFO

    def __post_init__(self) -> None:
        self.level = self.rule.level


class Side:
    """One side's bundled document, with `$ref` resolution that never loops."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.data: Any = bundle.data

    def node(self, pointer: Pointer) -> Any:
        """The node at `pointer`, or None when there is none."""
        node = self.data
        for token in pointer:
            if isinstance(node, dict):
                node = node.get(str(token))
            elif isinstance(node, list) and isinstance(token, int) and token < len(node):
                node = node[token]
            elif isinstance(node, list) and str(token).isdigit() and int(str(token)) < len(node):
                node = node[int(str(token))]
            else:
                return None
        return node

    def resolve(self, pointer: Pointer) -> tuple[Pointer, Any]:
        """Follow local `$ref`s from `pointer` to the node that defines something.

        Returns the pointer of that node and the node; a chain that loops or leads nowhere stops
        at its last node (the bundler has reported it already).
        """
        seen: set[Pointer] = set()
        node = self.node(pointer)
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref: str = node["$ref"]
            if not ref.startswith("#") or pointer in seen:
                break
            seen.add(pointer)
            try:
                target = parse_pointer(ref[1:])
            except ValueError:
                break
            found = self.node(target)
            if found is None:
                break
            pointer, node = target, found
        return pointer, node


class Comparison:
    """The state of one comparison: both sides and the changes found so far."""

    def __init__(self, base: Side, head: Side) -> None:
        self.base = base
        self.head = head
        self.changes: list[Change] = []

    def report(
        self,
        rule: Rule,
        message: str,
        *,
        base: Pointer | None,
        head: Pointer | None,
        operations: Iterable[str] = (),
        direction: Direction | None = None,
    ) -> Change:
        """Record one change and return it (a caller may add operations to it later)."""
        change = Change(rule, message, base, head, set(operations), direction)
        self.changes.append(change)
        return change
