"""What every generated server shares: errors, reading parameters and bodies, security, replies.

The generated `server.py` holds only what the spec decides (its Protocols, each operation's
parameters and routes) and calls in here for the rest.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_json
from starlette.exceptions import HTTPException as StarletteHTTPException

from .media import BodyKind, MalformedBody, coerce_form, read_form, read_text
from .style import (
    MISSING,
    Shape,
    cookie_pairs,
    decode_cookie,
    decode_header,
    decode_path,
    decode_query,
)
from .types import validate_json, validate_python

__all__ = [
    "ApiError",
    "BodyPrecheck",
    "EncodedSlashes",
    "ErrorRenderer",
    "MethodNotAllowed",
    "Parameters",
    "Problem",
    "Reply",
    "Security",
    "build_app",
    "check_before_body",
    "read_body",
    "refuse_head",
    "render",
    "security",
    "to_api_error",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem with a request: where (a JSON pointer or `location.name`), a code, a message."""

    field: str
    code: str
    message: str


class ApiError(Exception):
    """An error response; raised by the routers and by implementations alike."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        problems: Sequence[Problem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = tuple(problems)
        self.headers = dict(headers or {})


@dataclass(frozen=True, slots=True)
class Reply(Generic[T]):
    """What a handler returns: the status, the body model (None for no body) and headers."""

    status: int
    body: T | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


class Security(Protocol):
    """Authenticates a request for an operation; raises ApiError (401, 403, 429…) to refuse it."""

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        """Check the credentials `scheme` names and that they grant `scopes`."""
        ...


class ErrorRenderer(Protocol):
    """Turns an ApiError into a response in the API's own error envelope."""

    def render_error(self, request: Request, error: ApiError) -> Response:
        """The response for `error`."""
        ...


@runtime_checkable
class BodyPrecheck(Protocol):
    """Optional: the errors an implementation ranks before those of a refused request body.

    When a body is refused (415, or 400 or 422 for a missing, malformed or schema-breaking
    body), the router first calls `check_before_body` with the operation's id and its already
    validated parameters; an ApiError raised there answers the request instead. An API
    whose rules put a missing resource (404) or a failed precondition (412) before the
    body's own errors states them here. Valid requests never reach it, so the handler
    still makes the same checks.
    """

    async def check_before_body(
        self, request: Request, *, operation: str, parameters: Mapping[str, Any]
    ) -> None:
        """Raise the ApiError that answers this request before its body is judged."""
        ...


_CODES = {
    "missing": "REQUIRED",
    "extra_forbidden": "UNKNOWN_MEMBER",
    "string_too_short": "TOO_SHORT",
    "string_too_long": "TOO_LONG",
    "too_short": "TOO_SHORT",
    "too_long": "TOO_LONG",
    "string_pattern_mismatch": "PATTERN_MISMATCH",
    "json_invalid": "MALFORMED_JSON",
    "literal_error": "NOT_ALLOWED",
    "enum": "NOT_ALLOWED",
    "greater_than": "TOO_SMALL",
    "greater_than_equal": "TOO_SMALL",
    "less_than": "TOO_LARGE",
    "less_than_equal": "TOO_LARGE",
}


def problems_of(errors: Sequence[Any], *, prefix: Sequence[str | int] = ()) -> list[Problem]:
    # Pydantic's `msg` never includes the input, so no secret value is echoed back.
    found = []
    for error in errors:
        location = [*prefix, *error.get("loc", ())]
        if location and location[0] in ("path", "query", "header", "cookie"):
            where = ".".join(str(part) for part in location[:2])
        else:
            where = "/" + "/".join(
                str(part).replace("~", "~0").replace("/", "~1") for part in location
            )
        kind = str(error.get("type", ""))
        code = _CODES.get(kind, "INVALID_TYPE" if kind.endswith("_type") else "INVALID")
        found.append(Problem(field=where, code=code, message=str(error.get("msg", "is invalid"))))
    return found


def invalid(status: int, message: str, problems: Sequence[Problem]) -> ApiError:
    # A request that breaks the spec: 400 (RFC 9110 15.5.1) or 422 (15.5.21), as the operation
    # documents it (or as the project's validation-status setting says).
    code = "UNPROCESSABLE_CONTENT" if status == 422 else "BAD_REQUEST"
    return ApiError(status, code, message, problems=problems)


# One parameter of an operation, as `Parameters` reads it: Python name, location, name in the
# spec, the name it is read by, style, explode and shape (OAS 3.1 4.8.12.4). A path parameter is
# read by its name in the route template, a cookie by its name as sent (RFC 6265 4.1.1 token,
# else percent-encoded).
Source = tuple[str, str, str, str, str, bool, Shape]


