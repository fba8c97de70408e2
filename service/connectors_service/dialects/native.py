"""The native Connectors API (`/v1/connectors`) on the generated server stubs."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import MISSING
from starlette.concurrency import run_in_threadpool

from connectors_service.auth import authenticate_bearer, principal_of
from connectors_service.context import request_id_of
from connectors_service.errors import not_found, render_native_error, unprocessable
from connectors_service.secrets import SecretNotSetError, mask_data, merge_data
from connectors_service.store import ConnectorRecord, Principal, Store, new_id, utc_now
from generated.connectors import models
from generated.connectors.server import ApiError, Problem, Reply

__all__ = ["NativeConnectors"]

# Optimistic writes retry this often when another writer got in between (no If-Match sent).
_WRITE_ATTEMPTS = 5


class NativeConnectors:
    """Implements `generated.connectors.server.Implementation` over the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        """Bearer API keys are the only scheme the spec declares."""
        await authenticate_bearer(request, self._store, scopes=scopes)

    def render_error(self, request: Request, error: ApiError) -> Response:
        """Errors in seed 001's envelope."""
        return render_native_error(request, error)

    async def create_connector(
        self, request: Request, *, x_request_id: str | None, body: models.ConnectorCreate
    ) -> Reply[models.ConnectorEnvelope]:
        """Create a connector in the caller's organization."""
        principal = principal_of(request)
        sent = body.data if body.data is not MISSING else {}
        try:
            data = merge_data(sent, {})
        except SecretNotSetError as exc:
            raise unprocessable([_secret_not_set(exc)]) from None
        now = utc_now()
        record = ConnectorRecord(
            id=new_id("con"),
            organization_id=principal.organization_id,
            name=body.name.strip(),
            description=_optional(body.description),
            provider=body.provider,
            type=body.type,
            service_name=None,
            icon_url=None,
            fields=None,
            http=None,
            data=data,
            version=1,
            created_at=now,
            created_by=principal.principal_id,
            updated_at=now,
            updated_by=principal.principal_id,
        )
        stored = await run_in_threadpool(self._store.insert_connector, record)
        headers = {"Location": f"/v1/connectors/{stored.id}"}
        return self._reply(request, stored, status=201, headers=headers)

    async def get_connector(
        self, request: Request, *, id: str, x_request_id: str | None
    ) -> Reply[models.ConnectorEnvelope]:
        """One connector; another organization's is 404."""
        principal = principal_of(request)
        record = await self._load(principal, id)
        return self._reply(request, record, status=200)

    async def update_connector(
        self, request: Request, *, id: str, x_request_id: str | None, body: models.ConnectorUpdate
    ) -> Reply[models.ConnectorEnvelope]:
        """Replace the members sent; a write that changes nothing keeps version and ETag."""
        principal = principal_of(request)
        for _ in range(_WRITE_ATTEMPTS):
            current = await self._load(principal, id)
            changed = _apply_update(current, body)
            if changed == current:
                return self._reply(request, current, status=200)
            updated = dataclasses.replace(
                changed,
                version=current.version + 1,
                updated_at=utc_now(),
                updated_by=principal.principal_id,
            )
            stored = await run_in_threadpool(
                functools.partial(
                    self._store.replace_connector, updated, expected_version=current.version
                )
            )
            if stored is not None:
                return self._reply(request, stored, status=200)
        raise ApiError(
            503, "SERVICE_UNAVAILABLE", "The connector is being changed by others; retry."
        )

    async def _load(self, principal: Principal, connector_id: str) -> ConnectorRecord:
        record = await run_in_threadpool(
            lambda: self._store.get_connector(
                organization_id=principal.organization_id, connector_id=connector_id
            )
        )
        if record is None:
            raise not_found()
        return record

    def _reply(
        self,
        request: Request,
        record: ConnectorRecord,
        *,
        status: int,
        headers: dict[str, str] | None = None,
    ) -> Reply[models.ConnectorEnvelope]:
        envelope = models.ConnectorEnvelope(
            code=status,
            message="success",
            data=to_connector(record),
            requestId=request_id_of(request),
        )
        return Reply(
            status=status, body=envelope, headers={"ETag": f'"{record.version}"', **(headers or {})}
        )


def to_connector(record: ConnectorRecord) -> models.Connector:
    """The read view of a stored connector: `data` masked, never returned as is."""
    return models.Connector(
        id=record.id,
        organizationId=record.organization_id,
        name=record.name,
        description=record.description,
        provider=record.provider,
        type=record.type,
        maskedData=mask_data(record.data),
        version=record.version,
        createdAt=record.created_at,
        createdBy=record.created_by,
        updatedAt=record.updated_at,
        updatedBy=record.updated_by,
    )


def _apply_update(current: ConnectorRecord, body: models.ConnectorUpdate) -> ConnectorRecord:
    problems: list[Problem] = []
    for member, stored in (("provider", current.provider), ("type", current.type)):
        sent = getattr(body, member)
        if sent is not MISSING and sent != stored:
            problems.append(
                Problem(f"/{member}", "IMMUTABLE_FIELD", f"{member} is set on create only.")
            )
    data = current.data
    if body.data is not MISSING:
        try:
            data = merge_data(body.data, current.data)
        except SecretNotSetError as exc:
            problems.append(_secret_not_set(exc))
    if problems:
        raise unprocessable(problems)
    return dataclasses.replace(
        current,
        name=body.name.strip() if body.name is not MISSING else current.name,
        description=_optional(body.description)
        if body.description is not MISSING
        else current.description,
        data=data,
    )


def _optional(value: Any) -> Any:
    return None if value is MISSING else value


def _secret_not_set(exc: SecretNotSetError) -> Problem:
    return Problem(
        f"/data{exc.pointer}", "SECRET_NOT_SET", "The mask was sent for a secret that is not set."
    )
