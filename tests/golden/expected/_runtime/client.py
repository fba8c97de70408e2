"""What every generated client shares: sending with retries, credentials, and reading responses.

The generated `client.py` holds only what the spec decides (its `Credentials`, its exception
classes, one method per operation) and calls in here for the rest.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import enum
import json
import time
from collections.abc import Collection, Mapping
from dataclasses import replace
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Self, TypeVar, cast

import httpx
from pydantic import BaseModel, ValidationError

from .style import encode_cookie, encode_header, encode_path, encode_query
from .types import validate_json

__all__ = [
    "ApiResponseError",
    "AsyncClient",
    "Scheme",
    "SyncClient",
    "authorize",
    "cookie_header",
    "header_values",
    "json_content",
    "legacy_credentials",
    "parse",
    "path_segment",
    "query_string",
    "retry_delay",
    "to_data",
    "walk",
]

C = TypeVar("C")

# RFC 9110 15.5.30 and 15.6.4: the server asks the client to come back later.
RETRY_STATUSES = frozenset({429, 503})
_MAX_RETRY_AFTER = 60.0

# A declared security scheme as a `Credentials` field: kind (`apiKey`, `basic`, `bearer`,
# `http`), where the credential goes (header, query, cookie), its name there, its prefix.
Scheme = tuple[str, str, str, str]


class ApiResponseError(Exception):
    """A response other than 2xx: status, parsed error body (None if undocumented), request id."""

    def __init__(self, response: httpx.Response, error: BaseModel | None) -> None:
        self.status_code = response.status_code
        self.error = error
        self.headers = response.headers
        self.request_id = response.headers.get("X-Request-Id")
        self.text = response.text
        request = response.request
        super().__init__(f"{request.method} {request.url.path} failed with {response.status_code}")


def _credential(credentials: object, name: str) -> str | None:
    value = getattr(credentials, name)
    if value is None:
        return None
    if isinstance(value, tuple):
        user, password = value
        if ":" in user:
            # RFC 7617 2: the user-id ends at the first colon.
            raise ValueError(f"a Basic user-id has no colon (Credentials.{name})")
        return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return str(value)


def authorize(
    credentials: object, alternatives: tuple[tuple[str, ...], ...], schemes: Mapping[str, Scheme]
) -> dict[str, dict[str, str]]:
    """By location (header, query, cookie): the credentials of the first alternative that the
    caller has given every one of, by the name each is sent as; nothing when there is none."""
    placed: dict[str, dict[str, str]] = {"header": {}, "query": {}, "cookie": {}}
    for alternative in alternatives:
        values = [_credential(credentials, name) for name in alternative]
        if all(value is not None for value in values):
            for name, value in zip(alternative, values, strict=True):
                _, location, key, prefix = schemes[name]
                placed[location][key] = f"{prefix}{value}"
            break
    return placed


def legacy_credentials(
    credentials: C,
    token: str | None,
    api_key: tuple[str, str] | None,
    schemes: Mapping[str, Scheme],
) -> tuple[C, dict[str, str]]:
    """`credentials` completed by the older `token` and `api_key` keywords.

    `token` is the credential of every bearer, OAuth2 and OpenID Connect scheme not given one;
    `api_key` of the header API keys by that name. What no declared scheme takes is sent with
    every request, as these keywords always were.
    """
    changes: dict[str, Any] = {}
    always: dict[str, str] = {}
    if token:
        names = [name for name, (kind, *_) in schemes.items() if kind == "bearer"]
        changes.update({name: token for name in names if getattr(credentials, name) is None})
        if not names:
            always["Authorization"] = f"Bearer {token}"
    if api_key is not None:
        header, key = api_key
        names = [
            name
            for name, (kind, location, wire, _) in schemes.items()
            if kind == "apiKey" and location == "header" and wire.lower() == header.lower()
        ]
        changes.update({name: key for name in names if getattr(credentials, name) is None})
        if not names:
            always[header] = key
    if changes:
        credentials = cast(C, replace(cast(Any, credentials), **changes))
    return credentials, always


def to_data(value: Any) -> Any:
    """`value` as JSON data: models by their aliases, enum members by value, dates in RFC 3339."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, enum.Enum):
        return to_data(value.value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(to_data(key)): to_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(item) for item in value]
    return value


def path_segment(value: Any, *, name: str, style: str = "simple", explode: bool = False) -> str:
    """A path parameter's text in the URL: one segment whatever it holds (OAS 3.1 4.8.12.4)."""
    return encode_path(to_data(value), name=name, style=style, explode=explode)


# A query parameter for `query_string`: value, name, style, explode, allowReserved.
QueryParameter = tuple[Any, str, str, bool, bool]


def query_string(
    parameters: Collection[QueryParameter], credentials: Mapping[str, str] | None = None
) -> str:
    """`?a=1&b=2` for the parameters given (None is absent), then query credentials; or ""."""
    pieces: list[str] = []
    for value, name, style, explode, allow_reserved in parameters:
        if value is None:
            continue
        pieces.extend(
            encode_query(
                to_data(value),
                name=name,
                style=style,
                explode=explode,
                allow_reserved=allow_reserved,
            )
        )
    for name, value in (credentials or {}).items():
        pieces.extend(encode_query(value, name=name))
    return "?" + "&".join(pieces) if pieces else ""


