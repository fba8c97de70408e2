"""Per-request facts decided once: the request id and the headers every response carries."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import BaseModel
from starlette.requests import HTTPConnection
from starlette.responses import Response
from ulid import ULID

__all__ = [
    "REQUEST_ID_PATTERN",
    "choose_request_id",
    "client_key",
    "error_response",
    "request_id_of",
    "standard_headers",
]

# A client's X-Request-Id is kept only when it is this safe (DOMAIN.md, request id).
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")


def choose_request_id(offered: str | None) -> str:
    """The client's id when well formed, else a new `req_<ULID>`."""
    if offered is not None and REQUEST_ID_PATTERN.fullmatch(offered):
        return offered
    return f"req_{ULID()}"


def client_key(connection: HTTPConnection) -> str:
    """The rate-limit bucket of a caller without a valid key: its address."""
    host = connection.client.host if connection.client else "unknown"
    return f"anon:{host}"


def request_id_of(connection: HTTPConnection) -> str:
    """The id the middleware chose for this request (a fresh one outside the middleware)."""
    state = connection.scope.setdefault("state", {})
    request_id = state.get("request_id")
    if not isinstance(request_id, str):
        request_id = choose_request_id(connection.headers.get("x-request-id"))
        state["request_id"] = request_id
    return request_id


def standard_headers(connection: HTTPConnection) -> dict[str, str]:
    """Request id, `Cache-Control: no-store` and the caller's rate-limit state."""
    headers = {"X-Request-Id": request_id_of(connection), "Cache-Control": "no-store"}
    state = connection.scope.get("state", {})
    rate = state.get("rate")
    if rate is None:
        # Nothing counted this request (an unknown route, a body too large): report the
        # caller's bucket as it stands, without counting.
        services = getattr(connection.app.state, "services", None)
        if services is not None:
            rate = services.limiter.peek(client_key(connection))
    if rate is not None:
        headers.update(rate.headers())
    return headers


def error_response(
    connection: HTTPConnection, body: BaseModel, *, status: int, headers: Mapping[str, str]
) -> Response:
    """An error body in any dialect's envelope, with the standard headers every response has."""
    merged = {**standard_headers(connection), **headers}
    if status == 401:
        # RFC 6750 3: a 401 tells the client which scheme to use.
        merged.setdefault("WWW-Authenticate", "Bearer")
    return Response(
        body.model_dump_json(by_alias=True),
        status_code=status,
        headers=merged,
        media_type="application/json",
    )
