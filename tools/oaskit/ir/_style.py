"""How a parameter is serialised: its `style`, `explode` and `allowReserved`, and its shape.

The generated `_runtime/style.py` writes and reads parameters by these (OAS 3.1.1 4.8.12.4). A
shape is what the server needs to type what it reads: a scalar type, `("array", item type)` or
`("object", ((property, type), ...), additional type or None)`, a literal the templates print
with `repr`. Arrays hold scalars and objects scalar properties, as RFC 6570 does; anything
deeper, or a schema that allows several kinds that are not all scalars, is `"any"` (read as text,
for the model to judge); a union of scalars reads as its narrowest member (`_scalar_union`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeAlias

__all__ = ["Scalar", "Shape", "json_type", "parameter_shape", "parameter_style"]

Scalar: TypeAlias = Literal["string", "integer", "number", "boolean", "any"]
Shape: TypeAlias = (
    Scalar
    | tuple[Literal["array"], Scalar]
    | tuple[Literal["object"], tuple[tuple[str, Scalar], ...], Scalar | None]
)

# OAS 3.1.1 4.8.12.4 Style Values: the styles each location allows, its default first.
_STYLES: dict[str, tuple[str, ...]] = {
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "path": ("simple", "label", "matrix"),
    "header": ("simple",),
    "cookie": ("form",),
}
_SCALARS: dict[str, Scalar] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
}
# `$ref`s followed before giving up on a chain (a cycle of references to references).
_MAX_REFS = 32


def parameter_style(raw: dict[str, Any]) -> tuple[str, bool, bool]:
    """A Parameter Object's (style, explode, allowReserved), with the defaults of its `in`.

    OAS 3.1.1 4.8.12.2: `style` defaults to form for query and cookie, simple for path and
    header; `explode` to true for form, false otherwise; `allowReserved` applies to query only.
    A style the location does not allow (lint reports it) falls back to the default.
    """
    allowed = _STYLES.get(str(raw.get("in")), ("simple",))
    style = raw.get("style")
    if style not in allowed:
        style = allowed[0]
    explode = raw.get("explode")
    if not isinstance(explode, bool):
        explode = style == "form"
    allow_reserved = raw.get("in") == "query" and raw.get("allowReserved") is True
    return str(style), explode, allow_reserved


def parameter_shape(schema: Any, resolve: Callable[[Any], Any]) -> Shape:
    """The shape of a parameter's `schema`; `resolve` gives the schema a `$ref` points at."""
    schema = _target(schema, resolve)
    kind = _kind(schema, resolve)
    if kind == "array":
        return ("array", _scalar(schema.get("items"), resolve))
    if kind == "object":
        return ("object", _properties(schema, resolve), _additional(schema, resolve))
    return kind


def _scalar(schema: Any, resolve: Callable[[Any], Any]) -> Scalar:
    """An item's or a property's type: a scalar, else `"any"` (RFC 6570 nests nothing)."""
    kind = _kind(_target(schema, resolve), resolve)
    return _SCALARS.get(kind, "any")


def _target(schema: Any, resolve: Callable[[Any], Any]) -> Any:
    """`schema` with `$ref`s followed and a one-member `allOf` (without a type) unwrapped."""
    for _ in range(_MAX_REFS):
        if isinstance(schema, dict) and "$ref" in schema:
            target = resolve(schema)
            if target is schema:
                return schema
            schema = target
        elif isinstance(schema, dict) and "type" not in schema and _one_member(schema):
            schema = schema["allOf"][0]
        else:
            return schema
    return schema


def _one_member(schema: dict[str, Any]) -> bool:
    members = schema.get("allOf")
    return isinstance(members, list) and len(members) == 1


def _kind(schema: Any, resolve: Callable[[Any], Any]) -> Scalar | Literal["array", "object"]:
    """What `schema` holds: one scalar type, an array, an object, or `"any"`."""
    if not isinstance(schema, dict):
        return "any"
    declared = schema.get("type")
    if declared is not None:
        # `["integer", "null"]` (OAS 3.1) and `nullable` (OAS 3.0) are the type and null.
        kinds = declared if isinstance(declared, list) else [declared]
        return _one_of({str(k) for k in kinds if k != "null"})
    for keyword in ("anyOf", "oneOf"):
        if isinstance(schema.get(keyword), list):
            members = [_target(member, resolve) for member in schema[keyword]]
            found = {_kind(m, resolve) for m in members if not _is_null(m)}
            return found.pop() if len(found) == 1 else _scalar_union({str(k) for k in found})
    if "enum" in schema or "const" in schema:
        values = schema["enum"] if "enum" in schema else [schema["const"]]
        if not isinstance(values, list):
            return "any"
        return _one_of({json_type(v) for v in values if v is not None})
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "any"


# A union of scalars reads its text as the narrowest member it parses as: GitHub's
# `workflow_id` is `oneOf: [integer, string]`, and `1` in a path is the integer. Text that is
# no such value stays text, which the string member then takes.
_NARROWEST: tuple[Scalar, ...] = ("integer", "number", "boolean")


def _scalar_union(kinds: set[str]) -> Scalar:
    if not kinds <= {"string", "integer", "number", "boolean"}:
        return "any"
    if {"integer", "number"} <= kinds:
        return "number"
    return next((kind for kind in _NARROWEST if kind in kinds), "any")


def _one_of(kinds: set[str]) -> Scalar | Literal["array", "object"]:
    # An integer is a number (JSON Schema 2020-12 6.1.1), so the two together read as numbers.
    if kinds == {"integer", "number"}:
        return "number"
    if len(kinds) != 1:
        return _scalar_union(kinds)
    (kind,) = kinds
    if kind in ("array", "object"):
        return "array" if kind == "array" else "object"
    return _SCALARS.get(kind, "any")


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def json_type(value: Any) -> str:
    """The JSON Schema type of an `enum` or `const` value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _properties(
    schema: dict[str, Any], resolve: Callable[[Any], Any]
) -> tuple[tuple[str, Scalar], ...]:
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return ()
    return tuple((str(name), _scalar(member, resolve)) for name, member in properties.items())


def _additional(schema: dict[str, Any], resolve: Callable[[Any], Any]) -> Scalar | None:
    """The type of properties the schema does not name; None when it allows none.

    An absent `additionalProperties` allows any (JSON Schema 2020-12 10.3.2.3), but an exploded
    form object shares the query with other parameters: with named properties, only those are
    read; with none (a free-form object), any key is.
    """
    additional = schema.get("additionalProperties")
    if additional is None:
        return None if schema.get("properties") else "any"
    if additional is False:
        return None
    return "any" if additional is True else _scalar(additional, resolve)
