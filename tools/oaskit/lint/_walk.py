"""One structural walk over a bundled spec, shared by every rule family.

Rules ask `index(bundle)` for the operations, parameters, media types, schemas, examples and
references of a spec; the walk runs once per bundle, so each rule is linear in the spec's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from oaskit.spec import DATA_KEYWORDS, NAME_MAPS, SCHEMA_MAPS, Bundle, Pointer, parse_pointer

__all__ = [
    "METHODS",
    "Direction",
    "Found",
    "Index",
    "MediaSite",
    "OperationSite",
    "ParameterSite",
    "SchemaSite",
    "index",
    "resolve",
]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# A rule reads the bundle and yields (pointer, message) pairs.
Found = Iterator[tuple[Pointer, str]]

# Which way data flows through a node: readOnly members are absent in requests and writeOnly
# members in responses (OAS 3.1 4.8.24.1, "readOnly"/"writeOnly"); None where both apply.
Direction = Literal["request", "response"] | None

# Subschema keywords (JSON Schema 2020-12 10.2 and 10.3, 11.3, 8.2.4): name maps and lists.
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "additionalItems",
)


@dataclass(frozen=True, slots=True)
class OperationSite:
    """An operation: its pointer, path template, method, object and enclosing Path Item."""

    pointer: Pointer
    path: str
    method: str
    operation: dict[str, Any]
    path_item: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SchemaSite:
    """A Schema Object (top-level or nested) and the direction of the data it describes."""

    pointer: Pointer
    schema: dict[str, Any]
    direction: Direction


@dataclass(frozen=True, slots=True)
class MediaSite:
    """A Media Type Object (or a Parameter/Header with `schema`) that can carry examples."""

    pointer: Pointer
    node: dict[str, Any]
    direction: Direction


@dataclass(frozen=True, slots=True)
class ParameterSite:
    """A Parameter Object as written (a `$ref` to a component is listed at the component)."""

    pointer: Pointer
    parameter: dict[str, Any]


@dataclass(slots=True)
class Index:
    """Everything rules look up, found in one walk over the bundle."""

    data: dict[str, Any]
    operations: list[OperationSite] = field(default_factory=list)
    # Path-level Path Items only (not callbacks or webhooks): the path template applies to these.
    path_items: list[tuple[Pointer, str, dict[str, Any]]] = field(default_factory=list)
    parameters: list[ParameterSite] = field(default_factory=list)
    media: list[MediaSite] = field(default_factory=list)
    schemas: list[SchemaSite] = field(default_factory=list)
    # Example Objects (`examples` maps of media types, parameters, headers, components).
    examples: list[tuple[Pointer, dict[str, Any]]] = field(default_factory=list)
    # Every `$ref` outside literal data, with where it is written.
    refs: list[tuple[Pointer, str]] = field(default_factory=list)
    # Every object that may carry a Markdown `description` or `title`.
    texts: list[tuple[Pointer, str]] = field(default_factory=list)


_last: tuple[Bundle, Index] | None = None


def index(bundle: Bundle) -> Index:
    """The index of `bundle`, built on first use and reused by every rule of the same run."""
    global _last
    if _last is not None and _last[0] is bundle:
        return _last[1]
    data = bundle.data if isinstance(bundle.data, dict) else {}
    built = Index(data=data)
    _Walker(built).run(data)
    _last = (bundle, built)
    return built


def resolve(data: dict[str, Any], node: Any) -> tuple[Pointer | None, Any]:
    """Follow local `$ref`s from `node`: the target's pointer (None when not a ref) and value.

    A reference that misses stays a `{"$ref": …}` node (the bundler reports it); rules skip it.
    """
    pointer: Pointer | None = None
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#") or ref in seen:
            return None, node
        seen.add(ref)
        try:
            tokens = parse_pointer(ref[1:])
        except ValueError:
            return None, node
        target: Any = data
        for token in tokens:
            if isinstance(target, dict) and token in target:
                target = target[token]
            elif isinstance(target, list) and str(token).isdigit() and int(token) < len(target):
                target = target[int(token)]
            else:
                return None, node
        pointer, node = tokens, target
    return pointer, node


class _Walker:
    """Visits the OAS 3.x object graph by structure, never following a `$ref`."""

    def __init__(self, out: Index) -> None:
        self._out = out

    def run(self, data: dict[str, Any]) -> None:
        self._texts((), data.get("info"), ("info",))
        for position, tag in enumerate(_list(data.get("tags"))):
            self._texts((), tag, ("tags", position))
        for position, server in enumerate(_list(data.get("servers"))):
            self._texts((), server, ("servers", position))
        for path, item in _dict(data.get("paths")).items():
            pointer = ("paths", path)
            if isinstance(item, dict):
                self._out.path_items.append((pointer, path, item))
            self._path_item(pointer, item, path=path)
        for name, item in _dict(data.get("webhooks")).items():
            self._path_item(("webhooks", name), item, path=None)
        self._components(_dict(data.get("components")))
        self._refs((), data)

    def _components(self, components: dict[str, Any]) -> None:
        base: Pointer = ("components",)
        for name, schema in _dict(components.get("schemas")).items():
            self._schema((*base, "schemas", name), schema, None)
        for name, parameter in _dict(components.get("parameters")).items():
            self._parameter((*base, "parameters", name), parameter)
        for name, body in _dict(components.get("requestBodies")).items():
            self._body((*base, "requestBodies", name), body, "request")
        for name, response in _dict(components.get("responses")).items():
            self._response((*base, "responses", name), response)
        for name, header in _dict(components.get("headers")).items():
            self._header((*base, "headers", name), header)
        for name, example in _dict(components.get("examples")).items():
            if isinstance(example, dict) and "$ref" not in example:
                self._out.examples.append(((*base, "examples", name), example))
        for name, item in _dict(components.get("pathItems")).items():
            self._path_item((*base, "pathItems", name), item, path=None)
        for name, callback in _dict(components.get("callbacks")).items():
            self._callback((*base, "callbacks", name), callback)
        for name, scheme in _dict(components.get("securitySchemes")).items():
            self._texts(base, scheme, ("securitySchemes", name))

    def _path_item(self, pointer: Pointer, item: Any, *, path: str | None) -> None:
        if not isinstance(item, dict) or "$ref" in item:
            return
        self._texts(pointer, item, ())
        for position, parameter in enumerate(_list(item.get("parameters"))):
            self._parameter((*pointer, "parameters", position), parameter)
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            here = (*pointer, method)
            if path is not None:
                self._out.operations.append(OperationSite(here, path, method, operation, item))
            self._texts(here, operation, ())
            for position, parameter in enumerate(_list(operation.get("parameters"))):
                self._parameter((*here, "parameters", position), parameter)
            self._body((*here, "requestBody"), operation.get("requestBody"), "request")
            for code, response in _dict(operation.get("responses")).items():
                self._response((*here, "responses", code), response)
            for name, callback in _dict(operation.get("callbacks")).items():
                self._callback((*here, "callbacks", name), callback)

    def _callback(self, pointer: Pointer, callback: Any) -> None:
        if isinstance(callback, dict) and "$ref" not in callback:
            for expression, item in callback.items():
                self._path_item((*pointer, expression), item, path=None)

    def _parameter(self, pointer: Pointer, parameter: Any) -> None:
        if not isinstance(parameter, dict) or "$ref" in parameter:
            return
        self._out.parameters.append(ParameterSite(pointer, parameter))
        self._texts(pointer, parameter, ())
        self._carrier(pointer, parameter, "request")

    def _header(self, pointer: Pointer, header: Any) -> None:
        if isinstance(header, dict) and "$ref" not in header:
            self._texts(pointer, header, ())
            self._carrier(pointer, header, "response")

    def _body(self, pointer: Pointer, body: Any, direction: Direction) -> None:
        if isinstance(body, dict) and "$ref" not in body:
            self._texts(pointer, body, ())
            self._content((*pointer, "content"), body.get("content"), direction)

    def _response(self, pointer: Pointer, response: Any) -> None:
        if not isinstance(response, dict) or "$ref" in response:
            return
        self._texts(pointer, response, ())
        for name, header in _dict(response.get("headers")).items():
            self._header((*pointer, "headers", name), header)
        self._content((*pointer, "content"), response.get("content"), "response")

    def _content(self, pointer: Pointer, content: Any, direction: Direction) -> None:
        for media_type, media in _dict(content).items():
            if isinstance(media, dict):
                here = (*pointer, media_type)
                self._out.media.append(MediaSite(here, media, direction))
                self._examples(here, media)
                self._schema((*here, "schema"), media.get("schema"), direction)
                for name, encoding in _dict(media.get("encoding")).items():
                    for header, value in _dict(_dict(encoding).get("headers")).items():
                        self._header((*here, "encoding", name, "headers", header), value)

    def _carrier(self, pointer: Pointer, node: dict[str, Any], direction: Direction) -> None:
        # Parameters and headers carry a schema and examples directly, or one `content` entry.
        if "schema" in node:
            self._out.media.append(MediaSite(pointer, node, direction))
            self._examples(pointer, node)
            self._schema((*pointer, "schema"), node["schema"], direction)
        self._content((*pointer, "content"), node.get("content"), direction)

    def _examples(self, pointer: Pointer, node: dict[str, Any]) -> None:
        for name, example in _dict(node.get("examples")).items():
            if isinstance(example, dict) and "$ref" not in example:
                self._out.examples.append(((*pointer, "examples", name), example))

    def _schema(self, pointer: Pointer, schema: Any, direction: Direction) -> None:
        # An explicit stack instead of recursion: deeply nested schemas stay within limits.
        stack: list[tuple[Pointer, Any]] = [(pointer, schema)]
        while stack:
            here, node = stack.pop()
            if not isinstance(node, dict):
                continue
            self._out.schemas.append(SchemaSite(here, node, direction))
            if "$ref" in node and len(node) == 1:
                continue
            self._texts(here, node, ())
            for keyword in SCHEMA_MAPS:
                for name, sub in _dict(node.get(keyword)).items():
                    stack.append(((*here, keyword, name), sub))
            for keyword in _SCHEMA_LISTS:
                for position, sub in enumerate(_list(node.get(keyword))):
                    stack.append(((*here, keyword, position), sub))
            for keyword in _SCHEMA_ONE:
                stack.append(((*here, keyword), node.get(keyword)))

    def _texts(self, base: Pointer, node: Any, tail: Pointer) -> None:
        if isinstance(node, dict):
            for key in ("description", "title", "summary"):
                if isinstance(node.get(key), str):
                    self._out.texts.append(((*base, *tail, key), node[key]))

    def _refs(self, pointer: Pointer, node: Any) -> None:
        # Literal data (examples, defaults, enums, extensions) may hold a `$ref` member that is
        # no reference; names in name maps are never keywords (same reading as the bundler).
        stack: list[tuple[Pointer, Any, bool]] = [(pointer, node, False)]
        while stack:
            here, value, name_position = stack.pop()
            if isinstance(value, list):
                stack.extend(((*here, i), item, False) for i, item in enumerate(value))
                continue
            if not isinstance(value, dict):
                continue
            for key, sub in value.items():
                if name_position:
                    stack.append(((*here, key), sub, False))
                elif key == "$ref" and isinstance(sub, str):
                    self._out.refs.append(((*here, key), sub))
                elif key == "examples":
                    if isinstance(sub, dict):
                        stack.append(((*here, key), sub, True))
                elif key in DATA_KEYWORDS or key.startswith("x-"):
                    continue
                else:
                    stack.append(((*here, key), sub, key in NAME_MAPS))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
