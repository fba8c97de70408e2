"""The native error envelope (seed 001's `{meta, error}`) and the errors the service raises."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import Request
from fastapi.responses import Response

from connectors_service.context import request_id_of, standard_headers
from generated.connectors import models
from generated.connectors.server import ApiError, Problem

__all__ = ["not_found", "render_native_error", "unprocessable"]


def render_native_error(request: Request, error: ApiError) -> Response:
    """`{meta: {request_id}, error: {code, message, details?}}` with the standard headers."""
    request_id = request_id_of(request)
    body = models.ErrorEnvelope(
        meta=models.ErrorMeta(request_id=request_id),
        error=_error_body(error),
    )
    headers = {**standard_headers(request_id), **error.headers}
    if error.status == 401:
        # RFC 6750 3: a 401 tells the client which scheme to use.
        headers.setdefault("WWW-Authenticate", "Bearer")
    return Response(
        body.model_dump_json(by_alias=True),
        status_code=error.status,
        headers=headers,
        media_type="application/json",
    )


def _error_body(error: ApiError) -> models.ErrorBody:
    if error.problems:
        details = [
            models.ErrorDetail(field=p.field, code=p.code, message=p.message)
            for p in error.problems
        ]
        return models.ErrorBody(code=error.code, message=error.message, details=details)
    return models.ErrorBody(code=error.code, message=error.message)


def not_found() -> ApiError:
    """404 for a connector that does not exist in the caller's organization."""
    return ApiError(404, "NOT_FOUND", "The requested resource was not found.")


def unprocessable(
    problems: Sequence[Problem], *, headers: Mapping[str, str] | None = None
) -> ApiError:
    """422 with every rule the request breaks, one detail each."""
    return ApiError(
        422,
        "UNPROCESSABLE_ENTITY",
        "The request breaks a rule of the API.",
        problems=problems,
        headers=headers,
    )
