"""Rules about Schema Objects, nested ones included."""

from __future__ import annotations

import json
from typing import Any

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index, resolve
from oaskit.spec import Bundle, openapi_version

__all__ = [
    "array_has_items",
    "enum_values_are_unique",
    "enum_values_match_type",
    "nullable_has_type",
    "required_properties_exist",
]


def _is_type(value: Any, name: str) -> bool:
    """Whether `value` is of the JSON Schema type `name` (2020-12 validation 6.1.1)."""
    if name == "integer":
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and float(value).is_integer()
    checks: dict[str, Any] = {
        "string": str,
        "number": int | float,
        "boolean": bool,
        "array": list,
        "object": dict,
        "null": type(None),
    }
    if name not in checks:
        return True  # An unknown type is the meta-schema's to report.
    if name == "number" and isinstance(value, bool):
        return False
    return isinstance(value, checks[name])


def _types(schema: dict[str, Any]) -> list[str] | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        types = [declared]
    elif isinstance(declared, list):
        types = [t for t in declared if isinstance(t, str)]
    else:
        return None
    # OAS 3.0 4.7.24.1: `nullable: true` adds null to the allowed values.
    return [*types, "null"] if schema.get("nullable") is True else types


@rule("enum-values-match-type", peers=("spectral:typed-enum", "redocly:no-enum-type-mismatch"))
def enum_values_match_type(bundle: Bundle) -> Found:
    """Every enum value is of the schema's declared type.

    An instance is valid only if it passes both `type` and `enum` (JSON Schema 2020-12
    validation 6.1.1 and 6.1.2), so an enum value of another type can never be sent or
    received: `type: integer` with `enum: ["1", "2"]` admits no value at all. Generators that
    make a typed enum from it fail or produce members of the wrong type. In OAS 3.0
    `nullable: true` adds null to the type (OAS 3.0.3 4.7.24).
    """
    for site in index(bundle).schemas:
        enum, types = site.schema.get("enum"), _types(site.schema)
        if not isinstance(enum, list) or types is None:
            continue
        for position, value in enumerate(enum):
            if not any(_is_type(value, name) for name in types):
                shown = " or ".join(types)
                yield (
                    (*site.pointer, "enum", position),
                    f"enum value {json.dumps(value)} is not of type {shown}",
                )


@rule(
    "enum-values-are-unique",
    level=Level.WARNING,
    peers=("spectral:duplicated-entry-in-enum", "redocly:no-duplicated-enum-values"),
)
def enum_values_are_unique(bundle: Bundle) -> Found:
    """No enum lists a value twice.

    "Elements in the array SHOULD be unique" (JSON Schema 2020-12 validation 6.1.2). A repeat
    changes nothing the schema admits but makes generated enums fail on a duplicate member,
    and is often a typo for a missing value. Values compare as JSON: `1` and `true` differ,
    the order of an object's keys does not matter.
    """
    for site in index(bundle).schemas:
        enum = site.schema.get("enum")
        seen: set[str] = set()
        for position, value in enumerate(enum if isinstance(enum, list) else []):
            # JSON equality: `1` and `true` differ, key order does not matter.
            key = f"{type(value).__name__}:{json.dumps(value, sort_keys=True)}"
            if key in seen:
                yield (*site.pointer, "enum", position), f"enum value {json.dumps(value)} repeats"
            seen.add(key)


def _property_names(data: dict[str, Any], schema: dict[str, Any], seen: set[int]) -> set[str]:
    """Names the schema's `properties` declare, through `allOf` members and `$ref`s."""
    if id(schema) in seen:
        return set()
    seen.add(id(schema))
    properties = schema.get("properties")
    names = set(properties) if isinstance(properties, dict) else set()
    members = schema.get("allOf")
    for member in members if isinstance(members, list) else []:
        _, target = resolve(data, member)
        if isinstance(target, dict):
            names |= _property_names(data, target, seen)
    _, target = resolve(data, {"$ref": schema["$ref"]} if "$ref" in schema else None)
    if isinstance(target, dict):
        names |= _property_names(data, target, seen)
    return names


@rule(
    "required-properties-exist",
    level=Level.WARNING,
    peers=("redocly:no-required-schema-properties-undefined",),
)
def required_properties_exist(bundle: Bundle) -> Found:
    """Every name a schema lists in `required` is one of its (or its `allOf`'s) properties.

    JSON Schema allows requiring a member that `properties` does not describe (2020-12
    validation 6.5.3), so this is a warning, but it is usually a renamed or misspelt property,
    and with `additionalProperties: false` no instance can be valid. Names that a sibling
    `allOf` member defines count, and a schema with neither `properties` nor `allOf` (a
    fragment under `oneOf`) is not judged.
    """
    spec = index(bundle)
    # An `allOf` member may require what a sibling member defines: each member sees them all.
    shared: dict[int, set[str]] = {}
    for site in spec.schemas:
        members = site.schema.get("allOf")
        if isinstance(members, list):
            names = _property_names(spec.data, site.schema, set())
            for member in members:
                _, target = resolve(spec.data, member)
                shared.setdefault(id(target), set()).update(names)
    for site in spec.schemas:
        required = site.schema.get("required")
        # Without `properties` or `allOf` the schema is a fragment (`oneOf: [{required: [a]}]`)
        # whose properties live in an enclosing schema; only complete schemas are judged.
        if not isinstance(required, list) or not (
            "properties" in site.schema or "allOf" in site.schema
        ):
            continue
        names = _property_names(spec.data, site.schema, set()) | shared.get(id(site.schema), set())
        for position, name in enumerate(required):
            if isinstance(name, str) and name not in names:
                yield (
                    (*site.pointer, "required", position),
                    f"required property {name!r} is not defined in properties",
                )


@rule("array-has-items", peers=("spectral:array-items",))
def array_has_items(bundle: Bundle) -> Found:
    """Every array schema says what its items are (`items`, or `prefixItems` in 3.1).

    OAS 3.0.3 4.7.24: "`items` MUST be present if the `type` is `array`". OAS 3.1 takes
    JSON Schema 2020-12, where a missing `items` allows any item, but the spec then says
    nothing about what the array holds and generators type it `list[Any]`; write `items: {}`
    to mean that. An error, as in Spectral.
    """
    for site in index(bundle).schemas:
        types = _types(site.schema) or []
        if "array" in types and "items" not in site.schema and "prefixItems" not in site.schema:
            yield site.pointer, "array schema has no `items`"


@rule("nullable-has-type", level=Level.WARNING, peers=("redocly:nullable-type-sibling",))
def nullable_has_type(bundle: Bundle) -> Found:
    """In OAS 3.0, `nullable: true` stands beside a `type` (OAS 3.0.3 4.7.24).

    OAS 3.0.3 clarified that `nullable: true` adds null to the values the schema's `type`
    allows; without a `type` there is nothing to add to, and tools disagree on whether such a
    schema admits null. Write `type` beside it, or move to OAS 3.1 and `type: [..., "null"]`.
    """
    if openapi_version(bundle) != "3.0":
        return
    for site in index(bundle).schemas:
        if site.schema.get("nullable") is True and "type" not in site.schema:
            yield (*site.pointer, "nullable"), "`nullable: true` has no sibling `type`"
