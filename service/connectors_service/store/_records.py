"""Immutable values the store returns; callers never see ORM objects."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Organization:
    """A tenant: every connector and API key belongs to exactly one."""

    id: str
    slug: str
    name: str
    team_number: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """An API key as listed: never the plaintext, never the hash."""

    id: str
    organization_id: str
    principal_id: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a valid API key speaks for."""

    organization_id: str
    principal_id: str
    team_number: int
    scopes: frozenset[str]


@dataclass(frozen=True, slots=True)
class ConnectorRecord:
    """A connector as stored: `data` holds the configuration values, secrets included."""

    id: str
    organization_id: str
    name: str
    description: str | None
    provider: str
    type: str
    service_name: str | None
    icon_url: str | None
    fields: list[dict[str, Any]] | None
    http: dict[str, Any] | None
    data: dict[str, Any]
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
