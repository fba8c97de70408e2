"""Unions (`oneOf`, `anyOf`), discriminators and `not`, compared member by member.

A union accepts what any member accepts (2020-12 core 10.2.1.2-3), so a member removed
narrows it and a member added widens it. Members are paired before they are compared, by
the surest evidence first: the component a `$ref` names, the discriminator value (the
mapping, or the implicit schema name, OAS 3.1 4.8.25), a property fixed by `const` or a
one-value `enum`, and last the shape (type and property names). A reordered union or a member
that only gained a property is then one change inside one member, not a removal plus an
addition. `allOf` is not here: `_schema_flat` merges its members into one view.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from oaskit.diff._model import Rule, Side
from oaskit.diff._schema_flat import Flat, canonical
from oaskit.diff._schema_pair import Pair, directional
from oaskit.errors import Level
from oaskit.spec import Pointer, parse_pointer

__all__ = ["RULES", "VARIANTS", "check_composition"]

VARIANTS = directional("composition", "variant", narrowed="removed", widened="added")
MAPPING = directional("composition", "discriminator-mapping", narrowed="removed", widened="added")
KEYWORD_CHANGED = Rule(
    "composition-keyword-changed",
    "composition",
    Level.WARNING,
    "oneOf became anyOf or the other way: values matching several members change fate.",
)
DISCRIMINATOR_PROPERTY_CHANGED = Rule(
    "discriminator-property-changed",
    "composition",
    Level.ERROR,
    "The discriminator's propertyName changed: payloads pick their variant by another member.",
)
MAPPING_CHANGED = Rule(
    "discriminator-mapping-changed",
    "composition",
    Level.WARNING,
    "A discriminator value now maps to another schema.",
)
UNION_ADDED = Rule(
    "union-added",
    "composition",
    Level.WARNING,
    "A oneOf/anyOf now constrains a schema that has a type of its own; the net effect is unknown.",
)
UNION_REMOVED = Rule(
    "union-removed",
    "composition",
    Level.WARNING,
    "A oneOf/anyOf no longer constrains a schema that has a type of its own.",
)
NOT_CHANGED = Rule(
    "not-changed",
    "composition",
    Level.WARNING,
    "The schema under `not` changed; what it excludes cannot be compared by shape.",
)
RULES: tuple[Rule, ...] = (
    *VARIANTS.rules,
    *MAPPING.rules,
    KEYWORD_CHANGED,
    DISCRIMINATOR_PROPERTY_CHANGED,
    MAPPING_CHANGED,
    UNION_ADDED,
    UNION_REMOVED,
    NOT_CHANGED,
)
_UNIONS = ("oneOf", "anyOf")
# Two members unknown to each other by name pair up by shape only when this alike.
_MIN_SCORE = 0.5

Key = Callable[[int], Any]


def _members(flat: Flat) -> tuple[str | None, list[Pointer]]:
    for keyword in _UNIONS:
        members = flat.keyword(keyword)
        if isinstance(members, list):
            at = flat.at(keyword)
            return keyword, [(*at, keyword, index) for index in range(len(members))]
    return None, []


def _name(side: Side, pointer: Pointer) -> str | None:
    """The component a member names: its `$ref`'s last token, or its own place."""
    node = side.node(pointer)
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        try:
            tokens = parse_pointer(ref[1:]) if ref.startswith("#") else ()
        except ValueError:
            tokens = ()
        return str(tokens[-1]) if tokens else ref
    tokens = tuple(str(token) for token in pointer)
    if len(tokens) == 3 and tokens[:2] == ("components", "schemas"):
        return str(tokens[2])
    return None


def _fixed(pair: Pair, side: Side, pointer: Pointer, name: str) -> str | None:
    """The one value property `name` of the member at `pointer` may take, as a key."""
    member = pair.flat(side, pointer)
    at = member.properties.get(name)
    if at is None:
        return None
    values = pair.flat(side, at).values
    return canonical(values[0]) if values is not None and len(values) == 1 else None


def _discriminated(pair: Pair, side: Side, flat: Flat, pointer: Pointer) -> str | None:
    """The discriminator value selecting the member at `pointer` (OAS 3.1 4.8.25)."""
    discriminator = flat.keyword("discriminator")
    if not isinstance(discriminator, dict):
        return None
    mapping = discriminator.get("mapping")
    node = side.node(pointer)
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(mapping, dict) and isinstance(ref, str):
        for value, target in mapping.items():
            if target == ref or target == _name(side, pointer):
                return canonical(str(value))
    prop = discriminator.get("propertyName")
    fixed = _fixed(pair, side, pointer, prop) if isinstance(prop, str) else None
    if fixed is not None:
        return fixed
    # Without a mapping entry the value is the component's name (OAS 3.0.3 4.7.25 / 3.1 4.8.25).
    named = _name(side, pointer)
    return canonical(named) if named is not None else None


