"""The service's shared parts, built once per app: store, rate limiter, secret box, auth."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from connectors_service.context import client_key
from connectors_service.crypto import SecretBox, open_data
from connectors_service.domain import (
    Changes,
    DomainError,
    SecretRules,
    change_connector,
    new_connector,
    view_of,
)
from connectors_service.keycache import KeyCache
from connectors_service.ratelimit import RateLimiter
from connectors_service.store import (
    ConnectorRecord,
    DuplicateServiceName,
    Principal,
    Rewrite,
    Store,
    new_id,
    utc_now,
)

__all__ = ["Services"]

# Optimistic writes without If-Match retry this often when another writer got in between.
_WRITE_ATTEMPTS = 8
# Seconds a client waits after those attempts all lost: the other writers are done by then.
_CONTENTION_RETRY_AFTER = "1"


@dataclass(frozen=True, slots=True)
class Services:
    """What every dialect works with; one instance per app."""

    store: Store
    limiter: RateLimiter
    box: SecretBox
    keys: KeyCache

    async def authenticate(
        self, request: Request, *, scopes: Sequence[str], api_key: str | None = None
    ) -> Principal:
        """401 → 429 → 403, in that order (DOMAIN.md); the principal is kept on the request.

        The key comes from `Authorization: Bearer …` unless the dialect passes another one.
        """
        key = api_key if api_key is not None else _bearer(request)
        principal = await self._resolve(key) if key else None
        if principal is None:
            request.state.rate = self.limiter.hit(client_key(request))
            raise DomainError(401, "UNAUTHORIZED", "Authentication is required.")
        rate = self.limiter.hit(principal.organization_id)
        request.state.rate = rate
        if not rate.allowed:
            raise DomainError(
                429,
                "TOO_MANY_REQUESTS",
                "Rate limit exceeded. Retry later.",
                headers={"Retry-After": str(rate.retry_after)},
            )
        request.state.principal = principal
        missing = [scope for scope in scopes if scope not in principal.scopes]
        if missing:
            raise DomainError(403, "FORBIDDEN", f"The API key lacks the scope {missing[0]}.")
        return principal

    async def _resolve(self, key: str) -> Principal | None:
        principal = self.keys.get(key)
        if principal is None:
            principal = await run_in_threadpool(self.store.resolve_api_key, key)
            if principal is not None:
                self.keys.put(key, principal)
        return principal

    def principal(self, request: Request) -> Principal:
        """The principal `authenticate` kept on the request."""
        principal = getattr(request.state, "principal", None)
        if not isinstance(principal, Principal):
            raise DomainError(401, "UNAUTHORIZED", "Authentication is required.")
        return principal

    async def load(
        self,
        principal: Principal,
        *,
        connector_id: str | None = None,
        service_name: str | None = None,
    ) -> ConnectorRecord:
        """The organization's connector by id or by service name, secrets revealed; else 404."""
        organization_id = principal.organization_id
        if connector_id is not None:
            found = await run_in_threadpool(
                lambda: self.store.get_connector(
                    organization_id=organization_id, connector_id=connector_id
                )
            )
        else:
            found = await run_in_threadpool(
                lambda: self.store.get_connector_by_service_name(
                    organization_id=organization_id, service_name=str(service_name)
                )
            )
        if found is None:
            raise DomainError.not_found()
        return self.reveal(found)

    async def create(self, principal: Principal, changes: Changes) -> ConnectorRecord:
        """A new connector from a create request; 409 when its service name is taken."""
        # The domain's checks run user patterns, so they too stay off the event loop.
        return await run_in_threadpool(self._create, principal, changes)

    def _create(self, principal: Principal, changes: Changes) -> ConnectorRecord:
        record = new_connector(
            changes,
            connector_id=new_id("con"),
            organization_id=principal.organization_id,
            principal_id=principal.principal_id,
            now=utc_now(),
        )
        try:
            stored = self.store.insert_connector(self.seal(record))
        except DuplicateServiceName:
            raise DomainError(
                409,
                "CONFLICT_ERROR",
                "Another connector of the organization has this service name.",
            ) from None
        # What was just sealed is `record` itself: no need to decrypt it again.
        return dataclasses.replace(stored, data=record.data, fields=record.fields)

    async def change(
        self,
        principal: Principal,
        changes_for: Callable[[ConnectorRecord], Changes],
        *,
        connector_id: str | None = None,
        service_name: str | None = None,
        if_match: str | None = None,
    ) -> ConnectorRecord:
        """Apply a write to the connector with optimistic concurrency: no update is ever lost.

        With If-Match, a version other than the one named is 412; without it, a write that
        lost a race is read again and re-applied. 404 when there is no such connector.
        """
        # The whole read-modify-write runs in one thread-pool hop: every hop is a wait for
        # the event loop's thread and, under load, for the GIL.
        return await run_in_threadpool(
            functools.partial(
                self._change,
                principal,
                changes_for,
                connector_id=connector_id,
                service_name=service_name,
                if_match=if_match,
            )
        )

    def _change(
        self,
        principal: Principal,
        changes_for: Callable[[ConnectorRecord], Changes],
        *,
        connector_id: str | None,
        service_name: str | None,
        if_match: str | None,
    ) -> ConnectorRecord:
        # `rewrite` runs inside the store's transaction; what it settled on is kept here, so
        # that the answer needs neither a read-back nor decrypting what was just sealed.
        result: list[ConnectorRecord] = []

        def rewrite(stored: ConnectorRecord) -> ConnectorRecord | None:
            result.clear()
            current = self.reveal(stored)
            if if_match is not None and not view_of(current).matches(if_match):
                raise DomainError.precondition_failed()
            updated = change_connector(
                current, changes_for(current), principal_id=principal.principal_id, now=utc_now()
            )
            # `updated` is what a read would return afterwards, secrets revealed (timestamps
            # are already at the stored precision).
            result.append(updated)
            return None if updated is current else self.seal(updated)

        for _ in range(_WRITE_ATTEMPTS):
            outcome = self.store.rewrite_connector(
                rewrite,
                organization_id=principal.organization_id,
                connector_id=connector_id,
                service_name=service_name,
            )
            if outcome is Rewrite.NOT_FOUND:
                raise DomainError.not_found()
            if outcome is Rewrite.DONE:
                return result[0]
            if if_match is not None:
                # Another writer changed it after our read: the caller's ETag is stale now.
                raise DomainError.precondition_failed()
        # RFC 9110 15.6.4 and 10.2.3: a 503 says when to come back.
        raise DomainError(
            503,
            "SERVICE_UNAVAILABLE",
            "The connector is being changed by others; retry.",
            headers={"Retry-After": _CONTENTION_RETRY_AFTER},
        )

    def seal(self, record: ConnectorRecord) -> ConnectorRecord:
        """The record as stored: every secret value encrypted (DOMAIN.md, secrets at rest).

        What is a secret is the domain's one decision (`SecretRules.replace_secrets`), the same
        walk that masks on read, so nothing is masked that rests in clear or the reverse.
        """
        rules = SecretRules.from_fields(record.fields)
        sealed = rules.replace_secrets(record.data, self.box.seal)
        return dataclasses.replace(record, data=sealed, fields=self._seal_defaults(record.fields))

    def reveal(self, record: ConnectorRecord) -> ConnectorRecord:
        """The record as the domain works with it: secrets decrypted, in memory only."""
        fields = None
        if record.fields is not None:
            fields = [open_data(field, self.box) for field in record.fields]
        return dataclasses.replace(record, data=open_data(record.data, self.box), fields=fields)

    def _seal_defaults(self, fields: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        # A secret field's default is a secret too, so it is encrypted like the values.
        if fields is None:
            return None
        return [
            {**field, "default": self.box.seal(field["default"])}
            if field.get("secret") is True and isinstance(field.get("default"), str)
            else field
            for field in fields
        ]


def _bearer(request: Request) -> str | None:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    # RFC 6750 2.1: the scheme is case-insensitive; the token itself is opaque.
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return key.strip()
