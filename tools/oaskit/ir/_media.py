"""Request bodies by media type: the kind of each, the one a client sends, and a form's shape.

A Request Body Object maps media types to Media Type Objects (OAS 3.1 4.8.13, 4.8.14); each
media type is sent and read one way, its kind:

- "json": application/json and any `+json` type (RFC 6839 3.1);
- "form": application/x-www-form-urlencoded (WHATWG URL 5);
- "multipart": multipart/form-data (RFC 7578), and the other `multipart/*` types built alike;
- "text": text/*, application/xml and `+xml` types (RFC 7303), a str;
- "binary": everything else (application/octet-stream, image/png, ranges like `*/*`), bytes.

The generated runtime (`templates/runtime/media.py.jinja`) encodes and reads each kind; this
module decides, from the spec, which kind a body is and what its form fields are typed as.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

__all__ = [
    "KINDS",
    "FormKind",
    "FormShape",
    "body_kind",
    "encoding_of",
    "form_shape",
    "preferred_media_type",
]

# In the order a client prefers them (see `preferred_media_type`).
KINDS = ("json", "form", "multipart", "text", "binary")
# How the server types one form field: "string", "integer", "number", "boolean", "binary",
# "json" (JSON text, parsed), "any" (left as sent), "array:<kind>", or an object's own shape.
FormKind: TypeAlias = "str | FormShape"
# ("object", ((property, kind), ...)), the properties in the spec's order. The generated
# runtime defines the same alias.
FormShape: TypeAlias = "tuple[str, tuple[tuple[str, FormKind], ...]]"

_SCALARS = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
# The styles an Encoding Object may name (OAS 3.1 4.8.15.1, those of 4.8.12.4 for queries).
_STYLES = frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"})
# How many `$ref`s and `allOf`s deep a schema is followed; specs may nest or loop them.
_MAX_DEPTH = 32


def body_kind(media_type: str) -> str:
    """The kind of a media type: case does not matter, parameters (`; charset=…`) are ignored."""
    base = media_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("multipart/"):
        return "multipart"
    if base.startswith("text/") or base == "application/xml" or base.endswith("+xml"):
        return "text"
    # Ranges (`*/*`, `application/*`) say nothing of the bytes, so they are sent as they are.
    return "binary"


def preferred_media_type(media_types: Sequence[str]) -> str:
    """The media type a generated client sends a body as when the caller names none.

    JSON first: it carries every schema type (nested objects, arrays, null, numbers) without
    loss, and a model dumps to it directly. Then a form, which carries flat objects of
    primitives, then multipart, which adds files; text and bytes carry one value only. Among
    media types of one kind, the spec's order decides.
    """
    if not media_types:
        raise ValueError("a request body has at least one media type (OAS 3.1 4.8.13.1)")
    return min(media_types, key=lambda media_type: KINDS.index(body_kind(media_type)))


def encoding_of(media: Any) -> tuple[tuple[str, str | None, str | None, bool | None], ...]:
    """(property, contentType, style, explode) from a Media Type Object's `encoding` map
    (OAS 3.1 4.8.15), sorted by property; what is absent or of the wrong type is None."""
    encoding = media.get("encoding") if isinstance(media, dict) else None
    if not isinstance(encoding, dict):
        return ()
    entries = []
    for name, entry in encoding.items():
        if not isinstance(name, str) or not isinstance(entry, dict):
            continue
        content_type = entry.get("contentType")
        style = entry.get("style")
        explode = entry.get("explode")
        entries.append(
            (
                name,
                content_type if isinstance(content_type, str) and content_type.strip() else None,
                style if style in _STYLES else None,
                explode if isinstance(explode, bool) else None,
            )
        )
    return tuple(sorted(entries))


def form_shape(schema: Any, resolve: Callable[[Any], Any]) -> FormShape:
    """The typed properties of a form or multipart body's schema; `resolve` follows a `$ref`.

    Properties come from the schema, its `$ref` and its `allOf` members (the first place that
    names a property types it). An object property gets its own shape, one level deep, so the
    server can gather it from `name[member]` or exploded fields (OAS 3.1 4.8.12.4); deeper
    objects are JSON text.
    """
    return _shape(schema, resolve, nested=True)


def _shape(schema: Any, resolve: Callable[[Any], Any], *, nested: bool) -> FormShape:
    properties = _properties(schema, resolve, 0)
    return (
        "object",
        tuple((name, _kind(sub, resolve, nested=nested)) for name, sub in properties.items()),
    )


def _members(schema: Any, resolve: Callable[[Any], Any], depth: int) -> list[dict[str, Any]]:
    """`schema` and every schema its `$ref` and `allOf` make it also be, `$ref`s resolved."""
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return []
    found = [schema]
    if isinstance(schema.get("$ref"), str):
        found.extend(_members(resolve(schema), resolve, depth + 1))
    all_of = schema.get("allOf")
    for member in all_of if isinstance(all_of, list) else ():
        found.extend(_members(member, resolve, depth + 1))
    return found


def _properties(schema: Any, resolve: Callable[[Any], Any], depth: int) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for member in _members(schema, resolve, depth):
        own = member.get("properties")
        for name, sub in own.items() if isinstance(own, dict) else ():
            if isinstance(name, str):
                properties.setdefault(name, sub)
    return properties


def _types(members: list[dict[str, Any]]) -> set[str]:
    """The JSON types the members state, `null` left out (it is never sent in a form)."""
    types: set[str] = set()
    for member in members:
        declared = member.get("type")
        for kind in declared if isinstance(declared, list) else [declared]:
            if isinstance(kind, str) and kind != "null":
                types.add(kind)
    if types == {"integer", "number"}:
        return {"number"}
    return types


def _is_binary(members: list[dict[str, Any]]) -> bool:
    """Raw bytes: `format: binary` (OAS 3.0), or `contentMediaType` without `contentEncoding`
    (OAS 3.1 4.8.14.4: with one, the string is that encoding's text, such as base64)."""
    for member in members:
        if member.get("format") == "binary":
            return True
        if "contentMediaType" in member and "contentEncoding" not in member:
            return True
    return False


def _kind(schema: Any, resolve: Callable[[Any], Any], *, nested: bool) -> FormKind:
    members = _members(schema, resolve, 0)
    types = _types(members)
    if _is_binary(members) and types <= {"string"}:
        return "binary"
    if types == {"array"}:
        items = [m.get("items") for m in members if "items" in m]
        item = _kind(items[0], resolve, nested=False) if items else "any"
        # An array of arrays or objects is JSON text per item; no form style nests.
        if not isinstance(item, str) or item.startswith("array:"):
            item = "json"
        return f"array:{item}"
    if types == {"object"} or (not types and any("properties" in m for m in members)):
        return _shape(schema, resolve, nested=False) if nested else "json"
    if len(types) == 1:
        return _SCALARS.get(types.pop(), "any")
    return "any"
