"""Where the Schema Objects of an OpenAPI 3.x document lie: the roots of every schema tree.

Follows the OAS object structure (components, path items and their operations, parameters,
headers, media types, encodings, callbacks, webhooks) without descending into schemas; what
lies below a root is the schema checker's business. `$ref` nodes are skipped: their targets are
roots at their own place, or reached by the checker through the reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oaskit.spec._load import Pointer

__all__ = ["schema_sites"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# A site: the pointer of a Schema Object and the object.
_Site = tuple[Pointer, Any]


def schema_sites(data: Any) -> Iterator[_Site]:
    """The pointer and value of every Schema Object the OAS structure of `data` names."""
    if not isinstance(data, dict):
        return
    components = data.get("components")
    if isinstance(components, dict):
        yield from _components(components, ("components",))
    for section in ("paths", "webhooks"):
        items = data.get(section)
        for key, item in _members(items):
            if not key.startswith("x-"):
                yield from _path_item(item, (section, key))


def _members(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key), value


def _object(node: Any) -> bool:
    return isinstance(node, dict) and "$ref" not in node


def _components(components: dict[str, Any], at: Pointer) -> Iterator[_Site]:
    for name, schema in _members(components.get("schemas")):
        yield (*at, "schemas", name), schema
    for name, parameter in _members(components.get("parameters")):
        yield from _parameter(parameter, (*at, "parameters", name))
    for name, header in _members(components.get("headers")):
        yield from _parameter(header, (*at, "headers", name))
    for name, response in _members(components.get("responses")):
        yield from _response(response, (*at, "responses", name))
    for name, body in _members(components.get("requestBodies")):
        yield from _content_of(body, (*at, "requestBodies", name))
    for name, callback in _members(components.get("callbacks")):
        yield from _callback(callback, (*at, "callbacks", name))
    for name, item in _members(components.get("pathItems")):
        yield from _path_item(item, (*at, "pathItems", name))


def _path_item(item: Any, at: Pointer) -> Iterator[_Site]:
    if not _object(item):
        return
    yield from _parameters(item.get("parameters"), (*at, "parameters"))
    for method in _METHODS:
        operation = item.get(method)
        if isinstance(operation, dict):
            yield from _operation(operation, (*at, method))


def _operation(operation: dict[str, Any], at: Pointer) -> Iterator[_Site]:
    yield from _parameters(operation.get("parameters"), (*at, "parameters"))
    yield from _content_of(operation.get("requestBody"), (*at, "requestBody"))
    for status, response in _members(operation.get("responses")):
        yield from _response(response, (*at, "responses", status))
    for name, callback in _members(operation.get("callbacks")):
        yield from _callback(callback, (*at, "callbacks", name))


def _callback(callback: Any, at: Pointer) -> Iterator[_Site]:
    if _object(callback):
        for expression, item in _members(callback):
            if not expression.startswith("x-"):
                yield from _path_item(item, (*at, expression))


def _parameters(parameters: Any, at: Pointer) -> Iterator[_Site]:
    for position, parameter in enumerate(parameters if isinstance(parameters, list) else []):
        yield from _parameter(parameter, (*at, position))


def _parameter(parameter: Any, at: Pointer) -> Iterator[_Site]:
    # Parameters and headers alike: a `schema`, or a `content` map of one media type.
    if not _object(parameter):
        return
    if "schema" in parameter:
        yield (*at, "schema"), parameter["schema"]
    yield from _content_of(parameter, at)


def _response(response: Any, at: Pointer) -> Iterator[_Site]:
    if not _object(response):
        return
    for name, header in _members(response.get("headers")):
        yield from _parameter(header, (*at, "headers", name))
    yield from _content_of(response, at)


def _content_of(holder: Any, at: Pointer) -> Iterator[_Site]:
    if not _object(holder):
        return
    for media_type, media in _members(holder.get("content")):
        if not isinstance(media, dict):
            continue
        where = (*at, "content", media_type)
        if "schema" in media:
            yield (*where, "schema"), media["schema"]
        for name, encoding in _members(media.get("encoding")):
            if isinstance(encoding, dict):
                headers = _members(encoding.get("headers"))
                for header_name, header in headers:
                    at_header = (*where, "encoding", name, "headers", header_name)
                    yield from _parameter(header, at_header)