def _constant(pair: Pair, side: Side, pointer: Pointer) -> tuple[str, str] | None:
    """The first property (by name) that the member fixes to one value."""
    member = pair.flat(side, pointer)
    for name in sorted(member.properties):
        fixed = _fixed(pair, side, pointer, name)
        if fixed is not None:
            return name, fixed
    return None


def _score(base: Flat, head: Flat) -> float:
    """How alike two members look: type agreement and shared property names."""
    if base.types is not None and head.types is not None and base.types != head.types:
        related = {"integer", "number"}
        if not (base.types & head.types or (base.types | head.types) <= related):
            return 0.0
        kind = 0.25
    else:
        kind = 0.5
    names = base.properties.keys() | head.properties.keys()
    if not names:
        return kind * 2
    return kind + 0.5 * len(base.properties.keys() & head.properties.keys()) / len(names)


def _pair_up(
    base_left: list[int], head_left: list[int], base_key: Key, head_key: Key
) -> list[tuple[int, int]]:
    """Pair members whose keys are equal and unique on both sides."""

    def unique(indexes: list[int], key: Key) -> dict[Any, int]:
        found: dict[Any, list[int]] = {}
        for index in indexes:
            value = key(index)
            if value is not None:
                found.setdefault(value, []).append(index)
        return {value: items[0] for value, items in found.items() if len(items) == 1}

    heads = unique(head_left, head_key)
    return [
        (index, heads[value])
        for value, index in unique(base_left, base_key).items()
        if value in heads
    ]


def _on(key: Callable[[int, int], Any], side: int) -> Key:
    """`key` for the members of one side (0: base, 1: head)."""
    return lambda index: key(side, index)


def _match(pair: Pair, base: list[Pointer], head: list[Pointer]) -> list[tuple[int, int]]:
    """Pairs of member indexes (base, head) standing for the same variant."""
    sides = (pair.base_side, pair.head_side)
    flats = (pair.base, pair.head)
    members = (base, head)
    keys: list[Callable[[int, int], Any]] = [
        lambda side, index: _name(sides[side], members[side][index]),
        lambda side, index: _discriminated(pair, sides[side], flats[side], members[side][index]),
        lambda side, index: _constant(pair, sides[side], members[side][index]),
    ]
    matched: list[tuple[int, int]] = []
    base_left, head_left = list(range(len(base))), list(range(len(head)))
    for key in keys:
        found = _pair_up(base_left, head_left, _on(key, 0), _on(key, 1))
        matched += found
        base_left = [index for index in base_left if index not in {b for b, _ in found}]
        head_left = [index for index in head_left if index not in {h for _, h in found}]
    scored = sorted(
        (
            (-_score(pair.flat(sides[0], base[b]), pair.flat(sides[1], head[h])), abs(b - h), b, h)
            for b in base_left
            for h in head_left
        ),
    )
    for score, _, b, h in scored:
        if -score >= _MIN_SCORE and b in base_left and h in head_left:
            matched.append((b, h))
            base_left.remove(b)
            head_left.remove(h)
    return matched


def _show(pair: Pair, side: Side, pointer: Pointer, index: int) -> str:
    name = _name(side, pointer)
    if name is not None:
        return f"`{name}`"
    flat = pair.flat(side, pointer)
    kinds = "|".join(sorted(flat.types)) if flat.types is not None else "any"
    props = ", ".join(sorted(flat.properties)[:4])
    if not props and flat.required:
        return f"{index} (required: {', '.join(sorted(flat.required)[:4])})"
    return f"{index} ({kinds}{': ' + props if props else ''})"


def check_composition(pair: Pair) -> bool:
    """Compare unions, discriminators and `not`; True when the rest of the schema is moot.

    When only one side is a union, the other side counts as a union of itself: `string`
    becoming `oneOf: [string, integer]` is one member added, not a type removed.
    """
    base_keyword, base_members = _members(pair.base)
    head_keyword, head_members = _members(pair.head)
    wrapped = (base_keyword is None) != (head_keyword is None)
    if wrapped and not (pair.base.composed or pair.head.composed):
        # The union narrows the outer schema (each value must also match a member) while the
        # outer schema may have widened in step, as when `required: [a]` becomes
        # `anyOf: [{required: [a]}, {required: [b]}]`: which way it went is not known.
        added = head_keyword is not None
        keyword = head_keyword or base_keyword
        pair.report(
            UNION_ADDED if added else UNION_REMOVED,
            f"{keyword} of {len(head_members or base_members)} members "
            f"{'added beside' if added else 'removed from'} the schema's own type",
            base=(*pair.base.at(str(keyword)), str(keyword)) if not added else pair.base.pointer,
            head=(*pair.head.at(str(keyword)), str(keyword)) if added else pair.head.pointer,
        )
        _check_not(pair)
        return False
    if base_keyword is None and head_keyword is not None:
        base_members = [pair.base.pointer]
    elif head_keyword is None and base_keyword is not None:
        head_members = [pair.head.pointer]
    keyword = head_keyword or base_keyword
    if base_keyword and head_keyword and base_keyword != head_keyword:
        pair.report(
            KEYWORD_CHANGED,
            f"{base_keyword} → {head_keyword}",
            base=pair.base.at(base_keyword),
            head=pair.head.at(head_keyword),
        )
    _check_discriminator(pair, base_members, head_members)
    if keyword is not None:
        _compare_members(pair, keyword, base_members, head_members)
    if not wrapped:
        _check_not(pair)
    return wrapped


