"""The native error envelope (seed 001's `{meta, error}`)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from connectors_service.context import request_id_of, standard_headers
from generated.connectors import models
from generated.connectors.server import ApiError

__all__ = ["render_native_error"]


def render_native_error(request: Request, error: ApiError) -> Response:
    """`{meta: {request_id}, error: {code, message, details?}}` with the standard headers."""
    body = models.ErrorEnvelope(
        meta=models.ErrorMeta(request_id=request_id_of(request)), error=_error_body(error)
    )
    headers = {**standard_headers(request), **error.headers}
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
