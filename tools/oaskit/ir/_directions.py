"""Which component schemas differ by the direction they travel in (readOnly, writeOnly).

A schema with a readOnly or writeOnly member (at any depth of its own inline objects), or one that
refers to such a schema, has no model of its own but `<Name>Request`, without its readOnly
members, and `<Name>Response`, without its writeOnly ones (OAS 3.1 4.8.24: readOnly "SHOULD NOT
be sent as part of the request", writeOnly "SHOULD NOT be sent as part of the response").
`Input`/`Output`, … replace the suffixes when a schema already has one of those names.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any, Literal

__all__ = [
    "LEFT_OUT",
    "VARIANT_SUFFIXES",
    "Direction",
    "component_target",
    "flagged",
    "split_schemas",
    "variant_suffixes",
]

Direction = Literal["request", "response"]
# The member flag a direction leaves out.
LEFT_OUT: dict[Direction, str] = {"request": "readOnly", "response": "writeOnly"}
# Suffixes of a split schema's request and response models, in order of preference: the first
# pair whose names no schema of the spec has (Asana has `EnumOption` and `EnumOptionRequest`).
VARIANT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("Request", "Response"),
    ("Input", "Output"),
    ("Write", "Read"),
    ("RequestModel", "ResponseModel"),
)
_PREFIX = "#/components/schemas/"
# Keywords whose values are literal data, never schemas.
_DATA = frozenset({"example", "examples", "default", "enum", "const"})


def variant_suffixes(model: str, taken: Collection[str]) -> tuple[str, str]:
    """The request and response suffixes for a split schema whose class is `model`, given the
    class names of all the spec's schemas."""
    for pair in VARIANT_SUFFIXES:
        if all(model + suffix not in taken for suffix in pair):
            return pair
    return VARIANT_SUFFIXES[-1]  # every pair taken: the names resolve their clash as any other


def component_target(ref: Any) -> str | None:
    """The component schema name `#/components/schemas/<name>` names, else None."""
    if isinstance(ref, str) and ref.startswith(_PREFIX) and "/" not in ref[len(_PREFIX) :]:
        return ref[len(_PREFIX) :].replace("~1", "/").replace("~0", "~")
    return None


def _refs(node: Any) -> Iterator[str]:
    """The component schemas `node` refers to, anywhere below it."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            target = component_target(current.get("$ref"))
            if target is not None:
                yield target
            mapping = current.get("discriminator", {})
            if isinstance(mapping, dict) and isinstance(mapping.get("mapping"), dict):
                yield from filter(None, map(component_target, mapping["mapping"].values()))
            stack.extend(v for k, v in current.items() if k not in _DATA)
        elif isinstance(current, list):
            stack.extend(current)


def flagged(
    schema: Any, flag: str, schemas: dict[str, Any], seen: frozenset[str] = frozenset()
) -> bool:
    """Whether a member schema is `flag`ged, itself or through the `$ref`/`allOf` it is made of."""
    if not isinstance(schema, dict):
        return False
    if schema.get(flag) is True:
        return True
    target = component_target(schema.get("$ref"))
    if target is not None and target not in seen:
        return flagged(schemas.get(target), flag, schemas, seen | {target})
    members = schema.get("allOf")
    if isinstance(members, list) and len(members) == 1:
        return flagged(members[0], flag, schemas, seen)
    return False


def _has_flagged_member(node: Any, schemas: dict[str, Any]) -> bool:
    """Whether an object in `node`'s own inline schemas has a readOnly or writeOnly member."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, dict) and "$ref" not in current:
            properties = current.get("properties")
            for member in properties.values() if isinstance(properties, dict) else ():
                if any(flagged(member, f, schemas) for f in LEFT_OUT.values()):
                    return True
            stack.extend(v for k, v in current.items() if k not in _DATA)
    return False


def split_schemas(schemas: dict[str, Any]) -> set[str]:
    """The schemas that differ by direction, and every schema that refers to one of them."""
    split = {name for name, schema in schemas.items() if _has_flagged_member(schema, schemas)}
    referrers: dict[str, set[str]] = {}
    for name, schema in schemas.items():
        for target in _refs(schema):
            referrers.setdefault(target, set()).add(name)
    pending = list(split)
    while pending:
        for referrer in referrers.get(pending.pop(), ()):
            if referrer not in split:
                split.add(referrer)
                pending.append(referrer)
    return split


def has_flagged_member(node: Any, schemas: dict[str, Any]) -> bool:
    """Whether an inline schema differs by direction: its own members are flagged, or it
    refers to a schema that does."""
    return _has_flagged_member(node, schemas)
