"""The Supermetrics Connector Builder dialect (`/v1/teams/{team_id}/…`) on its generated stubs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from connectors_service.context import error_response, request_id_of
from connectors_service.dialects._common import off_loop
from connectors_service.dialects._supermetrics_mapping import (
    changes_from_create,
    changes_from_update,
    describe_problems,
    supermetrics_error,
    to_connector,
)
from connectors_service.domain import DomainError, view_of
from connectors_service.services import Services
from connectors_service.store import Principal
from generated.supermetrics import models
from generated.supermetrics.server import ApiError, Reply

__all__ = ["SupermetricsConnectors", "render_supermetrics_error", "supermetrics_error"]

_DEFAULT_LIMIT = 20


def render_supermetrics_error(request: Request, error: ApiError) -> Response:
    """`{meta: {request_id}, error: {code, message, description?}}` with the standard headers."""
    description = describe_problems(error.problems)
    code = models.ErrorCode(error.code)
    body = (
        models.ErrorBody(code=code, message=error.message)
        if description is None
        else models.ErrorBody(code=code, message=error.message, description=description)
    )
    envelope = models.ErrorEnvelope(
        meta=models.ErrorMeta(request_id=request_id_of(request)), error=body
    )
    return error_response(request, envelope, status=error.status, headers=error.headers)


class SupermetricsConnectors:
    """Implements `generated.supermetrics.server.Implementation` over the shared services."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._store = services.store

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        """Either scheme of the spec: `Authorization: Bearer` wins, else `X-API-Key`."""
        api_key = None
        if "authorization" not in request.headers:
            api_key = request.headers.get("x-api-key")
        await self._services.authenticate(request, scopes=scopes, api_key=api_key)

    def render_error(self, request: Request, error: ApiError) -> Response:
        """Errors in seed 001's envelope."""
        return render_supermetrics_error(request, error)

    async def check_before_body(
        self, request: Request, *, operation: str, parameters: Mapping[str, Any]
    ) -> None:
        """DOMAIN.md's order for a refused body: another team or an unknown connector is 404."""
        team_id = parameters.get("team_id")
        if isinstance(team_id, int):
            principal = self._team_member(request, team_id)
            connector_id = parameters.get("connector_identifier")
            if isinstance(connector_id, str):
                await self._services.load(principal, connector_id=connector_id)

    async def list_connectors(
        self,
        request: Request,
        *,
        team_id: int,
        limit: int | None,
        offset: int | None,
        x_request_id: str | None,
    ) -> Reply[models.ConnectorList]:
        """A numbered page of the team's connectors, oldest first, with the team's count."""
        principal = self._team_member(request, team_id)
        organization_id = principal.organization_id
        count = await off_loop(
            lambda: self._store.count_connectors(organization_id=organization_id)
        )
        records = await off_loop(
            lambda: self._store.list_connectors_offset(
                organization_id=organization_id,
                offset=offset or 0,
                limit=limit or _DEFAULT_LIMIT,
            )
        )
        connectors = [
            to_connector(view_of(self._services.reveal(r)), team_id=team_id) for r in records
        ]
        return Reply(status=200, body=models.ConnectorList(count=count, connectors=connectors))

    async def create_connector(
        self,
        request: Request,
        *,
        team_id: int,
        x_request_id: str | None,
        body: models.ConnectorCreateRequest,
    ) -> Reply[models.Connector]:
        """Create a connector in the team; 201 with `Location`."""
        principal = self._team_member(request, team_id)
        stored = await self._services.create(principal, changes_from_create(body))
        location = f"/v1/teams/{team_id}/connector_builder/connectors/{stored.id}"
        return Reply(
            status=201,
            body=to_connector(view_of(stored), team_id=team_id),
            headers={"Location": location},
        )

    async def get_connector(
        self,
        request: Request,
        *,
        connector_identifier: str,
        team_id: int,
        x_request_id: str | None,
    ) -> Reply[models.Connector]:
        """One connector of the team, secrets masked."""
        principal = self._team_member(request, team_id)
        record = await self._services.load(principal, connector_id=connector_identifier)
        return Reply(status=200, body=to_connector(view_of(record), team_id=team_id))

    async def update_connector(
        self,
        request: Request,
        *,
        connector_identifier: str,
        team_id: int,
        x_request_id: str | None,
        body: models.ConnectorUpdateRequest,
    ) -> Reply[None]:
        """Replace the members sent; 204 without a body, as the seed documents."""
        principal = self._team_member(request, team_id)
        changes = changes_from_update(body)
        await self._services.change(
            principal, lambda current: changes, connector_id=connector_identifier
        )
        return Reply(status=204, body=None)

    async def delete_connector(
        self,
        request: Request,
        *,
        connector_identifier: str,
        team_id: int,
        x_request_id: str | None,
    ) -> Reply[None]:
        """Delete the connector; a second delete is 404."""
        principal = self._team_member(request, team_id)
        deleted = await off_loop(
            lambda: self._store.delete_connector(
                organization_id=principal.organization_id, connector_id=connector_identifier
            )
        )
        if not deleted:
            raise DomainError.not_found()
        return Reply(status=204, body=None)

    def _team_member(self, request: Request, team_id: int) -> Principal:
        principal = self._services.principal(request)
        # DOMAIN.md: another team's id is 404, never 403, so it reveals nothing about the team.
        if team_id != principal.team_number:
            raise DomainError.not_found()
        return principal
