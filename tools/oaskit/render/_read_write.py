"""Request and response variants of schemas with readOnly or writeOnly members, in the spec.

A schema with a readOnly or writeOnly member (at any depth of its own inline objects), or one that
refers to such a schema, is replaced by `<name>Request`, without its readOnly members, and
`<name>Response`, without its writeOnly ones (`Input`/`Output`, … when a schema has one of
those names, as `ir.variant_suffixes` decides); every reference follows the direction it is met
in: request bodies and parameters take the request variant, responses and headers the response
one, and a variant's own references take their own kind. datamodel-codegen then renders plain
models. Its own `request-response` mode does the same, but took 1.5 times as long for all of
GitHub's models although only a few dozen of them differ by direction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from oaskit.ir import class_name, variant_suffixes

__all__ = ["direction_variants", "with_direction_variants"]

_Direction = Literal["request", "response"]
# The member flag a direction leaves out.
_LEFT_OUT: dict[_Direction, str] = {"request": "readOnly", "response": "writeOnly"}
_PREFIX = "#/components/schemas/"
# A split schema's name → the suffixes of its request and response variants.
_Variants = dict[str, tuple[str, str]]


def with_direction_variants(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with request and response variants; `spec` itself when no schema needs them."""
    components = spec.get("components")
    if not isinstance(components, dict) or not isinstance(components.get("schemas"), dict):
        return spec
    schemas: dict[str, Any] = components["schemas"]
    variants = direction_variants(spec)
    if not variants:
        return spec
    copy = dict(spec)
    directed_components: dict[str, Any] = dict(components)
    copy["components"] = directed_components
    new_schemas: dict[str, Any] = {}
    for name, schema in schemas.items():
        if name not in variants:
            new_schemas[name] = schema
            continue
        request, response = variants[name]
        new_schemas[name + request] = _variant(schema, "request", variants, schemas)
        new_schemas[name + response] = _variant(schema, "response", variants, schemas)
    directed_components["schemas"] = new_schemas
    for section, direction in _SECTIONS.items():
        if section in directed_components:
            directed_components[section] = _directed(
                directed_components[section], direction, variants
            )
    for key in ("paths", "webhooks"):
        if key in copy:
            copy[key] = _operations(spec[key], variants)
    return copy


