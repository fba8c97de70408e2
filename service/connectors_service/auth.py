"""Bearer API-key authentication and scope checks."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from connectors_service.store import Principal, Store
from generated.connectors.server import ApiError

__all__ = ["authenticate_bearer", "principal_of"]


async def authenticate_bearer(
    request: Request, store: Store, *, scopes: Sequence[str]
) -> Principal:
    """The principal of the request's API key; 401 without a valid key, 403 without the scopes."""
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    # RFC 6750 2.1: the scheme is case-insensitive; the token itself is opaque.
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(401, "UNAUTHORIZED", "Authentication is required.")
    principal = await run_in_threadpool(store.resolve_api_key, key.strip())
    if principal is None:
        raise ApiError(401, "UNAUTHORIZED", "The API key is not valid.")
    request.state.principal = principal
    missing = [scope for scope in scopes if scope not in principal.scopes]
    if missing:
        raise ApiError(403, "FORBIDDEN", f"The API key lacks the scope {missing[0]}.")
    return principal


def principal_of(request: Request) -> Principal:
    """The principal `authenticate_bearer` stored on the request."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise ApiError(401, "UNAUTHORIZED", "Authentication is required.")
    return principal
