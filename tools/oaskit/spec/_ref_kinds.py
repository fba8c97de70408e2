"""Which kind of OpenAPI object a `$ref` stands for, read from where it is written.

A Reference Object takes the place of one specific object (OAS 3.1 4.8.23: "the referenced
structure MUST be of the same type"), and the place says which: an entry of `parameters` is a
Parameter Object, a media type's `schema` a Schema Object. `oaskit bundle` hoists each external
target into the `components` section of that kind, so it needs the kind before it has the target.
"""

from __future__ import annotations

from oaskit.spec._load import Pointer

__all__ = ["expected_section"]

_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

# The state after each token: what kind of object the walk is in. The names of the states that
# are component kinds are their `components` section names (OAS 3.1 4.8.7).
_ROOT = "root"
_PATHS = "paths"
_PATH_ITEM = "pathItems"
_OPERATION = "operation"
_PARAMETER_LIST = "parameter-list"
_PARAMETER = "parameters"
_HEADER = "headers"
_HEADER_MAP = "header-map"
_SCHEMA = "schemas"
_REQUEST_BODY = "requestBodies"
_RESPONSE_MAP = "response-map"
_RESPONSE = "responses"
_CONTENT = "content"
_MEDIA = "media"
_ENCODING_MAP = "encoding-map"
_ENCODING = "encoding"
_EXAMPLE_MAP = "example-map"
_EXAMPLE = "examples"
_LINK_MAP = "link-map"
_LINK = "links"
_CALLBACK_MAP = "callback-map"
_CALLBACK = "callbacks"
_COMPONENTS = "components"
_SECURITY_SCHEME = "securitySchemes"
_OTHER = "other"

# Which state a `components` section's entries are in.
_SECTION_STATES = {
    "schemas": _SCHEMA,
    "responses": _RESPONSE,
    "parameters": _PARAMETER,
    "examples": _EXAMPLE,
    "requestBodies": _REQUEST_BODY,
    "headers": _HEADER,
    "securitySchemes": _SECURITY_SCHEME,
    "links": _LINK,
    "callbacks": _CALLBACK,
    "pathItems": _PATH_ITEM,
}
# The states a Reference Object may stand in, by `components` section.
_REFERABLE = frozenset(_SECTION_STATES.values())
# Within a map state, each member name leads to this state.
_MAP_MEMBERS = {
    _PATHS: _PATH_ITEM,
    _HEADER_MAP: _HEADER,
    _RESPONSE_MAP: _RESPONSE,
    _CONTENT: _MEDIA,
    _ENCODING_MAP: _ENCODING,
    _EXAMPLE_MAP: _EXAMPLE,
    _LINK_MAP: _LINK,
    _CALLBACK_MAP: _CALLBACK,
    _CALLBACK: _PATH_ITEM,
    _PARAMETER_LIST: _PARAMETER,
}
# Within an object state, the fields that lead somewhere a `$ref` can stand.
_FIELDS: dict[str, dict[str, str]] = {
    _ROOT: {"paths": _PATHS, "webhooks": _PATHS, "components": _COMPONENTS},
    _PATH_ITEM: {"parameters": _PARAMETER_LIST, **dict.fromkeys(_METHODS, _OPERATION)},
    _OPERATION: {
        "parameters": _PARAMETER_LIST,
        "requestBody": _REQUEST_BODY,
        "responses": _RESPONSE_MAP,
        "callbacks": _CALLBACK_MAP,
    },
    _PARAMETER: {"schema": _SCHEMA, "content": _CONTENT, "examples": _EXAMPLE_MAP},
    _HEADER: {"schema": _SCHEMA, "content": _CONTENT, "examples": _EXAMPLE_MAP},
    _REQUEST_BODY: {"content": _CONTENT},
    _RESPONSE: {"headers": _HEADER_MAP, "content": _CONTENT, "links": _LINK_MAP},
    _MEDIA: {"schema": _SCHEMA, "examples": _EXAMPLE_MAP, "encoding": _ENCODING_MAP},
    _ENCODING: {"headers": _HEADER_MAP},
}


def expected_section(at: Pointer, *, path_items: bool = True) -> str | None:
    """The `components` section of the object a `$ref` written at `at` stands for.

    None where no component kind fits (a Media Type Object, an Encoding Object, a place
    outside the OAS structure such as an `x-` extension). `path_items=False` for OpenAPI 3.0,
    whose `components` has no `pathItems` section.
    """
    state = _ROOT
    for token in at:
        if state == _SCHEMA:
            # Below a schema everything that can hold a `$ref` holds a schema (the bundler has
            # already set literal data such as `examples` and `default` apart).
            continue
        if state == _COMPONENTS:
            state = _SECTION_STATES.get(str(token), _OTHER)
            state = f"section:{state}" if state != _OTHER else _OTHER
            continue
        if state.startswith("section:"):
            state = state.removeprefix("section:")
            continue
        member = _MAP_MEMBERS.get(state)
        if member is not None:
            state = member
            continue
        state = _FIELDS.get(state, {}).get(str(token), _OTHER)
        if state == _OTHER:
            return None
    if state not in _REFERABLE or (state == _PATH_ITEM and not path_items):
        return None
    return state
