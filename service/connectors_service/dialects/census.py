"""The Census dialect (seed 004, `/api/v1/connectors`) on the generated server stubs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import Response

from connectors_service.context import error_response
from connectors_service.dialects._census_mapping import (
    census_problems,
    changes_from_create,
    changes_from_update,
    definition_keys,
    to_census_connector,
)
from connectors_service.dialects._common import off_loop
from connectors_service.domain import DomainError, view_of
from connectors_service.services import Services
from connectors_service.store import (
    ConnectorRecord,
)
from generated.census import models
from generated.census.server import ApiError, Problem, Reply

__all__ = ["CensusConnectors", "census_error", "render_census_error"]

# The spec's defaults for `page`, `per_page` and `order`.
_DEFAULT_PAGE = 1
_DEFAULT_PER_PAGE = 25
# An error message lists at most this many problems, so it stays readable.
_MAX_PROBLEMS = 10
# Clearer words for schema problems than the validator's own.
_PROBLEM_MESSAGES = {
    "REQUIRED": "This member is required.",
    "UNKNOWN_MEMBER": "This member is not allowed.",
}


def census_error(error: DomainError) -> ApiError:
    """A domain refusal as the Census dialect's ApiError."""
    return census_problems(error)


def render_census_error(request: Request, error: ApiError) -> Response:
    """`{status: error|not_found, message}` with the standard headers."""
    body = models.Error(
        status=models.ErrorStatus.not_found if error.status == 404 else models.ErrorStatus.error,
        message=_message(error),
    )
    return error_response(request, body, status=error.status, headers=error.headers)


def _message(error: ApiError) -> str:
    # Census errors have no details member, so the problems go into the message. Problems
    # name where and which rule, never the value: it may be a secret.
    if not error.problems:
        return error.message
    listed = [_problem(p) for p in error.problems[:_MAX_PROBLEMS]]
    more = len(error.problems) - _MAX_PROBLEMS
    if more > 0:
        listed.append(f"and {more} more.")
    return f"{error.message.rstrip('.')}: {' '.join(listed)}"


def _problem(problem: Problem) -> str:
    text = _PROBLEM_MESSAGES.get(problem.code, problem.message)
    return f"{problem.field}: {text.rstrip('.')}."


class CensusConnectors:
    """Implements `generated.census.server.Implementation` over the shared services."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._store = services.store

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        """Bearer API tokens are the only scheme the spec declares."""
        await self._services.authenticate(request, scopes=scopes)

    def render_error(self, request: Request, error: ApiError) -> Response:
        """Errors in Census' `{status, message}` envelope."""
        return render_census_error(request, error)

    async def check_before_body(
        self, request: Request, *, operation: str, parameters: Mapping[str, Any]
    ) -> None:
        """DOMAIN.md's order for a refused body: an unknown service name is 404 first."""
        service_name = parameters.get("service_name")
        if isinstance(service_name, str):
            principal = self._services.principal(request)
            try:
                await self._services.load(principal, service_name=service_name)
            except DomainError as exc:
                raise _not_found(exc) from None

    async def list_connectors(
        self,
        request: Request,
        *,
        order: Literal["asc", "desc"] | None,
        page: int | None,
        per_page: int | None,
        x_request_id: str | None,
    ) -> Reply[models.ConnectorListResponse]:
        """A numbered page of the connectors that have a service name."""
        principal = self._services.principal(request)
        number = page or _DEFAULT_PAGE
        size = per_page or _DEFAULT_PER_PAGE
        organization_id = principal.organization_id
        total = await off_loop(
            lambda: self._store.count_connectors(
                organization_id=organization_id, with_service_name=True
            )
        )
        offset = (number - 1) * size
        records: list[ConnectorRecord] = []
        # A page past the end is empty without asking the store (its OFFSET could overflow).
        if offset < total:
            records = await off_loop(
                lambda: self._store.list_connectors_offset(
                    organization_id=organization_id,
                    offset=offset,
                    limit=size,
                    descending=order != "asc",
                    with_service_name=True,
                )
            )
        last_page = max(1, -(-total // size))
        pagination = models.Pagination(
            page=number,
            per_page=size,
            total_records=total,
            last_page=last_page,
            next_page=number + 1 if number < last_page else None,
            prev_page=number - 1 if number > 1 else None,
        )
        body = models.ConnectorListResponse(
            status="success",
            data=[to_census_connector(view_of(self._services.reveal(r))) for r in records],
            pagination=pagination,
        )
        return Reply(status=200, body=body)

    async def create_connector(
        self,
        request: Request,
        *,
        x_request_id: str | None,
        body: models.ConnectorCreateRequest,
    ) -> Reply[models.ConnectorCreatedResponse]:
        """Create a custom destination type; its service name must be free (409)."""
        principal = self._services.principal(request)
        service_name = body.connector.service_name
        try:
            stored = await self._services.create(principal, changes_from_create(body))
        except DomainError as exc:
            if exc.status == 409:
                message = f"A connector with service_name '{service_name}' already exists."
                raise DomainError(409, "CONFLICT_ERROR", message) from None
            raise census_problems(exc, definition_keys(body.connector)) from None
        data = to_census_connector(view_of(stored))
        return Reply(
            status=201,
            body=models.ConnectorCreatedResponse(status="created", data=data),
            headers={"Location": f"/api/v1/connectors/{service_name}"},
        )

    async def get_connector(
        self, request: Request, *, service_name: str, x_request_id: str | None
    ) -> Reply[models.ConnectorResponse]:
        """The custom destination type with this service name."""
        principal = self._services.principal(request)
        try:
            record = await self._services.load(principal, service_name=service_name)
        except DomainError as exc:
            raise _not_found(exc) from None
        body = models.ConnectorResponse(status="success", data=to_census_connector(view_of(record)))
        return Reply(status=200, body=body)

    async def update_connector(
        self,
        request: Request,
        *,
        service_name: str,
        x_request_id: str | None,
        body: models.ConnectorUpdateRequest,
    ) -> Reply[models.ConnectorUpdatedResponse]:
        """Replace the members sent; a write that changes nothing changes no version."""
        principal = self._services.principal(request)
        changes = changes_from_update(body)
        try:
            record = await self._services.change(
                principal, lambda current: changes, service_name=service_name
            )
        except DomainError as exc:
            if exc.status == 404:
                raise _not_found(exc) from None
            if exc.status != 422:
                raise
            raise census_problems(exc, definition_keys(body.connector)) from None
        body_out = models.ConnectorUpdatedResponse(
            status="updated", data=to_census_connector(view_of(record))
        )
        return Reply(status=200, body=body_out)


def _not_found(error: DomainError) -> DomainError:
    # Census' own wording for an unknown destination type.
    return DomainError(error.status, error.code, "Connector not found")