@dataclass(frozen=True, slots=True)
class Parameters:
    """How one operation's parameters are read from a request and checked by the spec."""

    adapter: TypeAdapter[Any]
    sources: tuple[Source, ...]
    # The status of parameters that break the spec: 400 or 422.
    status: int = 400
    # By Python name: the names of the operation's other parameters in the same location. An
    # exploded object's properties are keys of their own (OAS 3.1 4.8.12.4); a key another
    # parameter is named by is not one of its properties.
    others: Mapping[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        others = {
            source[0]: tuple(s[2] for s in self.sources if s[1] == source[1] and s[0] != source[0])
            for source in self.sources
        }
        object.__setattr__(self, "others", others)

    def read(self, request: Request) -> dict[str, Any]:
        """Every parameter by Python name, None when absent; 400 (or 422) naming each failure."""
        found: dict[str, Any] = {}
        problems: list[Problem] = []
        query: list[tuple[str, str]] | None = None
        cookies: list[tuple[str, str]] | None = None
        for python_name, location, name, key, style, explode, shape in self.sources:
            others = self.others[python_name]
            try:
                if location == "path":
                    text = request.path_params.get(key)
                    value: Any = (
                        MISSING
                        if text is None
                        else decode_path(
                            _slashes(text), name=name, style=style, explode=explode, shape=shape
                        )
                    )
                elif location == "query":
                    query = query if query is not None else request.query_params.multi_items()
                    value = decode_query(
                        query, name=name, style=style, explode=explode, shape=shape, exclude=others
                    )
                elif location == "header":
                    # Several field lines are one list, joined by commas (RFC 9110 5.3).
                    lines = request.headers.getlist(key)
                    joined = ", ".join(lines) if lines else None
                    value = decode_header(joined, explode=explode, shape=shape)
                else:
                    # Every cookie by its name as sent; Starlette's mapping keeps one per name.
                    cookies = (
                        cookies
                        if cookies is not None
                        else cookie_pairs(request.headers.get("cookie", ""))
                    )
                    value = decode_cookie(
                        cookies, name=name, explode=explode, shape=shape, exclude=others
                    )
            except ValueError as exc:
                problems.append(Problem(f"{location}.{name}", "INVALID", str(exc)))
                continue
            if value is not MISSING:
                found[python_name] = value
        if problems:
            raise invalid(self.status, "The request is invalid.", problems)
        try:
            # Parameters arrive as text: read by their shape, then validated laxly, so that
            # a model-typed parameter takes `2024-01-01` for a date as the spec's text form.
            valid = self.adapter.validate_python(found, strict=False)
        except ValidationError as exc:
            raise invalid(self.status, "The request is invalid.", self._problems(exc)) from None
        return {source[0]: valid.get(source[0]) for source in self.sources}

    def _problems(self, exc: ValidationError) -> list[Problem]:
        # Errors name the parameter as the request does: `header.If-Match`, `query.limit`.
        where = {source[0]: (source[1], source[2]) for source in self.sources}
        errors = [
            {**error, "loc": (*where[str(error["loc"][0])], *error["loc"][1:])}
            for error in exc.errors(include_input=False, include_url=False)
        ]
        return problems_of(errors)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _accepts(media_types: Mapping[str, BodyKind], media_type: str) -> BodyKind | None:
    """The kind of body `media_type` is read as, by the most specific range that matches it.

    A Media Type Object's key may be a range (`image/*`, `*/*`), the more specific winning
    (OAS 3.1 4.8.13.1); a request without a `Content-Type` matches only `*/*`.
    """
    if media_type in media_types:
        return media_types[media_type]
    major = media_type.split("/", 1)[0]
    return media_types.get(f"{major}/*") or media_types.get("*/*")


async def read_body(
    request: Request,
    model: Any,
    *,
    media_types: Mapping[str, BodyKind],
    required: bool,
    status: int = 400,
    shape: Any = None,
) -> Any:
    """The body, read by its media type and validated; `status` (400 or 422) when it breaks the
    spec, 415 for a media type the operation does not take.

    `media_types` maps each documented media type (or range) to how it is read: `json`,
    `form`, `multipart`, `text` or `binary`. `model` is the type a JSON or form body validates
    into, a model or a list, map or union of them (None: any JSON), `shape` how a form's text
    becomes typed values.
    """
    raw = await request.body()
    if not raw:
        if required:
            raise invalid(
                status,
                "A request body is required.",
                [Problem("/", "REQUIRED", "A request body is required.")],
            )
        return None
    kind = _accepts(media_types, _media_type(request))
    if kind is None:
        allowed = ", ".join(media_types)
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", f"The request body must be {allowed}.")
    if kind == "binary":
        return raw
    try:
        if kind == "text":
            return await read_text(request)
        if kind in ("form", "multipart"):
            data = await read_form(request, kind=kind)
            return _validate_form(model, coerce_form(data, shape) if shape else data, status)
    except MalformedBody as exc:
        raise invalid(
            status, "The request body is malformed.", [Problem("/", "MALFORMED_BODY", str(exc))]
        ) from None
    return _read_json(raw, model, status)


def _validate_form(model: Any, data: dict[str, Any], status: int) -> Any:
    if model is None:
        return data
    try:
        # Form fields are text on the wire: validated laxly, like parameters.
        return validate_python(model, data, strict=False)
    except ValidationError as exc:
        problems = problems_of(exc.errors(include_input=False, include_url=False))
        raise invalid(status, "The request body is invalid.", problems) from None


def _read_json(raw: bytes, model: Any, status: int) -> Any:
    non_finite = _non_finite_number(raw)
    if non_finite is not None:
        raise invalid(
            status,
            "The request body is not valid JSON.",
            [
                Problem(
                    non_finite, "NON_FINITE_NUMBER", "JSON numbers are finite (RFC 8259 section 6)."
                )
            ],
        )
    if model is None:
        try:
            return json.loads(raw)
        # Nesting deeper than Python's recursion limit is refused like malformed JSON, not a 500.
        except (ValueError, RecursionError):
            raise invalid(
                status,
                "The request body is not valid JSON.",
                [Problem("/", "MALFORMED_JSON", "The request body is not valid JSON.")],
            ) from None
    try:
        return validate_json(model, raw)
    except ValidationError as exc:
        error = exc
    # Only on the error path, so a valid body is parsed once.
    integral = _with_integral_numbers(raw)
    if integral is not None:
        # When this fails too, the first attempt's errors describe the body as it was sent.
        with contextlib.suppress(ValidationError):
            return validate_json(model, integral)
    problems = problems_of(error.errors(include_input=False, include_url=False))
    malformed = any(p.code == "MALFORMED_JSON" for p in problems)
    message = "The request body is not valid JSON." if malformed else "The request body is invalid."
    raise invalid(status, message, problems) from None


# What may spell a number that is not finite: NaN and Infinity (Python's json module and
# pydantic's parser accept both), an exponent of three digits or more, or a run of digits
# longer than any finite double. Only a body that matches is parsed a second time.
_MAYBE_NON_FINITE = re.compile(rb"NaN|Infinity|[0-9][eE][+-]?[0-9]{3}|[0-9.]{309}")


def _non_finite_number(raw: bytes) -> str | None:
    """The JSON pointer of the body's first number that is not finite; None when all are.

    RFC 8259 section 6 has no NaN or Infinity, and a number beyond double range reads as one;
    neither survives a round trip through JSON or a database, so both are refused here.
    """
    if _MAYBE_NON_FINITE.search(raw) is None:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None  # pydantic's own parser then refuses the body, depth included
    pending: list[tuple[Any, str]] = [(data, "")]
    while pending:
        node, pointer = pending.pop()
        if isinstance(node, float) and not math.isfinite(node):
            return pointer or "/"
        if isinstance(node, dict):
            pending.extend(
                (v, f"{pointer}/{str(k).replace('~', '~0').replace('/', '~1')}")
                for k, v in node.items()
            )
        elif isinstance(node, list):
            pending.extend((v, f"{pointer}/{i}") for i, v in enumerate(node))
    return None


def _with_integral_numbers(raw: bytes) -> bytes | None:
    """`raw` with numbers such as `1965.0` written as integers; None if it has none (or no JSON).

    JSON Schema counts a number with a zero fractional part as an integer (2020-12 Validation
    6.1.1), where pydantic's strict mode refuses `1965.0` for an `int`. A `number` member still
    takes the integer, so rewriting every such number changes no other verdict.
    """
    changed = False

    def number(text: str) -> float | int:
        nonlocal changed
        value = float(text)
        if value.is_integer():
            changed = True
            return int(value)
        return value

    try:
        data = json.loads(raw, parse_float=number)
    except (ValueError, RecursionError):
        return None
    return json.dumps(data).encode() if changed else None


async def check_before_body(
    implementation: object, request: Request, *, operation: str, parameters: Mapping[str, Any]
) -> None:
    # Only on the error path: a valid body costs no extra call.
    if isinstance(implementation, BodyPrecheck):
        await implementation.check_before_body(request, operation=operation, parameters=parameters)


def render(reply: Reply[Any]) -> Response:
    if reply.body is None:
        return Response(status_code=reply.status, headers=dict(reply.headers))
    if isinstance(reply.body, BaseModel):
        content: str | bytes = reply.body.model_dump_json(by_alias=True)
    else:
        # Lists and maps of models too (`list[models.Pet]`), each by its aliases.
        content = to_json(reply.body, by_alias=True)
    return Response(
        content,
        status_code=reply.status,
        headers=dict(reply.headers),
        media_type="application/json",
    )


def security(
    implementation: Security, alternatives: Sequence[Sequence[tuple[str, Sequence[str]]]]
) -> Callable[[Request], Awaitable[None]]:
    # Any one alternative admits the request when all of its schemes do (OAS 4.8.30); when
    # none does, the first alternative's refusal is the answer.
    async def authenticate(request: Request) -> None:
        refusal: ApiError | None = None
        for requirement in alternatives:
            try:
                for scheme, scopes in requirement:
                    await implementation.authenticate(request, scheme=scheme, scopes=scopes)
            except ApiError as error:
                refusal = refusal or error
                continue
            return
        if refusal is not None:
            raise refusal

    return authenticate


class MethodNotAllowed:
    """An ASGI endpoint for the methods a path does not document: 405 with its `Allow`.

    An ASGI class, not a function: Starlette routes a function endpoint without methods for GET
    only, and a class endpoint for every method, unknown ones included (RFC 9110 15.5.6).
    """

    def __init__(self, allow: Sequence[str]) -> None:
        self.allow = ", ".join(allow)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        raise ApiError(
            405,
            "METHOD_NOT_ALLOWED",
            "This method is not allowed on this path.",
            headers={"Allow": self.allow},
        )


def refuse_head(allow: Sequence[str]) -> None:
    """Starlette answers HEAD with a GET route; a path that does not document HEAD refuses it."""
    raise ApiError(
        405,
        "METHOD_NOT_ALLOWED",
        "This method is not allowed on this path.",
        headers={"Allow": ", ".join(allow)},
    )


def to_api_error(exc: Exception) -> ApiError:
    """Any exception raised while serving, as the ApiError that answers it.

    Routing misses (404, 405), FastAPI's parameter validation (400) and unexpected
    exceptions (500) all become ApiErrors, so one renderer writes every error body.
    """
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, RequestValidationError):
        return ApiError(
            400, "BAD_REQUEST", "The request is invalid.", problems=problems_of(exc.errors())
        )
    if isinstance(exc, StarletteHTTPException):
        if exc.status_code == 404:
            return ApiError(404, "NOT_FOUND", "No such route.", headers=exc.headers)
        if exc.status_code == 405:
            return ApiError(405, "METHOD_NOT_ALLOWED", str(exc.detail), headers=exc.headers)
        code = "BAD_REQUEST" if exc.status_code < 500 else "INTERNAL_SERVER_ERROR"
        return ApiError(exc.status_code, code, str(exc.detail), headers=exc.headers)
    return ApiError(500, "INTERNAL_SERVER_ERROR", "An unexpected error occurred.")


