"""Per-request facts the middleware decides once: the request id and the standard headers."""

from __future__ import annotations

import re

from starlette.requests import HTTPConnection
from ulid import ULID

__all__ = ["REQUEST_ID_PATTERN", "choose_request_id", "request_id_of", "standard_headers"]

# A client's X-Request-Id is kept only when it is this safe (DOMAIN.md, request id).
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")


def choose_request_id(offered: str | None) -> str:
    """The client's id when well formed, else a new `req_<ULID>`."""
    if offered is not None and REQUEST_ID_PATTERN.fullmatch(offered):
        return offered
    return f"req_{ULID()}"


def request_id_of(connection: HTTPConnection) -> str:
    """The id the middleware chose for this request (a fresh one outside the middleware)."""
    state = connection.scope.setdefault("state", {})
    request_id = state.get("request_id")
    if not isinstance(request_id, str):
        request_id = choose_request_id(connection.headers.get("x-request-id"))
        state["request_id"] = request_id
    return request_id


def standard_headers(request_id: str) -> dict[str, str]:
    """Headers on every response."""
    return {"X-Request-Id": request_id, "Cache-Control": "no-store"}