def _compare_members(pair: Pair, keyword: str, base: list[Pointer], head: list[Pointer]) -> None:
    matched = _match(pair, base, head)
    paired_base, paired_head = {b for b, _ in matched}, {h for _, h in matched}
    for index, pointer in enumerate(base):
        if index not in paired_base:
            pair.report(
                pair.pick(VARIANTS, narrowed=True, widened=False),
                f"{keyword} member {_show(pair, pair.base_side, pointer, index)} removed",
                base=pointer,
                head=(*pair.head.pointer, keyword),
            )
    for index, pointer in enumerate(head):
        if index not in paired_head:
            pair.report(
                pair.pick(VARIANTS, narrowed=False, widened=True),
                f"{keyword} member {_show(pair, pair.head_side, pointer, index)} added",
                base=(*pair.base.pointer, keyword),
                head=pointer,
            )
    for b, h in sorted(matched):
        pair.recurse(base[b], head[h])


def _check_discriminator(pair: Pair, base: list[Pointer], head: list[Pointer]) -> None:
    """Compare discriminators: the property they read and the values they map.

    A value's mapping entry removed while its member stays makes the member answer to its
    implicit value, the schema name, only (OAS 3.1 4.8.25): payloads carrying the old value
    are refused. Entries that come and go with their member are the members' changes.
    """
    old, new = pair.base.keyword("discriminator"), pair.head.keyword("discriminator")
    if not isinstance(old, dict) or not isinstance(new, dict):
        return
    base_at, head_at = pair.base.at("discriminator"), pair.head.at("discriminator")
    old_name, new_name = old.get("propertyName"), new.get("propertyName")
    if old_name != new_name:
        pair.report(
            DISCRIMINATOR_PROPERTY_CHANGED,
            f"discriminator propertyName `{old_name}` → `{new_name}`",
            base=(*base_at, "discriminator"),
            head=(*head_at, "discriminator"),
        )
        return
    old_map: dict[Any, Any] = old["mapping"] if isinstance(old.get("mapping"), dict) else {}
    new_map: dict[Any, Any] = new["mapping"] if isinstance(new.get("mapping"), dict) else {}
    for value in sorted(set(old_map) | set(new_map), key=str):
        where = {
            "base": (*base_at, "discriminator", "mapping"),
            "head": (*head_at, "discriminator", "mapping"),
        }
        if value in old_map and value in new_map:
            if _target(old_map[value]) != _target(new_map[value]):
                pair.report(
                    MAPPING_CHANGED,
                    f"discriminator value `{value}`: {old_map[value]} → {new_map[value]}",
                    **where,
                )
        else:
            removed = value in old_map
            target = _target(old_map[value] if removed else new_map[value])
            # Members on the side that lost (or gained) the entry, and on the other side.
            near = _names(pair.head_side, head) if removed else _names(pair.base_side, base)
            far = _names(pair.base_side, base) if removed else _names(pair.head_side, head)
            if target in far and target not in near and (base or head):
                continue
            if str(value) in near:
                continue
            pair.report(
                pair.pick(MAPPING, narrowed=removed, widened=not removed),
                f"discriminator value `{value}` {'removed' if removed else 'added'}",
                **where,
            )


def _names(side: Side, members: list[Pointer]) -> set[str]:
    return {name for name in (_name(side, member) for member in members) if name is not None}


def _target(ref: Any) -> str:
    """A mapping target by its last token: `#/components/schemas/Cat` and `Cat` agree."""
    return str(ref).rsplit("/", 1)[-1]


def _check_not(pair: Pair) -> None:
    old, new = pair.base.keyword("not"), pair.head.keyword("not")
    if old is None and new is None:
        return
    if json.dumps(old, sort_keys=True, default=str) == json.dumps(new, sort_keys=True, default=str):
        return
    pair.report(
        NOT_CHANGED,
        "`not` schema " + ("added" if old is None else "removed" if new is None else "changed"),
        base=(*pair.base.at("not"), "not"),
        head=(*pair.head.at("not"), "not"),
    )
