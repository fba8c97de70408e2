"""Supermetrics models ↔ the domain: request bodies to Changes, views to read models, errors."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import MISSING

from connectors_service.domain import UNSET, Changes, ConnectorView, DomainError, Violation
from generated.supermetrics import models
from generated.supermetrics.server import ApiError, Problem

__all__ = [
    "PROVIDER",
    "TYPE",
    "changes_from_create",
    "changes_from_update",
    "supermetrics_error",
    "to_connector",
]

# The Supermetrics body has neither provider nor type, yet the store requires both; the spec's
# createConnector documents these values, which the other dialects show.
PROVIDER = "supermetrics"
TYPE = "source"

# The spec allows one code per status (ErrorCode.yaml); a domain code outside the enum, such as
# PRECONDITION_FAILED or IDEMPOTENCY_KEY_IN_USE, is sent as its status's code.
_CODE_OF_STATUS = {
    400: models.ErrorCode.BAD_REQUEST,
    401: models.ErrorCode.UNAUTHORIZED,
    403: models.ErrorCode.FORBIDDEN,
    404: models.ErrorCode.NOT_FOUND,
    405: models.ErrorCode.METHOD_NOT_ALLOWED,
    409: models.ErrorCode.CONFLICT_ERROR,
    412: models.ErrorCode.CONFLICT_ERROR,
    413: models.ErrorCode.PAYLOAD_TOO_LARGE,
    415: models.ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: models.ErrorCode.UNPROCESSABLE_ENTITY,
    429: models.ErrorCode.TOO_MANY_REQUESTS,
    500: models.ErrorCode.INTERNAL_SERVER_ERROR,
    503: models.ErrorCode.SERVICE_UNAVAILABLE,
}
_KNOWN_CODES = frozenset(code.value for code in models.ErrorCode)

# Domain pointers name native members; these are where the same members sit in this dialect.
_POINTERS = (
    ("/data", "/configuration/configuration_json"),
    ("/name", "/connector/name"),
    ("/description", "/connector/description"),
)


def changes_from_create(body: models.ConnectorCreateRequest) -> Changes:
    """The changes of a create body; provider and type are this dialect's fixed ones."""
    configuration = body.configuration
    return Changes(
        name=body.connector.name,
        description=body.connector.description,
        provider=PROVIDER,
        type=TYPE,
        data=UNSET if configuration is MISSING else configuration.configuration_json,
    )


def changes_from_update(body: models.ConnectorUpdateRequest) -> Changes:
    """The changes of a PUT body: an absent `connector` or `configuration` keeps what is stored."""
    connector = body.connector
    configuration = body.configuration
    if connector is MISSING:
        return Changes(data=UNSET if configuration is MISSING else configuration.configuration_json)
    return Changes(
        name=connector.name,
        description=connector.description,
        data=UNSET if configuration is MISSING else configuration.configuration_json,
    )


def to_connector(view: ConnectorView, *, team_id: int) -> models.Connector:
    """The read model of a connector view: `configuration_json` is the masked data."""
    record = view.record
    payload = {
        "connector_identifier": record.id,
        "team_id": team_id,
        "name": record.name,
        "description": record.description,
        "configuration": {"configuration_json": view.masked_data},
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }
    # Through JSON, as a client would read it: the models are strict about Python types.
    return models.Connector.model_validate_json(json.dumps(payload))


def supermetrics_error(error: DomainError) -> ApiError:
    """A domain refusal as this dialect's ApiError, its violations as problems of its members."""
    problems = [_problem(v) for v in error.violations]
    status = error.status
    if any(v.code == "DATA_TOO_LARGE" for v in error.violations):
        # The spec answers an oversized configuration_json with 413, as an oversized body.
        status = 413
    code = error.code if status == error.status and error.code in _KNOWN_CODES else None
    if code is None:
        fallback = (
            models.ErrorCode.INTERNAL_SERVER_ERROR
            if status >= 500
            else models.ErrorCode.BAD_REQUEST
        )
        code = _CODE_OF_STATUS.get(status, fallback).value
    message = "The request body is too large." if status == 413 else error.message
    return ApiError(status, code, message, problems=problems, headers=error.headers)


def describe_problems(problems: Sequence[Problem]) -> str | None:
    """Every problem as `<member>: <message>`, one after another; None when there is none."""
    if not problems:
        return None
    return " ".join(_sentence(f"{p.field}: {p.message}") for p in problems)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _problem(violation: Violation) -> Problem:
    field = violation.field
    for native, ours in _POINTERS:
        if field == native or field.startswith(f"{native}/"):
            field = ours + field[len(native) :]
            break
    # Violation messages are written without values, so no secret reaches the description.
    return Problem(field=field, code=violation.code, message=violation.message)