def direction_variants(spec: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """The schemas `with_direction_variants` splits, each with its request and response
    suffixes; the IR names the models by it while they are being rendered."""
    components = spec.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        return {}
    taken = {class_name(str(name)) for name in schemas}
    return {name: variant_suffixes(class_name(name), taken) for name in sorted(_split_set(schemas))}


# Which direction the schemas of each components section travel in.
_SECTIONS: dict[str, _Direction] = {
    "parameters": "request",
    "requestBodies": "request",
    "responses": "response",
    "headers": "response",
}


def _target(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith(_PREFIX) and "/" not in ref[len(_PREFIX) :]:
        return ref[len(_PREFIX) :].replace("~1", "/").replace("~0", "~")
    return None


def _refs(node: Any) -> Iterator[str]:
    """The component schemas `node` refers to, anywhere below it."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            target = _target(current.get("$ref"))
            if target is not None:
                yield target
            mapping = current.get("discriminator", {})
            if isinstance(mapping, dict) and isinstance(mapping.get("mapping"), dict):
                yield from filter(None, map(_target, mapping["mapping"].values()))
            stack.extend(v for k, v in current.items() if k not in _DATA)
        elif isinstance(current, list):
            stack.extend(current)


# Keywords whose values are literal data, never schemas.
_DATA = frozenset({"example", "examples", "default", "enum", "const"})


def _flagged(schema: Any, flag: str, schemas: dict[str, Any], seen: frozenset[str]) -> bool:
    """Whether a member schema is `flag`ged, itself or through the `$ref`/`allOf` it is made of."""
    if not isinstance(schema, dict):
        return False
    if schema.get(flag) is True:
        return True
    target = _target(schema.get("$ref"))
    if target is not None and target not in seen:
        return _flagged(schemas.get(target), flag, schemas, seen | {target})
    members = schema.get("allOf")
    if isinstance(members, list) and len(members) == 1:
        return _flagged(members[0], flag, schemas, seen)
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
                if any(_flagged(member, f, schemas, frozenset()) for f in _LEFT_OUT.values()):
                    return True
            stack.extend(v for k, v in current.items() if k not in _DATA)
    return False


def _split_set(schemas: dict[str, Any]) -> set[str]:
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


def _ref_to(name: str, direction: _Direction, variants: _Variants) -> str:
    pair = variants.get(name)
    suffix = "" if pair is None else pair[0] if direction == "request" else pair[1]
    return _PREFIX + (name + suffix).replace("~", "~0").replace("/", "~1")


def _variant(node: Any, direction: _Direction, variants: _Variants, schemas: dict[str, Any]) -> Any:
    """A copy of a schema for `direction`: the members it leaves out gone, references directed."""
    if isinstance(node, list):
        return [_variant(item, direction, variants, schemas) for item in node]
    if not isinstance(node, dict):
        return node
    copy: dict[str, Any] = {}
    left_out: set[str] = set()
    for key, value in node.items():
        if key in _DATA:
            copy[key] = value
        elif key == "$ref" and _target(value) is not None:
            copy[key] = _ref_to(str(_target(value)), direction, variants)
        elif key == "properties" and isinstance(value, dict):
            flag = _LEFT_OUT[direction]
            left_out = {m for m, s in value.items() if _flagged(s, flag, schemas, frozenset())}
            copy[key] = {
                member: _variant(schema, direction, variants, schemas)
                for member, schema in value.items()
                if member not in left_out
            }
        elif key == "discriminator" and isinstance(value, dict):
            copy[key] = _directed_mapping(value, direction, variants)
        else:
            copy[key] = _variant(value, direction, variants, schemas)
    # A `required` may name members that come from `allOf` (shipengine's `shipment` requires
    # its base's readOnly `shipment_id`): those leave the list too.
    left_out |= _inherited(node, _LEFT_OUT[direction], schemas, frozenset())
    if left_out and isinstance(copy.get("required"), list):
        copy["required"] = [m for m in copy["required"] if m not in left_out]
    return copy


def _inherited(
    node: dict[str, Any], flag: str, schemas: dict[str, Any], seen: frozenset[str]
) -> set[str]:
    """The `flag`ged members of the schemas `node` is made of by `allOf`, at any depth."""
    found: set[str] = set()
    members = node.get("allOf")
    for member in members if isinstance(members, list) else ():
        target = _target(member.get("$ref")) if isinstance(member, dict) else None
        if target is not None and target in seen:
            continue
        schema = schemas.get(target) if target is not None else member
        if not isinstance(schema, dict):
            continue
        properties = schema.get("properties")
        for name, value in properties.items() if isinstance(properties, dict) else ():
            if _flagged(value, flag, schemas, frozenset()):
                found.add(name)
        found |= _inherited(schema, flag, schemas, seen | ({target} if target else set()))
    return found


def _directed_mapping(
    discriminator: dict[str, Any], direction: _Direction, variants: _Variants
) -> Any:
    mapping = discriminator.get("mapping")
    if not isinstance(mapping, dict):
        return discriminator
    directed = {
        value: _ref_to(str(_target(ref)), direction, variants) if _target(ref) is not None else ref
        for value, ref in mapping.items()
    }
    return {**discriminator, "mapping": directed}


def _directed(node: Any, direction: _Direction, variants: _Variants) -> Any:
    """A copy of `node` whose references to split schemas take the `direction` variant."""
    if isinstance(node, list):
        return [_directed(item, direction, variants) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {}
    for key, value in node.items():
        if key == "$ref" and _target(value) in variants:
            copy[key] = _ref_to(str(_target(value)), direction, variants)
        elif key in _DATA:
            copy[key] = value
        elif key == "discriminator" and isinstance(value, dict):
            copy[key] = _directed_mapping(value, direction, variants)
        else:
            copy[key] = _directed(value, direction, variants)
    return copy


def _operations(paths: Any, variants: _Variants) -> Any:
    """Paths (or webhooks) with parameters and request bodies directed as requests, the rest
    (responses, their headers, callbacks' responses) as responses."""
    if not isinstance(paths, dict):
        return paths
    result = {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            result[path] = item
            continue
        directed_item = {}
        for key, value in item.items():
            if key == "parameters":
                directed_item[key] = _directed(value, "request", variants)
            elif isinstance(value, dict) and key in _METHODS:
                directed_item[key] = _operation(value, variants)
            else:
                directed_item[key] = value
        result[path] = directed_item
    return result


_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _operation(operation: dict[str, Any], variants: _Variants) -> dict[str, Any]:
    directed: dict[str, Any] = {}
    for key, value in operation.items():
        if key in ("parameters", "requestBody"):
            directed[key] = _directed(value, "request", variants)
        elif key == "responses":
            directed[key] = _directed(value, "response", variants)
        elif key == "callbacks" and isinstance(value, dict):
            directed[key] = {name: _operations(cb, variants) for name, cb in value.items()}
        else:
            directed[key] = value
    return directed
