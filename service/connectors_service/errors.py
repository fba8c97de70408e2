"""The native error envelope (seed 001's `{meta, error}`)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from connectors_service.context import error_response, request_id_of
from generated.connectors import models
from generated.connectors.server import ApiError

__all__ = ["render_native_error"]


def render_native_error(request: Request, error: ApiError) -> Response:
    """`{meta: {request_id}, error: {code, message, details?}}` with the standard headers."""
    body = models.ErrorEnvelope(
        meta=models.ErrorMeta(request_id=request_id_of(request)), error=_error_body(error)
    )
    return error_response(request, body, status=error.status, headers=error.headers)


def _error_body(error: ApiError) -> models.ErrorBody:
    if error.problems:
        details = [
            models.ErrorDetail(field=p.field, code=p.code, message=p.message)
            for p in error.problems
        ]
        return models.ErrorBody(code=error.code, message=error.message, details=details)
    return models.ErrorBody(code=error.code, message=error.message)
