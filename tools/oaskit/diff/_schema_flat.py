"""One schema as the diff sees it: `$ref`s followed and `allOf` members merged into one view.

An instance is valid against `allOf` when it is valid against every member (JSON Schema
2020-12 core 10.2.1.1), so the members' properties and `required` names add up and their
types intersect. Comparing the merged views, not the members one by one, keeps a property
that moved from one member to another (a common refactoring into a shared base) from
reading as removed on one side and added on the other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from oaskit.diff._model import Side
from oaskit.spec import Pointer

__all__ = ["JSON_TYPES", "Flat", "canonical", "flatten", "normalize"]

# JSON Schema 2020-12 validation 6.1.1: the primitive types; "integer" is a number with a zero
# fractional part, so it is a subset of "number".
JSON_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
# Bounds that allOf members add up to the tightest of them.
_TIGHTEST: dict[str, Callable[[Any, Any], Any]] = {
    **dict.fromkeys(("minLength", "minItems", "minProperties", "minimum"), max),
    **dict.fromkeys(("maxLength", "maxItems", "maxProperties", "maximum"), min),
    "exclusiveMinimum": max,
    "exclusiveMaximum": min,
}
# allOf chains deeper than this are cut off; real specs stay far below.
_MAX_DEPTH = 32


@dataclass(slots=True)
class Flat:
    """The merged view of one schema and its `allOf` members.

    `types` leaves out "null" (that is `nullable`) and is None when any type is allowed.
    `keywords` maps every other keyword to its value and the schema that wrote it (the outer
    schema wins over its members). `false` as a schema accepts nothing (2020-12 core 4.3.2).
    """

    pointer: Pointer
    types: frozenset[str] | None = None
    nullable: bool = True
    keywords: dict[str, tuple[Any, Pointer]] = field(default_factory=dict)
    properties: dict[str, Pointer] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    # enum and const folded together (2020-12 validation 6.1.3: const is a one-value enum);
    # None when any value is allowed.
    values: list[Any] | None = None
    values_at: Pointer | None = None
    exists: bool = True

    @property
    def composed(self) -> bool:
        """Whether the schema is only a union (`oneOf`/`anyOf`): no type or properties of its own.

        A union beside its own type and properties is a further constraint on them instead,
        often a choice of required names (`anyOf: [{required: [a]}, {required: [b]}]`).
        """
        union = "oneOf" in self.keywords or "anyOf" in self.keywords
        return union and self.types is None and not self.properties

    def keyword(self, name: str) -> Any:
        """The value of keyword `name`, or None."""
        found = self.keywords.get(name)
        return None if found is None else found[0]

    def at(self, name: str) -> Pointer:
        """The schema that wrote keyword `name` (the outer schema when none did)."""
        found = self.keywords.get(name)
        return self.pointer if found is None else found[1]


def normalize(side: Side, pointer: Pointer) -> Pointer:
    """`pointer` with list positions as ints and member names as strings, as the bundle has them.

    A `$ref` fragment carries positions as text (RFC 6901 4) and a walk as ints; one spelling
    makes both reach the same memo entry and lets `Bundle.locate` find the node's line.
    """
    node = side.data
    tokens: list[str | int] = []
    for token in pointer:
        text = str(token)
        if isinstance(node, list) and text.isdigit():
            index = int(text)
            tokens.append(index)
            node = node[index] if index < len(node) else None
        elif isinstance(node, dict):
            tokens.append(text)
            node = node.get(text)
        else:
            tokens.append(token)
            node = None
    return tuple(tokens)


def canonical(value: Any, *, wire_text: bool = False) -> str:
    """A key equal for equal JSON values (1 and 1.0 are the same number, 2020-12 core 4.2.2).

    With `wire_text` a scalar is keyed by its text: a parameter written `1` reads the same
    whether its schema says integer 1 or string "1".
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if wire_text and isinstance(value, str):
        return value
    if wire_text and isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, sort_keys=True, default=str)


def _type_set(node: dict[str, Any]) -> frozenset[str] | None:
    """The node's own types with "null" included; None without `type`."""
    declared = node.get("type")
    if isinstance(declared, str):
        types = {declared}
    elif isinstance(declared, list):
        types = {item for item in declared if isinstance(item, str)}
    else:
        return None
    # OAS 3.0.3 4.7.24 (Schema Object `nullable`): true adds null to the declared type.
    if node.get("nullable") is True:
        types.add("null")
    return frozenset(types & JSON_TYPES)


def flatten(side: Side, pointer: Pointer) -> Flat:
    """The merged view of the schema at `pointer` (absent or `true`: accepts anything)."""
    start, node = side.resolve(pointer)
    flat = Flat(normalize(side, start))
    if node is None:
        flat.exists = False
        return flat
    if node is False:
        flat.types, flat.nullable = frozenset(), False
        return flat
    if not isinstance(node, dict):
        return flat
    types: frozenset[str] | None = None
    seen: set[Pointer] = set()
    pending: list[tuple[Pointer, dict[str, Any], int]] = [(flat.pointer, node, 0)]
    while pending:
        at, schema, depth = pending.pop(0)
        if at in seen or depth > _MAX_DEPTH:
            continue
        seen.add(at)
        own = _type_set(schema)
        if own is not None:
            types = own if types is None else types & own
        _merge_values(flat, schema, at)
        for name in schema.get("properties") or {}:
            flat.properties.setdefault(str(name), (*at, "properties", str(name)))
        required = schema.get("required")
        if isinstance(required, list):
            flat.required.update(str(name) for name in required)
        for key, value in schema.items():
            if key not in {"type", "nullable", "properties", "required", "enum", "const", "allOf"}:
                _merge_keyword(flat, key, value, at)
        members = schema.get("allOf")
        for index, _ in enumerate(members if isinstance(members, list) else []):
            member_at, member = side.resolve((*at, "allOf", index))
            if isinstance(member, dict):
                pending.append((normalize(side, member_at), member, depth + 1))
    if types is not None:
        flat.nullable = "null" in types
        flat.types = types - {"null"}
    return flat


def _merge_keyword(flat: Flat, key: str, value: Any, at: Pointer) -> None:
    """Keep the first value of `key`, or for a bound the tightest: every member's holds."""
    found = flat.keywords.get(key)
    pick = _TIGHTEST.get(key)
    if found is None:
        flat.keywords[key] = (value, at)
    elif pick is not None and _is_number(value) and _is_number(found[0]):
        if pick(found[0], value) != found[0]:
            flat.keywords[key] = (value, at)
    elif key == "uniqueItems" and value is True:
        flat.keywords[key] = (value, at)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _merge_values(flat: Flat, schema: dict[str, Any], at: Pointer) -> None:
    """Intersect the allowed values with this schema's `enum` or `const`."""
    if "const" in schema:
        values, where = [schema["const"]], (*at, "const")
    elif isinstance(schema.get("enum"), list):
        values, where = list(schema["enum"]), (*at, "enum")
    else:
        return
    if flat.values is None:
        flat.values, flat.values_at = values, where
        return
    keep = {canonical(value) for value in values}
    flat.values = [value for value in flat.values if canonical(value) in keep]
