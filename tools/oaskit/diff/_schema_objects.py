"""Objects: properties, `required`, readOnly/writeOnly and `additionalProperties`.

Properties are compared as each direction sees them: a readOnly property is not part of a
request and a writeOnly one not part of a response (2020-12 validation 9.4, which OAS 3.1
4.8.24 adopts; OAS 3.0.3 4.7.24 adds that `required` on a readOnly property holds for
responses only). A property that becomes readOnly therefore leaves the request schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from oaskit.diff._model import Direction, Rule, Side
from oaskit.diff._schema_flat import Flat
from oaskit.diff._schema_pair import Pair, directional
from oaskit.errors import Level
from oaskit.spec import Pointer

__all__ = ["ADDITIONAL", "REQUIRED", "RULES", "check_objects"]


def _rule(rule_id: str, family: str, level: Level, summary: str) -> Rule:
    return Rule(rule_id, family, level, summary)


REQUEST_PROPERTY_REFUSED = _rule(
    "request-property-refused",
    "properties",
    Level.ERROR,
    "A request property was removed from an object that forbids others: sending it is refused.",
)
REQUEST_REQUIRED_PROPERTY_REMOVED = _rule(
    "request-required-property-removed",
    "properties",
    Level.ERROR,
    "A property every client sends was removed from the request: the server ignores it now.",
)
REQUEST_PROPERTY_REMOVED = _rule(
    "request-property-removed",
    "properties",
    Level.WARNING,
    "An optional request property was removed; clients sending it are accepted but ignored.",
)
REQUEST_REQUIRED_PROPERTY_ADDED = _rule(
    "request-required-property-added",
    "properties",
    Level.ERROR,
    # 2020-12 validation 9.2: a `default` is an annotation and does not satisfy `required`.
    "A request property was added as required: existing requests lack it.",
)
REQUEST_PROPERTY_ADDED = _rule(
    "request-property-added",
    "properties",
    Level.INFO,
    "An optional request property was added.",
)
RESPONSE_REQUIRED_PROPERTY_REMOVED = _rule(
    "response-required-property-removed",
    "properties",
    Level.ERROR,
    "A property every response carried was removed: clients reading it fail.",
)
RESPONSE_PROPERTY_REMOVED = _rule(
    "response-property-removed",
    "properties",
    Level.WARNING,
    "An optional response property was removed; clients that read it when present lose it.",
)
RESPONSE_PROPERTY_ADDED = _rule(
    "response-property-added",
    "properties",
    Level.INFO,
    "A response property was added.",
)
RESPONSE_PROPERTY_ADDED_CLOSED = _rule(
    "response-property-added-to-closed-object",
    "properties",
    Level.ERROR,
    # oaskit's generated models refuse unknown members of a closed object (extra="forbid").
    "A property was added to a response object that promised no others.",
)
REQUEST_REQUIRED_BECAME_READ_ONLY = _rule(
    "request-required-property-became-read-only",
    "read-write",
    Level.ERROR,
    "A property every client sends became readOnly: the server no longer takes it.",
)
REQUEST_BECAME_READ_ONLY = _rule(
    "request-property-became-read-only",
    "read-write",
    Level.WARNING,
    "An optional request property became readOnly: the server no longer takes it.",
)
RESPONSE_REQUIRED_BECAME_WRITE_ONLY = _rule(
    "response-required-property-became-write-only",
    "read-write",
    Level.ERROR,
    "A property every response carried became writeOnly: responses no longer carry it.",
)
RESPONSE_BECAME_WRITE_ONLY = _rule(
    "response-property-became-write-only",
    "read-write",
    Level.WARNING,
    "An optional response property became writeOnly: responses no longer carry it.",
)
REQUIRED = directional(
    "required", "property", narrowed="became-required", widened="became-optional"
)
ADDITIONAL = directional("additional-properties", "additional-properties")
RULES: tuple[Rule, ...] = (
    REQUEST_PROPERTY_REFUSED,
    REQUEST_REQUIRED_PROPERTY_REMOVED,
    REQUEST_PROPERTY_REMOVED,
    REQUEST_REQUIRED_PROPERTY_ADDED,
    REQUEST_PROPERTY_ADDED,
    RESPONSE_REQUIRED_PROPERTY_REMOVED,
    RESPONSE_PROPERTY_REMOVED,
    RESPONSE_PROPERTY_ADDED,
    RESPONSE_PROPERTY_ADDED_CLOSED,
    REQUEST_REQUIRED_BECAME_READ_ONLY,
    REQUEST_BECAME_READ_ONLY,
    RESPONSE_REQUIRED_BECAME_WRITE_ONLY,
    RESPONSE_BECAME_WRITE_ONLY,
    *REQUIRED.rules,
    *ADDITIONAL.rules,
)


@dataclass(slots=True)
class _View:
    """The properties and required names one direction sees, and those it hides."""

    properties: dict[str, Pointer]
    required: set[str]
    hidden: set[str]
    closed: bool


def _hiding(direction: Direction) -> str:
    return "readOnly" if direction is Direction.REQUEST else "writeOnly"


def _view(pair: Pair, side: Side, flat: Flat) -> _View:
    keyword = _hiding(pair.direction)
    properties: dict[str, Pointer] = {}
    hidden: set[str] = set()
    for name, pointer in flat.properties.items():
        node = side.node(pointer)
        # 3.1 lets readOnly sit beside a `$ref` (2020-12 core 8.2.3.1); 3.0 only on the target.
        beside = isinstance(node, dict) and node.get(keyword) is True
        if beside or pair.flat(side, pointer).keyword(keyword) is True:
            hidden.add(name)
        else:
            properties[name] = pointer
    # 2020-12 core 10.3.2.3 and 11.3: `false` here refuses every property not listed.
    closed = flat.keyword("additionalProperties") is False or (
        flat.keyword("unevaluatedProperties") is False
    )
    return _View(properties, flat.required - hidden, hidden, closed)


def check_objects(pair: Pair) -> None:
    """Report properties removed, added, made required or optional; recurse into the rest."""
    base, head = _view(pair, pair.base_side, pair.base), _view(pair, pair.head_side, pair.head)
    for name, pointer in base.properties.items():
        if name not in head.properties:
            _removed(pair, name, pointer, base=base, head=head)
    for name, pointer in head.properties.items():
        if name not in base.properties:
            _added(pair, name, pointer, base=base, head=head)
    shared = (base.properties.keys() & head.properties.keys()) | (
        (base.required | head.required) - base.properties.keys() - head.properties.keys()
    )
    for name in sorted(shared):
        was, now = name in base.required, name in head.required
        if was != now:
            pair.report(
                pair.pick(REQUIRED, narrowed=now, widened=was),
                f"property `{name}` {'became required' if now else 'became optional'}",
                base=pair.base.at("required") if was else pair.base.pointer,
                head=pair.head.at("required") if now else pair.head.pointer,
            )
    for name in sorted(base.properties.keys() & head.properties.keys()):
        pair.recurse(base.properties[name], head.properties[name])
    _check_additional(pair)


def _removed(pair: Pair, name: str, pointer: Pointer, *, base: _View, head: _View) -> None:
    required = name in base.required
    hidden = name in head.hidden
    if pair.direction is Direction.REQUEST:
        if hidden:
            rule = REQUEST_REQUIRED_BECAME_READ_ONLY if required else REQUEST_BECAME_READ_ONLY
        elif head.closed:
            rule = REQUEST_PROPERTY_REFUSED
        else:
            rule = REQUEST_REQUIRED_PROPERTY_REMOVED if required else REQUEST_PROPERTY_REMOVED
    elif hidden:
        rule = RESPONSE_REQUIRED_BECAME_WRITE_ONLY if required else RESPONSE_BECAME_WRITE_ONLY
    else:
        rule = RESPONSE_REQUIRED_PROPERTY_REMOVED if required else RESPONSE_PROPERTY_REMOVED
    how = f"became {_hiding(pair.direction)}" if hidden else "removed"
    where = pair.head.properties.get(name, pair.head.pointer)
    pair.report(
        rule,
        f"{'required ' if required else ''}property `{name}` {how}",
        base=pointer,
        head=where,
    )


def _added(pair: Pair, name: str, pointer: Pointer, *, base: _View, head: _View) -> None:
    required = name in head.required
    if pair.direction is Direction.REQUEST:
        rule = REQUEST_REQUIRED_PROPERTY_ADDED if required else REQUEST_PROPERTY_ADDED
    else:
        rule = RESPONSE_PROPERTY_ADDED_CLOSED if base.closed else RESPONSE_PROPERTY_ADDED
    how = f"no longer {_hiding(pair.direction)}" if name in base.hidden else "added"
    pair.report(
        rule,
        f"{'required ' if required else ''}property `{name}` {how}",
        base=pair.base.properties.get(name, pair.base.pointer),
        head=pointer,
    )


def _check_additional(pair: Pair) -> None:
    """`additionalProperties`: absent or true accepts any member, false none, a schema some."""
    old, new = pair.base.keyword("additionalProperties"), pair.head.keyword("additionalProperties")
    old_at = (*pair.base.at("additionalProperties"), "additionalProperties")
    new_at = (*pair.head.at("additionalProperties"), "additionalProperties")
    if old is False and new is False:
        return
    if old is False or new is False:
        closing = new is False
        pair.report(
            pair.pick(ADDITIONAL, narrowed=closing, widened=not closing),
            "additional properties " + ("no longer accepted" if closing else "now accepted"),
            base=old_at,
            head=new_at,
        )
        return
    if isinstance(old, dict) or isinstance(new, dict):
        pair.recurse(old_at, new_at)