# `%2F` and `%25` in a request path: what `EncodedSlashes` leaves encoded for routing.
_KEPT = re.compile(r"%(?:2[fF]|25)")
_ESCAPE = re.compile(rb"%[0-9A-Fa-f]{2}")


def _slashes(text: str) -> str:
    """A path parameter's text with the `/` and `%` that routing left encoded decoded."""
    return (
        _KEPT.sub(lambda m: "/" if m.group().lower() == "%2f" else "%", text)
        if "%" in text
        else text
    )


class EncodedSlashes:
    """Routes a request by its path with `%2F` (and `%25`) still encoded, everything else decoded.

    ASGI servers decode the whole path before routing, so an id holding a `/` sent as `%2F`
    (RFC 3986 2.2: an encoded reserved character is data, not a delimiter) would add a segment
    and match no route. Only paths that hold `%2F` are touched; path parameters are decoded
    afterwards (`Parameters.read`).
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        raw = scope.get("raw_path") if scope.get("type") == "http" else None
        if isinstance(raw, bytes) and b"%2f" in raw.lower():
            # Some clients send the query in `raw_path` too (httpx's ASGI transport does).
            path = raw.split(b"?", 1)[0]
            decoded = _ESCAPE.sub(
                lambda m: (
                    m.group()
                    if m.group().lower() in (b"%2f", b"%25")
                    else bytes([int(m.group()[1:], 16)])
                ),
                path,
            )
            scope = {
                **scope,
                "path": scope.get("root_path", "") + decoded.decode("utf-8", "replace"),
            }
        await self.app(scope, receive, send)


def build_app(
    router: APIRouter, render_error: Callable[[Request, ApiError], Response], **settings: Any
) -> FastAPI:
    """A FastAPI app around `router`; every error goes through `render_error`."""
    # The hand-written spec is the contract; the schema FastAPI would derive is not served.
    # No redirect for a trailing slash: its `Location` would be built from the `Host` header.
    app = FastAPI(
        openapi_url=None, docs_url=None, redoc_url=None, redirect_slashes=False, **settings
    )
    app.include_router(router)
    app.add_middleware(EncodedSlashes)

    async def on_error(request: Request, exc: Exception) -> Response:
        return render_error(request, to_api_error(exc))

    for kind in (ApiError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, on_error)
    return app
