"""Build the intermediate model from a bundled spec. No IO, no Jinja."""

from __future__ import annotations

import http
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import quote, unquote

from oaskit.ir._directions import component_target
from oaskit.ir._docs import operation_doc
from oaskit.ir._escape import literal
from oaskit.ir._inline_names import response_hint
from oaskit.ir._media import body_kind, encoding_of, form_shape, preferred_media_type
from oaskit.ir._model import (
    Api,
    Body,
    ErrorClass,
    Operation,
    Pagination,
    Parameter,
    Requirement,
    Response,
    Route,
    SecurityScheme,
    Tag,
)
from oaskit.ir._modules import model_set
from oaskit.ir._naming import class_name, snake_name, unique
from oaskit.ir._routes import TEMPLATE_FIELD, route_template, specificity
from oaskit.ir._schemas import SchemaTypes, Typed, class_refs, qualified, ref_text
from oaskit.ir._style import parameter_shape, parameter_style
from oaskit.ir._types import annotation_for, constraints_for

__all__ = ["build_api"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_JSON_MEDIA = ("application/json",)


def build_api(
    spec: dict[str, Any],
    *,
    name: str,
    source: str,
    package: str,
    validation_status: str = "documented",
    split_read_write: bool = True,
) -> Api:
    """The IR of a valid, bundled OpenAPI 3.x document.

    With `split_read_write`, a schema with readOnly or writeOnly members (or one that refers to
    such a schema) has `<Name>Request` and `<Name>Response` models instead of one (`_directions`).
    `validation_status` is the status of a request that breaks the spec: `"400"`, `"422"`, or
    `"documented"`: 422 for an operation that documents 422 and not 400, else 400.
    """
    info = spec.get("info") or {}
    components = spec.get("components") or {}
    schemas = components.get("schemas") or {}
    models = SchemaTypes(spec, split=split_read_write)
    models.define_components()
    default_security = _security(spec.get("security"))
    credentials = _credentials(components.get("securitySchemes") or {}, spec)
    declared_tags = {
        t["name"]: t.get("description", "") for t in spec.get("tags") or [] if "name" in t
    }
    by_tag: dict[str, list[Operation]] = {}
    routes: list[Route] = []
    taken_names: set[str] = set()
    for path, item in (spec.get("paths") or {}).items():
        item = _deref(item, spec)
        methods = tuple(m.upper() for m in _METHODS if isinstance(item.get(m), dict))
        shared = [_deref(p, spec) for p in item.get("parameters") or []]
        template, _ = route_template(path)
        operations: list[Operation] = []
        for method in _METHODS:
            raw = item.get(method)
            if not isinstance(raw, dict):
                continue
            operation = _operation(
                raw,
                spec=spec,
                schemas=schemas,
                method=method,
                path=path,
                shared=shared,
                default_security=default_security,
                taken_names=taken_names,
                models=models,
            )
            operation = _with_credentials(operation, credentials, validation_status)
            by_tag.setdefault(operation.tag, []).append(operation)
            operations.append(operation)
        # Starlette answers HEAD with a GET route too: a documented HEAD routes before its GET.
        routed = sorted(operations, key=lambda op: op.method != "HEAD")
        routes.append(Route(path, template, methods, tuple(routed)))
    protocols: set[str] = set()
    tags = tuple(
        Tag(
            name=tag,
            # Tags are case-sensitive (linode has `Account` and `account`): one Protocol each.
            protocol=_protocol_name(tag, protocols),
            description=declared_tags.get(tag, ""),
            operations=tuple(ops),
        )
        for tag, ops in sorted(by_tag.items())
    )
    schemes = tuple(sorted((components.get("securitySchemes") or {}).keys()))
    statuses = sorted(
        {
            int(r.status)
            for tag in tags
            for op in tag.operations
            for r in op.error_responses
            if r.status.isdigit()
        }
    )
    return Api(
        name=name,
        title=str(info.get("title", name)),
        version=str(info.get("version", "")),
        source=source,
        package=package,
        client_class=f"{class_name(name)}Client",
        tags=tags,
        # A stable sort: paths equally concrete keep the spec's order.
        routes=tuple(sorted(routes, key=lambda route: specificity(route.path))),
        security_schemes=schemes,
        error_classes=tuple(
            ErrorClass(status=code, name=_error_class_name(code)) for code in statuses
        ),
        credentials=tuple(c for c in credentials.values() if c is not None),
        models=model_set(
            models.classes(), package=package, entries=frozenset(models.component_classes())
        ),
    )


def _protocol_name(tag: str, taken: set[str]) -> str:
    """`<Tag>Handlers`, numbered before `Handlers` when another tag's name is the same."""
    base = class_name(tag)
    name, number = f"{base}Handlers", 2
    while name in taken:
        name, number = f"{base}{number}Handlers", number + 1
    taken.add(name)
    return name


def _credentials(raw: dict[str, Any], spec: dict[str, Any]) -> dict[str, SecurityScheme | None]:
    """Each declared Security Scheme (OAS 3.1 4.8.27) by name; None for one with no credential
    the client sends (mutual TLS) or of no type it knows."""
    # Field names of the client's `Credentials`: none may hide the builtins its annotations use.
    taken: set[str] = {"str", "tuple"}
    found: dict[str, SecurityScheme | None] = {}
    for name, value in raw.items():
        scheme = _deref(value, spec)
        kind, location, key, prefix = _placement(scheme)
        if not kind:
            found[str(name)] = None
            continue
        found[str(name)] = SecurityScheme(
            name=str(name),
            python_name=unique(snake_name(str(name)), taken),
            kind=kind,
            location=location,
            # A cookie's name as the spec gives it: the client's runtime encodes it when sent.
            key=key,
            prefix=prefix,
            annotation="tuple[str, str] | None" if kind == "basic" else "str | None",
            description=" ".join(str(scheme.get("description", "")).split()),
        )
    return found


def _placement(scheme: dict[str, Any]) -> tuple[str, str, str, str]:
    """(kind, location, name, prefix) of a scheme's credential; kind "" when none is sent."""
    kind = scheme.get("type")
    if kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie"):
        return "apiKey", str(scheme["in"]), str(scheme.get("name", "")), ""
    if kind in ("oauth2", "openIdConnect"):
        # Access tokens travel as bearer tokens (RFC 6750 2.1; OpenID Connect Core 1.0 5.3.1).
        return "bearer", "header", "Authorization", "Bearer "
    if kind == "http":
        # Auth-scheme names are case-insensitive (RFC 9110 11.1).
        http = str(scheme.get("scheme", "")).strip()
        if http.lower() == "basic":
            return "basic", "header", "Authorization", "Basic "
        if http.lower() == "bearer":
            return "bearer", "header", "Authorization", "Bearer "
        if http and all(c.isalnum() or c in _TCHAR for c in http):
            return "http", "header", "Authorization", f"{http} "
    return "", "", "", ""


# RFC 9110 5.6.2: the characters of a token besides letters and digits.
_TCHAR = "!#$%&'*+-.^_`|~"


def _with_credentials(
    operation: Operation, schemes: dict[str, SecurityScheme | None], validation_status: str
) -> Operation:
    """`operation` with the client's credential alternatives and its validation status."""
    alternatives: list[tuple[str, ...]] = []
    for requirement in operation.security:
        if any(name not in schemes for name, _ in requirement):
            continue  # names a scheme nobody declared (lint reports it): no credential meets it
        fields = tuple(s.python_name for name, _ in requirement if (s := schemes[name]))
        if fields and fields not in alternatives:
            alternatives.append(fields)
    locations = {s.location for s in schemes.values() if s and s.python_name in _flat(alternatives)}
    return replace(
        operation,
        credentials=tuple(alternatives),
        credential_locations=tuple(
            loc for loc in ("header", "query", "cookie") if loc in locations
        ),
        validation_status=_validation_status(operation, validation_status),
    )


def _flat(alternatives: list[tuple[str, ...]]) -> set[str]:
    return {name for alternative in alternatives for name in alternative}


def _validation_status(operation: Operation, setting: str) -> int:
    """400 or 422 for a request whose parameters or body break the spec.

    RFC 9110 15.5.1 (400) and 15.5.21 (422) both fit; FastAPI answers 422. `documented` follows
    the operation: 422 when it documents 422 and not 400, else 400.
    """
    if setting in ("400", "422"):
        return int(setting)
    statuses = {r.status for r in operation.responses}
    return 422 if "422" in statuses and "400" not in statuses else 400


def _error_class_name(status: int) -> str:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        return f"Status{status}Error"
    return class_name(phrase).removesuffix("Error") + "Error"


def _operation(
    raw: dict[str, Any],
    *,
    spec: dict[str, Any],
    schemas: dict[str, Any],
    method: str,
    path: str,
    shared: list[dict[str, Any]],
    default_security: tuple[Requirement, ...],
    taken_names: set[str],
    models: SchemaTypes,
) -> Operation:
    operation_id = str(raw.get("operationId") or f"{method}_{path}")
    name = unique(snake_name(operation_id), taken_names)
    hint = class_name(name)
    parameters = _parameters(
        path, shared, [_deref(p, spec) for p in raw.get("parameters") or []], schemas, models
    )
    security = _security(raw["security"]) if "security" in raw else default_security
    ordered = sorted((raw.get("responses") or {}).items(), key=lambda kv: str(kv[0]))
    first_success = next((str(s) for s, _ in ordered if str(s).startswith("2")), None)
    responses: list[Response] = []
    page_schema: Any = None
    for status, response in ordered:
        found, schema = _response(
            str(status),
            _deref(response, spec),
            models,
            response_hint(hint, str(status), str(status) == first_success),
        )
        responses.append(found)
        if page_schema is None and found.is_success and found.model:
            page_schema = schema
    successes = [r.annotation for r in responses if r.is_success and r.annotation]
    return_annotation = " | ".join(dict.fromkeys(successes)) if successes else "None"
    summary = " ".join(str(raw.get("summary", "")).split())
    description = str(raw.get("description", "")).strip()
    body = _deref(raw["requestBody"], spec) if "requestBody" in raw else None
    doc = operation_doc(
        method=method.upper(),
        path=path,
        summary=summary,
        description=description,
        parameters=parameters,
        body_description=None if body is None else str(body.get("description", "")),
        responses=tuple(responses),
        error_classes={
            r.status: _error_class_name(int(r.status))
            for r in responses
            if not r.is_success and r.status.isdigit()
        },
    )
    return Operation(
        operation_id=operation_id,
        name=name,
        # The generated server's TypedDict of the parameters; the same set keeps it unique.
        parameters_type=unique(f"_{class_name(name)}Parameters", taken_names),
        method=method.upper(),
        path=path,
        summary=summary,
        description=description,
        tag=str((raw.get("tags") or ["default"])[0]),
        parameters=parameters,
        body=None if body is None else _body(body, models, schemas, hint + "Request"),
        responses=tuple(responses),
        security=security,
        return_annotation=return_annotation,
        client_url=_client_url(path, parameters),
        route_path=route_template(path)[0],
        idempotent=method.upper() in _IDEMPOTENT,
        idempotency_parameter=next(
            (
                p.python_name
                for p in parameters
                if p.location == "header" and p.name.lower() == "idempotency-key"
            ),
            None,
        ),
        pagination=_pagination(parameters, tuple(responses), page_schema, schemas, models, hint),
        doc=doc,
    )


# RFC 9110 9.2.2: methods whose repetition has the effect of one request.
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
_CURSOR_PARAMETERS = ("cursor", "page_token", "pageToken", "after")
_NEXT_MEMBERS = ("nextCursor", "next_cursor", "nextPageToken", "next_page_token")


def _pagination(
    parameters: tuple[Parameter, ...],
    responses: tuple[Response, ...],
    page: Any,
    schemas: dict[str, Any],
    models: SchemaTypes,
    hint: str,
) -> Pagination | None:
    """Cursor pagination by convention: a cursor query parameter and a next-cursor member."""
    cursor = next(
        (p for p in parameters if p.location == "query" and p.name in _CURSOR_PARAMETERS), None
    )
    if cursor is None or page is None:
        return None
    found = _find_page(page, schemas, (), depth=0, models=models, hint=hint + "ResponseItem")
    if found is None:
        return None
    items_path, next_path, item_annotation = found
    others = tuple(p for p in parameters if p.location != "path" and p is not cursor)
    return Pagination(cursor.python_name, items_path, next_path, item_annotation, others)


def _schema_type(schema: Any, schemas: dict[str, Any]) -> Any:
    resolved = _resolve_schema(schema, schemas)
    return resolved.get("type") if isinstance(resolved, dict) else None


def _find_page(
    schema: Any,
    schemas: dict[str, Any],
    prefix: tuple[str, ...],
    *,
    depth: int,
    models: SchemaTypes,
    hint: str,
) -> tuple[tuple[str, ...], tuple[str, ...], str] | None:
    if not isinstance(schema, dict) or depth > 2:
        return None
    if "$ref" in schema:
        resolved = _resolve_schema(schema, schemas)
        return _find_page(resolved, schemas, prefix, depth=depth, models=models, hint=hint)
    properties = schema.get("properties") or {}
    next_member = next((m for m in _NEXT_MEMBERS if m in properties), None)
    arrays = [
        name
        for name, prop in properties.items()
        if _resolve_schema(prop, schemas).get("type") == "array"
    ]
    if (
        next_member is not None
        and len(arrays) == 1
        and all(n.isidentifier() for n in (next_member, arrays[0]))
    ):
        items = _resolve_schema(properties[arrays[0]], schemas).get("items")  # an array schema
        typed = models.typed(items, hint, "response")
        annotation = qualified(typed.full()) if class_refs(typed.text) else "Any"
        return (*prefix, arrays[0]), (*prefix, next_member), annotation
    for name, prop in properties.items():
        if name.isidentifier():
            found = _find_page(
                prop, schemas, (*prefix, name), depth=depth + 1, models=models, hint=hint
            )
            if found is not None:
                return found
    return None


def _client_url(path: str, parameters: tuple[Parameter, ...]) -> str:
    """A Python expression for the URL path: literal parts percent-encoded, joined by `+` to a
    `path_segment(...)` call per path parameter.

    Built piece by piece, never by replacing names in escaped text, so no name (one with a `}`,
    or one that is a prefix of another) can leave anything behind; only a Python name of ours
    is ever code, every string is written by `literal`. Literal parts are percent-encoded as
    RFC 3986 3.3 asks of a path: a `?` or `#` in a path key must not end the path the client
    sends. A parameter's own style (OAS 3.1 4.8.12.4: simple, label, matrix) writes its prefix.
    """
    by_name = {p.name: p for p in parameters if p.location == "path"}
    pieces = []
    for index, piece in enumerate(TEMPLATE_FIELD.split(path)):
        parameter = by_name.get(piece) if index % 2 else None
        if parameter is not None:
            pieces.append(_segment_call(parameter))
            continue
        text = "{" + piece + "}" if index % 2 else piece
        if text:
            # A lone surrogate (JSON allows `\ud800`) has no UTF-8: its code point's bytes then.
            pieces.append(literal(quote(text, safe=_PATH_CHARACTERS, errors="surrogatepass")))
    return " + ".join(pieces) or literal("")


def _segment_call(parameter: Parameter) -> str:
    if parameter.style == "simple" and not parameter.explode:
        return f"path_segment({parameter.python_name}, name={literal(parameter.name)})"
    return (
        f"path_segment({parameter.python_name}, name={literal(parameter.name)}, "
        f"style={literal(parameter.style)}, explode={parameter.explode})"
    )


# RFC 3986 3.3: what a path holds unencoded (pchar and the `/` between segments).
_PATH_CHARACTERS = "/:@!$&'()*+,;=-._~"


def _parameters(
    path: str,
    shared: list[dict[str, Any]],
    own: list[dict[str, Any]],
    schemas: dict[str, Any],
    models: SchemaTypes,
) -> tuple[Parameter, ...]:
    # Operation parameters override path-item ones with the same name and location (OAS 4.8.10).
    merged = {(p.get("in"), p.get("name")): p for p in [*shared, *own] if not _ignored_parameter(p)}
    _, route_names = route_template(path)
    taken: set[str] = set()
    result = []
    for (location, name), raw in merged.items():
        schema = _parameter_schema(raw)
        required = bool(raw.get("required")) or location == "path"
        annotation = annotation_for(
            schema, components=schemas, classes=models.component_class, direction="request"
        )
        if not required:
            annotation = f"{annotation} | None" if not annotation.endswith("| None") else annotation
        style, explode, allow_reserved = parameter_style(raw)
        result.append(
            Parameter(
                name=str(name),
                python_name=unique(snake_name(str(name)), taken),
                location=str(location),
                required=required,
                annotation=annotation,
                constraints=constraints_for(_resolve_schema(schema, schemas)),
                description=" ".join(str(raw.get("description", "")).split()),
                key=_parameter_key(str(location), str(name), route_names),
                style=style,
                explode=explode,
                allow_reserved=allow_reserved,
                shape=literal(parameter_shape(schema, _resolver(schemas))),
            )
        )
    order = {"path": 0, "query": 1, "header": 2, "cookie": 3}

    def position(parameter: Parameter) -> tuple[int, bool, int, str]:
        # Path parameters are positional in the clients, so they keep the template's order
        # (`/shelves/{shelfId}/books/{bookId}` → shelf_id, book_id); the others are keyword-only
        # and sorted by name. A name the template lacks sorts last (lint reports it).
        at = path.find("{" + parameter.name + "}") if parameter.location == "path" else -1
        rank = at if at >= 0 else len(path)
        return order.get(parameter.location, 4), not parameter.required, rank, parameter.python_name

    return tuple(sorted(result, key=position))


# OAS 3.1 4.8.12.1: header parameters by these names "SHALL be ignored": the body's media type,
# content negotiation and credentials are the client's own business. So is framing, which
# the HTTP stack writes from the message itself (RFC 9110 7.2, 8.6; RFC 9112 6.1, 9.6): a
# `Content-Length` given by hand would contradict the body (azure's DataLakeStorage has one).
_IGNORED_HEADERS = frozenset(
    {
        "accept",
        "content-type",
        "authorization",
        "content-length",
        "transfer-encoding",
        "host",
        "connection",
    }
)


def _ignored_parameter(raw: dict[str, Any]) -> bool:
    return raw.get("in") == "header" and str(raw.get("name", "")).lower() in _IGNORED_HEADERS


def _parameter_key(location: str, name: str, route_names: dict[str, str]) -> str:
    """The name a parameter is sent and read by (`Parameter.key`)."""
    if location == "path":
        return route_names.get(name, "")
    return name


def _parameter_schema(raw: dict[str, Any]) -> Any:
    """A parameter's schema, or the schema of its one `content` media type (OAS 3.1 4.8.12)."""
    if "schema" in raw:
        return raw.get("schema") or {}
    content = raw.get("content")
    if isinstance(content, dict) and len(content) == 1:
        media = next(iter(content.values()))
        if isinstance(media, dict):
            return media.get("schema") or {}
    return {}


def _resolver(schemas: dict[str, Any]) -> Callable[[Any], Any]:
    """What a `$ref` to a component schema points at (the schema itself otherwise)."""

    def resolve(schema: Any) -> Any:
        return _resolve_schema(schema, schemas)

    return resolve


# The client's body type by kind; JSON and forms take their model (or any mapping) instead.
_BODY_ANNOTATIONS = {
    "text": "str",
    "binary": "bytes | BinaryIO | File",
    "form": "Mapping[str, Any]",
    "multipart": "Mapping[str, Any]",
}


# What a server handler receives for a body without a model, by kind.
_HANDLER_ANNOTATIONS = {
    "text": "str",
    "binary": "bytes",
    "form": "dict[str, Any]",
    "multipart": "dict[str, Any]",
}


def _body(raw: dict[str, Any], models: SchemaTypes, schemas: dict[str, Any], hint: str) -> Body:
    """A Request Body Object (OAS 3.1 4.8.13): read by media type, sent as the preferred one."""
    found = raw.get("content")
    content: dict[str, Any] = found if isinstance(found, dict) else {}
    media_types = tuple(str(m) for m in content) or _JSON_MEDIA
    kinds = tuple((m, _media_kind(m, content.get(m), schemas)) for m in media_types)
    media_type = preferred_media_type(media_types)
    kind = dict(kinds)[media_type]
    chosen = content.get(media_type)
    media: dict[str, Any] = chosen if isinstance(chosen, dict) else {}
    schema = media.get("schema") if kind in ("json", "form", "multipart") else None
    typed = models.typed(schema, hint, "request") if isinstance(schema, dict) else None
    model = _model_of(typed)
    if kind == "json":
        annotation = qualified(typed.full()) if typed is not None else "Any"
    elif model and kind in ("form", "multipart"):
        annotation = f"models.{model} | {_BODY_ANNOTATIONS[kind]}"
    else:
        annotation = _BODY_ANNOTATIONS[kind]
    forms = kind in ("form", "multipart")
    if model:
        handler = f"models.{model}"
    elif kind == "json":
        handler = annotation
    else:
        handler = _HANDLER_ANNOTATIONS.get(kind, "Any")
    validated = "None"
    if model and kind in ("json", "form", "multipart"):
        validated = f"models.{model}"
    elif kind == "json" and annotation != "Any":
        validated = annotation  # a list, map or union: the server validates it too
    return Body(
        annotation=annotation,
        model=model,
        media_types=media_types,
        required=bool(raw.get("required")),
        kinds=kinds,
        media_type=media_type,
        kind=kind,
        shape=literal(form_shape(schema, _resolver(schemas))) if forms else "None",
        encoding=literal(_encoding(media)) if forms else "{}",
        handler_annotation=handler,
        validated_type=validated,
    )


def _model_of(typed: Typed | None) -> str | None:
    """The model class a type is, when it is exactly one (not a list of them, not nullable, not
    a type alias of a named scalar, which has no `model_validate_json`)."""
    if typed is None or typed.nullable or typed.constraints or not typed.model:
        return None
    refs = class_refs(typed.text)
    return refs[0] if len(refs) == 1 and typed.text == ref_text(refs[0]) else None


# `format: binary` (OAS 3.0 4.7.14.3) and Swagger 2's `type: file`, as converters write it.
_FILE_FORMATS = frozenset({"binary", "file"})


def _media_kind(media_type: str, media: Any, schemas: dict[str, Any]) -> str:
    """How a body of `media_type` is read: by `body_kind`, but a form or multipart body whose
    schema is a string is that string, already encoded by the caller, so text; and a text body
    whose schema is a file is bytes."""
    kind = body_kind(media_type)
    schema = media.get("schema") if isinstance(media, dict) else None
    if kind in ("form", "multipart") and _schema_type(schema, schemas) == "string":
        return "text"
    resolved = _resolve_schema(schema, schemas)
    if kind == "text" and isinstance(resolved, dict) and resolved.get("format") in _FILE_FORMATS:
        return "binary"  # a file's bytes, whatever text type it is labelled with
    return kind


def _encoding(media: dict[str, Any]) -> dict[str, tuple[str | None, str | None, bool | None]]:
    return {
        prop: (content_type, style, explode)
        for prop, content_type, style, explode in encoding_of(media)
    }


# RFC 9110 15.3.5, 15.3.6, 15.4.5: these responses end at their header section, whatever
# content the spec documents for them.
_NO_CONTENT = frozenset({"204", "205", "304"})


def _response(
    status: str, raw: dict[str, Any], models: SchemaTypes, hint: str
) -> tuple[Response, Any]:
    """A Response Object (OAS 3.1 4.8.17) and its JSON schema."""
    content = (raw.get("content") or {}) if status not in _NO_CONTENT else {}
    json_media = next((m for m in content if _is_json(m)), None)
    schema = (content.get(json_media) or {}).get("schema") if json_media else None
    typed = models.typed(schema, hint, "response") if json_media else None
    model = _model_of(Typed(typed.text, model=typed.model)) if typed is not None else None
    annotation = qualified(typed.full()) if typed is not None else None
    return Response(
        status=status,
        annotation=annotation,
        model=model,
        parse_type=annotation if annotation and annotation != "Any" else "None",
        description=" ".join(str(raw.get("description", "")).split()),
        headers=tuple(sorted((raw.get("headers") or {}).keys())),
        nullable=bool(model and typed is not None and typed.nullable),
    ), schema


def _security(raw: Any) -> tuple[Requirement, ...]:
    """The alternatives of a Security Requirement list (OAS 4.8.30): any one of them suffices.

    An empty alternative (`{}`) admits anonymous requests; an empty list needs no credentials.
    """
    if not isinstance(raw, list):
        return ()
    return tuple(
        tuple(
            (str(scheme), tuple(str(s) for s in scopes or ()))
            for scheme, scopes in sorted(alternative.items())
        )
        for alternative in raw
        if isinstance(alternative, dict)
    )


def _deref(node: Any, spec: dict[str, Any]) -> dict[str, Any]:
    seen: set[str] = set()
    while (
        isinstance(node, dict)
        and isinstance(node.get("$ref"), str)
        and node["$ref"].startswith("#/")
    ):
        ref = node["$ref"]
        if ref in seen:
            break
        seen.add(ref)
        target: Any = spec
        for token in ref[2:].split("/"):
            # A `$ref` is a URI: its fragment is percent-encoded (RFC 6901 6, `%7Bid%7D` for
            # `{id}`) before `~1` and `~0` are read (RFC 6901 4).
            token = unquote(token).replace("~1", "/").replace("~0", "~")
            if isinstance(target, list) and token.isdigit() and int(token) < len(target):
                target = target[int(token)]  # an array index (RFC 6901 4)
            else:
                target = target.get(token) if isinstance(target, dict) else None
        node = target
    return node if isinstance(node, dict) else {}


def _resolve_schema(schema: Any, schemas: dict[str, Any]) -> Any:
    target = component_target(schema.get("$ref")) if isinstance(schema, dict) else None
    if target is not None:
        return schemas.get(target, {})
    return schema


def _is_json(media_type: str) -> bool:
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")
