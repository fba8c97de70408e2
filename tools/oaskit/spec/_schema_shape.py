"""The shape of OAS 3.1 Schema Objects: each keyword's value has the type its vocabulary says.

This is what validating a schema against the OAS 3.1 dialect meta-schema checks, written as one
table of keywords instead of jsonschema walking the 2020-12 meta-schema with `$dynamicRef`: that
took about 9 s for GitHub's 969 component schemas, this takes a fraction of a second. Unknown
keywords are allowed, as in JSON Schema 2020-12.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from oaskit.spec._load import Pointer

__all__ = ["ShapeError", "check_schemas"]

# A violation: where, and a one-line reason in jsonschema's wording.
ShapeError = tuple[Pointer, str]
# A keyword's check: the value, its pointer, and the checker (for nested schemas).
_Check = Callable[[Any, Pointer, "_Checker"], Iterator[ShapeError]]

_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})


def check_schemas(
    roots: Iterable[tuple[Pointer, Any]], resolve: Callable[[str], tuple[Pointer, Any] | None]
) -> Iterator[ShapeError]:
    """Every shape violation in the schemas at `roots` and the schemas below them.

    `resolve` maps a local `$ref` to its target so that schemas reached only by reference are
    checked too; each schema object is checked once however often it is reached.
    """
    checker = _Checker(resolve)
    for pointer, schema in roots:
        yield from checker.schema(schema, pointer)


class _Checker:
    def __init__(self, resolve: Callable[[str], tuple[Pointer, Any] | None]) -> None:
        self._resolve = resolve
        self._seen: set[int] = set()

    def schema(self, node: Any, pointer: Pointer) -> Iterator[ShapeError]:
        if isinstance(node, bool):
            return
        if not isinstance(node, dict):
            yield pointer, _type_error(node, "object", "boolean")
            return
        if id(node) in self._seen:
            return
        self._seen.add(id(node))
        for key, value in node.items():
            check = _KEYWORDS.get(key)
            if check is not None:
                yield from check(value, (*pointer, key), self)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            target = self._resolve(ref)
            if target is not None:
                yield from self.schema(target[1], target[0])


def _show(value: Any) -> str:
    # jsonschema's wording, as in the document-level errors: Python's repr, shortened.
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_error(value: Any, *names: str) -> str:
    return f"{_show(value)} is not of type " + ", ".join(repr(name) for name in names)


def _schema(value: Any, pointer: Pointer, checker: _Checker) -> Iterator[ShapeError]:
    yield from checker.schema(value, pointer)


def _schema_map(value: Any, pointer: Pointer, checker: _Checker) -> Iterator[ShapeError]:
    if not isinstance(value, dict):
        yield pointer, _type_error(value, "object")
        return
    for name, sub in value.items():
        yield from checker.schema(sub, (*pointer, name))


def _schema_list(value: Any, pointer: Pointer, checker: _Checker) -> Iterator[ShapeError]:
    if not isinstance(value, list):
        yield pointer, _type_error(value, "array")
        return
    if not value:
        yield pointer, "[] should be non-empty"
    for position, sub in enumerate(value):
        yield from checker.schema(sub, (*pointer, position))


def _pattern_map(value: Any, pointer: Pointer, checker: _Checker) -> Iterator[ShapeError]:
    yield from _schema_map(value, pointer, checker)
    for name in value if isinstance(value, dict) else ():
        reason = _regex_error(name)
        if reason is not None:
            yield (*pointer, name), f"{_show(name)} is not a 'regex': {reason}"


def _string(value: Any, pointer: Pointer, _checker: _Checker) -> Iterator[ShapeError]:
    if not isinstance(value, str):
        yield pointer, _type_error(value, "string")


def _boolean(value: Any, pointer: Pointer, _checker: _Checker) -> Iterator[ShapeError]:
    if not isinstance(value, bool):
        yield pointer, _type_error(value, "boolean")


def _array(value: Any, pointer: Pointer, _checker: _Checker) -> Iterator[ShapeError]:
    if not isinstance(value, list):
        yield pointer, _type_error(value, "array")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any, pointer: Pointer, _checker: _Checker) -> Iterator[ShapeError]:
    if not _is_number(value):
        yield pointer, _type_error(value, "number")


def _positive(value: Any, pointer: Pointer, _checker: _Checker) -> Iterator[ShapeError]:
    if not _is_number(value):
        yield pointer, _type_error(value, "number")
    elif value <= 0:
        yield pointer, f"{_show(value)} is less than or equal to the minimum of 0"


def _count(value: Any, pointer: Pointer, _checker: _Checker) -> Iterator[ShapeError]:
    # A whole number, as 2020-12's nonNegativeInteger: `2.0` is one, `2.5` is not.
    whole = _is_number(value) and float(value).is_integer()
    if not whole:
        yield pointer, _type_error(value, "integer")
    elif value < 0:
        yield pointer, f"{_show(value)} is less than the minimum of 0"


def _strings(value: Any, pointer: Pointer, _checker: _Checker) -> Iterator[ShapeError]:
    if not isinstance(value, list):
        yield pointer, _type_error(value, "array")
        return
    for position, item in enumerate(value):
        if not isinstance(item, str):
            yield (*pointer, position), _type_error(item, "string")
    names = [item for item in value if isinstance(item, str)]
    if len(set(names)) != len(names):
        yield pointer, f"{_show(value)} has non-unique elements"


def _type(value: Any, pointer: Pointer, _checker: _Checker) -> Iterator[ShapeError]:
    names = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value:
        yield pointer, "[] should be non-empty"
    for item in names:
        if not isinstance(item, str) or item not in _TYPES:
            yield pointer, f"{_show(item)} is not one of {sorted(_TYPES)}"
            return
    if isinstance(value, list) and len(set(value)) != len(value):
        yield pointer, f"{_show(value)} has non-unique elements"


def _regex_error(pattern: str) -> str | None:
    try:
        # `[[A-Z]` is valid ECMA-262 and Python warns of a possible future nested set: the
        # pattern-is-portable rule speaks of such patterns, not a warning on stderr.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(pattern)
    except re.error as exc:
        return str(exc.msg)
    return None


def _regex(value: Any, pointer: Pointer, _checker: _Checker) -> Iterator[ShapeError]:
    if not isinstance(value, str):
        yield pointer, _type_error(value, "string")
        return
    reason = _regex_error(value)
    if reason is not None:
        yield pointer, f"{_show(value)} is not a 'regex': {reason}"


def _dependent_required(value: Any, pointer: Pointer, checker: _Checker) -> Iterator[ShapeError]:
    if not isinstance(value, dict):
        yield pointer, _type_error(value, "object")
        return
    for name, names in value.items():
        yield from _strings(names, (*pointer, name), checker)


def _dependencies(value: Any, pointer: Pointer, checker: _Checker) -> Iterator[ShapeError]:
    # Draft 2019-09's `dependencies`, still described by 2020-12's meta-schema.
    if not isinstance(value, dict):
        yield pointer, _type_error(value, "object")
        return
    for name, sub in value.items():
        if isinstance(sub, list):
            yield from _strings(sub, (*pointer, name), checker)
        else:
            yield from checker.schema(sub, (*pointer, name))


def _vocabulary(value: Any, pointer: Pointer, _checker: _Checker) -> Iterator[ShapeError]:
    if not isinstance(value, dict):
        yield pointer, _type_error(value, "object")
        return
    for name, flag in value.items():
        if not isinstance(flag, bool):
            yield (*pointer, name), _type_error(flag, "boolean")


def _object_of(
    fields: dict[str, _Check], required: tuple[str, ...] = ()
) -> Callable[[Any, Pointer, _Checker], Iterator[ShapeError]]:
    # An OAS object inside a schema (discriminator, xml, externalDocs): its fields and `x-` only.
    def check(value: Any, pointer: Pointer, checker: _Checker) -> Iterator[ShapeError]:
        if not isinstance(value, dict):
            yield pointer, _type_error(value, "object")
            return
        for name in required:
            if name not in value:
                yield pointer, f"{name!r} is a required property"
        extra = [k for k in value if k not in fields and not str(k).startswith("x-")]
        if extra:
            names = ", ".join(repr(k) for k in extra)
            verb = "was" if len(extra) == 1 else "were"
            yield pointer, f"Additional properties are not allowed ({names} {verb} unexpected)"
        for name, sub in value.items():
            field_check = fields.get(name)
            if field_check is not None:
                yield from field_check(sub, (*pointer, name), checker)

    return check


def _string_map(value: Any, pointer: Pointer, checker: _Checker) -> Iterator[ShapeError]:
    if not isinstance(value, dict):
        yield pointer, _type_error(value, "object")
        return
    for name, sub in value.items():
        yield from _string(sub, (*pointer, name), checker)


# JSON Schema 2020-12 (core, applicator, unevaluated, validation, meta-data, format-annotation,
# content, and the deprecated keywords its meta-schema still describes) and the OAS 3.1 base
# vocabulary (discriminator, xml, externalDocs, example).
_KEYWORDS: dict[str, _Check] = {
    "$id": _string,
    "$schema": _string,
    "$ref": _string,
    "$anchor": _string,
    "$dynamicRef": _string,
    "$dynamicAnchor": _string,
    "$recursiveRef": _string,
    "$recursiveAnchor": _boolean,
    "$vocabulary": _vocabulary,
    "$comment": _string,
    "$defs": _schema_map,
    "definitions": _schema_map,
    "prefixItems": _schema_list,
    "items": _schema,
    "contains": _schema,
    "additionalProperties": _schema,
    "properties": _schema_map,
    "patternProperties": _pattern_map,
    "dependentSchemas": _schema_map,
    "dependencies": _dependencies,
    "propertyNames": _schema,
    "if": _schema,
    "then": _schema,
    "else": _schema,
    "allOf": _schema_list,
    "anyOf": _schema_list,
    "oneOf": _schema_list,
    "not": _schema,
    "unevaluatedItems": _schema,
    "unevaluatedProperties": _schema,
    "type": _type,
    "enum": _array,
    "multipleOf": _positive,
    "maximum": _number,
    "exclusiveMaximum": _number,
    "minimum": _number,
    "exclusiveMinimum": _number,
    "maxLength": _count,
    "minLength": _count,
    "pattern": _regex,
    "maxItems": _count,
    "minItems": _count,
    "uniqueItems": _boolean,
    "maxContains": _count,
    "minContains": _count,
    "maxProperties": _count,
    "minProperties": _count,
    "required": _strings,
    "dependentRequired": _dependent_required,
    "title": _string,
    "description": _string,
    "deprecated": _boolean,
    "readOnly": _boolean,
    "writeOnly": _boolean,
    "examples": _array,
    "format": _string,
    "contentEncoding": _string,
    "contentMediaType": _string,
    "contentSchema": _schema,
    "discriminator": _object_of(
        {"propertyName": _string, "mapping": _string_map}, required=("propertyName",)
    ),
    "xml": _object_of(
        {
            "name": _string,
            "namespace": _string,
            "prefix": _string,
            "attribute": _boolean,
            "wrapped": _boolean,
        }
    ),
    "externalDocs": _object_of({"description": _string, "url": _string}, required=("url",)),
}
