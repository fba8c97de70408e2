"""The service's shared parts, built once per app: store, rate limiter, secret box, auth."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from connectors_service.crypto import SecretBox, open_data, seal_data
from connectors_service.domain import DomainError, SecretRules
from connectors_service.ratelimit import RateLimiter
from connectors_service.store import ConnectorRecord, Principal, Store

__all__ = ["Services", "client_key"]


def client_key(request: Request) -> str:
    """The rate-limit bucket of a caller without a valid key: its address."""
    host = request.client.host if request.client else "unknown"
    return f"anon:{host}"


@dataclass(frozen=True, slots=True)
class Services:
    """What every dialect works with; one instance per app."""

    store: Store
    limiter: RateLimiter
    box: SecretBox

    async def authenticate(
        self, request: Request, *, scopes: Sequence[str], api_key: str | None = None
    ) -> Principal:
        """401 → 429 → 403, in that order (DOMAIN.md); the principal is kept on the request.

        The key comes from `Authorization: Bearer …` unless the dialect passes another one.
        """
        key = api_key if api_key is not None else _bearer(request)
        principal = await run_in_threadpool(self.store.resolve_api_key, key) if key else None
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

    def principal(self, request: Request) -> Principal:
        """The principal `authenticate` kept on the request."""
        principal = getattr(request.state, "principal", None)
        if not isinstance(principal, Principal):
            raise DomainError(401, "UNAUTHORIZED", "Authentication is required.")
        return principal

    def seal(self, record: ConnectorRecord) -> ConnectorRecord:
        """The record as stored: every secret value encrypted (DOMAIN.md, secrets at rest)."""
        rules = SecretRules.from_fields(record.fields)
        sealed = seal_data(
            record.data, lambda key, top: rules.is_secret(key, top_level=top), self.box
        )
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
            seal_data(field, lambda key, _top: key == "default", self.box)
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
