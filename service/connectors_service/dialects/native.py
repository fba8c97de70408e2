"""The native Connectors API (`/v1/connectors`) on the generated server stubs."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from connectors_service.context import request_id_of
from connectors_service.dialects._common import (
    StoredResponse,
    off_loop,
    refuse_held_key,
    run_idempotent,
)
from connectors_service.dialects._native_mapping import (
    changes_from_create,
    changes_from_patch,
    changes_from_update,
    to_connector,
)
from connectors_service.domain import (
    Changes,
    ConnectorView,
    DomainError,
    Violation,
    merge_patch,
    test_connector,
    view_of,
)
from connectors_service.errors import render_native_error
from connectors_service.services import Services
from connectors_service.store import (
    ConnectorRecord,
    Principal,
    utc_now,
)
from generated.connectors import models
from generated.connectors.server import ApiError, Problem, Reply

__all__ = ["NativeConnectors", "native_error"]

_DEFAULT_LIMIT = 20


def native_error(error: DomainError) -> ApiError:
    """A domain refusal as the native dialect's ApiError."""
    problems = [Problem(field=v.field, code=v.code, message=v.message) for v in error.violations]
    return ApiError(
        error.status, error.code, error.message, problems=problems, headers=error.headers
    )


class NativeConnectors:
    """Implements `generated.connectors.server.Implementation` over the shared services."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._store = services.store

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        """Bearer API keys are the only scheme the spec declares."""
        await self._services.authenticate(request, scopes=scopes)

    def render_error(self, request: Request, error: ApiError) -> Response:
        """Errors in seed 001's envelope."""
        return render_native_error(request, error)

    async def check_before_body(
        self, request: Request, *, operation: str, parameters: Mapping[str, Any]
    ) -> None:
        """DOMAIN.md's order for a refused body: idempotency, then 404, then 412 come first."""
        principal = self._services.principal(request)
        key = parameters.get("idempotency_key")
        if isinstance(key, str):
            await refuse_held_key(
                self._store,
                organization_id=principal.organization_id,
                method=request.method,
                path=request.url.path,
                key=key,
            )
        connector_id = parameters.get("id")
        if isinstance(connector_id, str):
            current = await self._services.load(principal, connector_id=connector_id)
            if_match = parameters.get("if_match")
            if isinstance(if_match, str) and not view_of(current).matches(if_match):
                raise DomainError.precondition_failed()

    async def list_connectors(
        self,
        request: Request,
        *,
        cursor: str | None,
        limit: int | None,
        order: str | None,
        provider: str | None,
        type: str | None,
        x_request_id: str | None,
    ) -> Reply[models.ConnectorListEnvelope]:
        """A page of the organization's connectors, keyset-paginated by id."""
        principal = self._services.principal(request)
        size = limit or _DEFAULT_LIMIT
        descending = order == "desc"
        # One more than asked tells whether another page follows.
        records = await off_loop(
            lambda: self._store.list_connectors(
                organization_id=principal.organization_id,
                limit=size + 1,
                after_id=f"con_{cursor}" if cursor else None,
                descending=descending,
                provider=provider,
                type=type,
            )
        )
        page = records[:size]
        next_cursor = page[-1].id.removeprefix("con_") if len(records) > size else None
        data = models.ConnectorPage(
            items=[to_connector(view_of(self._services.reveal(r))) for r in page],
            nextCursor=next_cursor,
        )
        envelope = models.ConnectorListEnvelope(
            code=200, message="success", data=data, requestId=request_id_of(request)
        )
        return Reply(status=200, body=envelope)

    async def create_connector(
        self,
        request: Request,
        *,
        idempotency_key: str | None,
        x_request_id: str | None,
        body: models.ConnectorCreateRequest,
    ) -> Reply[models.ConnectorEnvelope]:
        """Create a connector in the caller's organization."""
        principal = self._services.principal(request)
        changes = changes_from_create(body)

        async def create() -> StoredResponse:
            stored = await self._services.create(principal, changes)
            return self._stored(request, stored, status=201, location=True)

        return await self._idempotent(request, principal, idempotency_key, body, "POST", create)

    async def get_connector(
        self, request: Request, *, id: str, if_none_match: str | None, x_request_id: str | None
    ) -> Reply[models.ConnectorEnvelope]:
        """One connector; 304 when If-None-Match names its current ETag."""
        principal = self._services.principal(request)
        record = await self._services.load(principal, connector_id=id)
        view = view_of(record)
        if if_none_match is not None and view.matches(if_none_match):
            return Reply(status=304, body=None, headers={"ETag": view.etag})
        return self._reply(request, record, status=200, view=view)

    async def update_connector(
        self,
        request: Request,
        *,
        id: str,
        if_match: str | None,
        x_request_id: str | None,
        body: models.ConnectorUpdateRequest,
    ) -> Reply[models.ConnectorEnvelope]:
        """Replace the members sent; a write that changes nothing keeps version and ETag."""
        principal = self._services.principal(request)
        changes = changes_from_update(body)
        record = await self._services.change(
            principal, lambda current: changes, connector_id=id, if_match=if_match
        )
        return self._reply(request, record, status=200)

    async def patch_connector(
        self,
        request: Request,
        *,
        id: str,
        idempotency_key: str | None,
        if_match: str | None,
        x_request_id: str | None,
        body: models.ConnectorPatch,
    ) -> Reply[models.ConnectorEnvelope]:
        """Apply a JSON Merge Patch (RFC 7396) under the same rules as PUT."""
        principal = self._services.principal(request)
        patch = changes_from_patch(body)

        async def apply() -> StoredResponse:
            record = await self._services.change(
                principal,
                lambda current: _merged(current, patch),
                connector_id=id,
                if_match=if_match,
            )
            return self._stored(request, record, status=200)

        return await self._idempotent(request, principal, idempotency_key, body, "PATCH", apply)

    async def delete_connector(
        self, request: Request, *, id: str, if_match: str | None, x_request_id: str | None
    ) -> Reply[None]:
        """Delete the connector; a second delete is 404."""
        principal = self._services.principal(request)
        if if_match is not None:
            current = await self._services.load(principal, connector_id=id)
            if not view_of(current).matches(if_match):
                raise DomainError.precondition_failed()
        deleted = await off_loop(
            lambda: self._store.delete_connector(
                organization_id=principal.organization_id, connector_id=id
            )
        )
        if not deleted:
            raise DomainError.not_found()
        return Reply(status=204, body=None)

    async def test_connector(
        self, request: Request, *, id: str, x_request_id: str | None
    ) -> Reply[models.ConnectorTestEnvelope]:
        """Check the stored configuration against its definitions and template."""
        principal = self._services.principal(request)
        record = await self._services.load(principal, connector_id=id)
        # The test checks values against user patterns: never on the event loop.
        outcome = await off_loop(lambda: test_connector(record, now=utc_now()))
        result = models.ConnectorTestResult.model_validate_json(
            json.dumps(
                {
                    "status": outcome.status,
                    "testedAt": outcome.tested_at.isoformat(),
                    "steps": [dataclasses.asdict(step) for step in outcome.steps],
                }
            )
        )
        envelope = models.ConnectorTestEnvelope(
            code=200, message="success", data=result, requestId=request_id_of(request)
        )
        return Reply(status=200, body=envelope)

    async def _idempotent(
        self,
        request: Request,
        principal: Principal,
        key: str | None,
        body: Any,
        method: str,
        run: Callable[[], Awaitable[StoredResponse]],
    ) -> Reply[models.ConnectorEnvelope]:
        payload = body.model_dump(mode="json", by_alias=True)
        response, replayed = await run_idempotent(
            self._store,
            organization_id=principal.organization_id,
            method=method,
            path=request.url.path,
            key=key,
            payload=payload,
            run=run,
        )
        envelope = models.ConnectorEnvelope.model_validate_json(response.body)
        headers = dict(response.headers)
        if replayed:
            envelope = envelope.model_copy(update={"requestId": request_id_of(request)})
            headers["Idempotent-Replayed"] = "true"
        return Reply(status=response.status, body=envelope, headers=headers)

    def _stored(
        self, request: Request, record: ConnectorRecord, *, status: int, location: bool = False
    ) -> StoredResponse:
        reply = self._reply(request, record, status=status)
        headers = dict(reply.headers)
        if location:
            headers["Location"] = f"/v1/connectors/{record.id}"
        assert reply.body is not None
        return StoredResponse(
            status=status, headers=headers, body=reply.body.model_dump_json(by_alias=True)
        )

    def _reply(
        self,
        request: Request,
        record: ConnectorRecord,
        *,
        status: int,
        view: ConnectorView | None = None,
    ) -> Reply[models.ConnectorEnvelope]:
        view = view or view_of(record)
        envelope = models.ConnectorEnvelope(
            code=status,
            message="success",
            data=to_connector(view),
            requestId=request_id_of(request),
        )
        return Reply(status=status, body=envelope, headers={"ETag": view.etag})


def _merged(current: ConnectorRecord, patch: Changes) -> Changes:
    """The patch's `http` merged into the stored one (RFC 7396 section 2), valid as a whole.

    `http` is the one object member besides `data` (which merges under the secret rules in
    the domain); the result must be a valid HttpTemplate. Whether it is depends on what is
    stored (`{"http": {}}` is complete for a connector with a template, not for one without),
    so a merged template that is not valid is 422, DOMAIN.md's status for a well-formed request
    that breaks a rule needing stored state; the patch itself met its schema.
    """
    if not isinstance(patch.http, dict):
        return patch
    merged = merge_patch(current.http, patch.http)
    try:
        template = models.HttpTemplate.model_validate_json(json.dumps(merged))
    except ValidationError as exc:
        problems = [
            Violation(
                "/http" + "".join(f"/{part}" for part in error["loc"]),
                "INVALID_MERGED_TEMPLATE",
                "The template after the merge patch is not a valid HttpTemplate.",
            )
            for error in exc.errors(include_input=False, include_url=False)
        ]
        raise DomainError.unprocessable(problems) from None
    return dataclasses.replace(patch, http=template.model_dump(mode="json", by_alias=True))
