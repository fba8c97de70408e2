"""Storage of organizations, API keys and connectors behind a small repository interface."""

from connectors_service.store._clock import new_id, utc_now
from connectors_service.store._errors import (
    DuplicateOrganization,
    DuplicateServiceName,
    StoreError,
    StoreUnavailable,
    UnknownOrganization,
)
from connectors_service.store._idempotency import (
    IdempotencyOutcome,
    InFlight,
    Replay,
    Reused,
    Started,
)
from connectors_service.store._records import ApiKeyInfo, ConnectorRecord, Organization, Principal
from connectors_service.store._repository import SCOPES, Rewrite, Store
from connectors_service.store._tables import metadata

__all__ = [
    "SCOPES",
    "ApiKeyInfo",
    "ConnectorRecord",
    "DuplicateOrganization",
    "DuplicateServiceName",
    "IdempotencyOutcome",
    "InFlight",
    "Organization",
    "Principal",
    "Replay",
    "Reused",
    "Rewrite",
    "Started",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "UnknownOrganization",
    "metadata",
    "new_id",
    "utc_now",
]
