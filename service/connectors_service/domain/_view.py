"""What a connector reads as: masked configuration and the derived read-only members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connectors_service.domain._secrets import MASK, SecretRules
from connectors_service.store import ConnectorRecord

__all__ = ["ConnectorView", "mask_field_defaults", "view_of"]


@dataclass(frozen=True, slots=True)
class ConnectorView:
    """A stored connector plus the members computed on every read; `data` is never here."""

    record: ConnectorRecord
    masked_data: dict[str, Any]
    # The field definitions as read: a secret field's default is itself a secret, masked.
    masked_fields: list[dict[str, Any]] | None
    auth_method: str
    documentation_slug: str
    creatable_via_api: bool
    creatable_via_connect_link: bool

    @property
    def etag(self) -> str:
        """The strong entity tag of this version (RFC 9110 8.8.3)."""
        return f'"{self.record.version}"'

    def matches(self, header: str) -> bool:
        """Whether an If-Match / If-None-Match list names this version (RFC 9110 13.1; `*` any)."""
        candidates = [part.strip() for part in header.split(",")]
        # Weak comparison (If-None-Match) and strong (If-Match) agree on our strong tags.
        return any(c == "*" or c.removeprefix("W/") == self.etag for c in candidates)


def mask_field_defaults(fields: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Definitions with the default of every secret field replaced by the mask."""
    if fields is None:
        return None
    return [
        {**field, "default": MASK} if field.get("secret") is True and "default" in field else field
        for field in fields
    ]


def view_of(record: ConnectorRecord) -> ConnectorView:
    """The read view of `record`."""
    rules = SecretRules.from_fields(record.fields)
    required = [f for f in record.fields or () if f.get("required") is True]
    return ConnectorView(
        record=record,
        masked_data=rules.mask(record.data),
        masked_fields=mask_field_defaults(record.fields),
        auth_method="credentials" if rules.has_secrets(record.data) else "other",
        documentation_slug=record.service_name or record.provider,
        creatable_via_api=True,
        creatable_via_connect_link=all(f.get("userEditable", True) is not False for f in required),
    )