def header_values(values: Mapping[str, tuple[Any, bool]]) -> dict[str, str]:
    """Header parameters (value, explode) in `style: simple`; None is absent (4.8.12.4)."""
    return {
        name: encode_header(to_data(value), explode=explode)
        for name, (value, explode) in values.items()
        if value is not None
    }


def cookie_header(
    values: Mapping[str, tuple[Any, bool]], credentials: Mapping[str, str] | None = None
) -> dict[str, str]:
    """One `Cookie` header (RFC 6265 5.4) for the cookie parameters given, or none.

    httpx deprecates per-request cookie jars. Names come escaped from the generator; values are
    written in `style: form` and percent-encoded (OAS 3.1 4.8.12.4).
    """
    pieces: list[str] = []
    for name, (value, explode) in values.items():
        if value is not None:
            pieces.extend(encode_cookie(to_data(value), name=name, explode=explode))
    for name, value in (credentials or {}).items():
        pieces.extend(encode_cookie(value, name=name))
    return {"Cookie": "; ".join(pieces)} if pieces else {}


def json_content(body: Any) -> bytes:
    """A JSON request body: a model by its aliases, anything else as JSON (RFC 8259)."""
    if isinstance(body, BaseModel):
        return body.model_dump_json(by_alias=True).encode()
    return json.dumps(to_data(body), ensure_ascii=False, allow_nan=False).encode()


def _is_json(response: httpx.Response) -> bool:
    media_type = str(response.headers.get("Content-Type", "")).split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


# By status: a model class, or another type the models define (an enum, a type alias); None
# for a body without one.
Models = Mapping[str, Any]


def parse(
    response: httpx.Response,
    *,
    success: Models,
    errors: Models,
    error_classes: Mapping[int, type[ApiResponseError]],
    nullable: Collection[str] = (),
) -> Any:
    """The 2xx response's body as its declared type; any other status raises its exception."""
    status = str(response.status_code)
    family = f"{status[0]}XX"
    if status in success or family in success or (response.is_success and "default" not in errors):
        model = success.get(status) or success.get(family)
        if not response.content or (status in nullable and response.content.strip() == b"null"):
            return None
        if model is None:
            # A schema without a model of its own (inline, or not a component): plain JSON.
            return response.json() if _is_json(response) else None
        return validate_json(model, response.content)
    error_model = errors.get(status) or errors.get(family) or errors.get("default")
    parsed = None
    if error_model is not None:
        try:
            parsed = validate_json(error_model, response.content)
        except ValidationError:
            parsed = None
    raise error_classes.get(response.status_code, ApiResponseError)(response, parsed)


def retry_delay(response: httpx.Response, *, attempt: int, backoff: float) -> float:
    """Seconds to wait: the server's Retry-After (delta or HTTP date), else exponential backoff."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    if value:
        try:
            delay = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            delay = backoff * 2.0**attempt
        return min(max(delay, 0.0), _MAX_RETRY_AFTER)
    return backoff * 2.0**attempt


def walk(value: Any, path: tuple[str, ...]) -> Any:
    """The attribute at `path` below `value`: a page's items or its next cursor."""
    for name in path:
        value = getattr(value, name)
    return value


class SyncClient:
    """The connection pool, retries and the last response of a synchronous client."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str],
        timeout: float,
        retries: int,
        backoff: float,
        transport: httpx.BaseTransport | None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url, headers=dict(headers), timeout=timeout, transport=transport
        )
        self._retries = retries
        self._backoff = backoff
        self.last_response: httpx.Response | None = None

    @property
    def etag(self) -> str | None:
        """The `ETag` of the last response, to send back as `if_match` or `if_none_match`."""
        return self.last_response.headers.get("ETag") if self.last_response is not None else None

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _send(self, method: str, url: str, *, retryable: bool, **options: Any) -> httpx.Response:
        # Only requests whose repetition is harmless are retried (RFC 9110 9.2.2).
        attempt = 0
        while True:
            response = self._http.request(method, url, **options)
            if (
                not retryable
                or response.status_code not in RETRY_STATUSES
                or attempt >= self._retries
            ):
                self.last_response = response
                return response
            delay = retry_delay(response, attempt=attempt, backoff=self._backoff)
            attempt += 1
            time.sleep(delay)


class AsyncClient:
    """The connection pool, retries and the last response of an asynchronous client."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str],
        timeout: float,
        retries: int,
        backoff: float,
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url, headers=dict(headers), timeout=timeout, transport=transport
        )
        self._retries = retries
        self._backoff = backoff
        self.last_response: httpx.Response | None = None

    @property
    def etag(self) -> str | None:
        """The `ETag` of the last response, to send back as `if_match` or `if_none_match`."""
        return self.last_response.headers.get("ETag") if self.last_response is not None else None

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def _send(
        self, method: str, url: str, *, retryable: bool, **options: Any
    ) -> httpx.Response:
        # Only requests whose repetition is harmless are retried (RFC 9110 9.2.2).
        attempt = 0
        while True:
            response = await self._http.request(method, url, **options)
            if (
                not retryable
                or response.status_code not in RETRY_STATUSES
                or attempt >= self._retries
            ):
                self.last_response = response
                return response
            delay = retry_delay(response, attempt=attempt, backoff=self._backoff)
            attempt += 1
            await asyncio.sleep(delay)
