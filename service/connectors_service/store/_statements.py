"""The statements of the per-request paths, built once and run on a Core connection.

Building a statement, and the ORM around it, costs more Python than the single-row query it
runs: each `select(ConnectorRow).filter_by(…)` or `update(ConnectorRow).values(…)` is a new
object whose cache key SQLAlchemy recomputes over every value. These are made once with bound
parameters, so their compiled form is found at once (its cache key is memoized on the
statement), and their rows come back as plain tuples: no session, no identity map, no
instances to copy. Only the paths every request takes use them; the rest of the store keeps
the ORM.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, Table, Update, bindparam, select, update

from connectors_service.store._tables import ApiKeyRow, ConnectorRow, OrganizationRow

__all__ = [
    "CONNECTOR_BY_ID",
    "CONNECTOR_BY_SERVICE_NAME",
    "JSON_COLUMNS",
    "MUTABLE_COLUMNS",
    "PRINCIPAL_BY_KEY_HASH",
    "UPDATE_CONNECTOR_IF_VERSION",
    "connector_by",
    "update_parameters",
]


def _table(mapped: Any) -> Table:
    table = mapped.__table__
    assert isinstance(table, Table)
    return table


_connectors = _table(ConnectorRow)
_api_keys = _table(ApiKeyRow)
_organizations = _table(OrganizationRow)

CONNECTOR_BY_ID: Select[Any] = select(_connectors).where(
    _connectors.c.organization_id == bindparam("organization_id"),
    _connectors.c.id == bindparam("connector_id"),
)
CONNECTOR_BY_SERVICE_NAME: Select[Any] = select(_connectors).where(
    _connectors.c.organization_id == bindparam("organization_id"),
    _connectors.c.service_name == bindparam("service_name"),
)

PRINCIPAL_BY_KEY_HASH: Select[Any] = (
    select(
        _api_keys.c.organization_id,
        _api_keys.c.principal_id,
        _api_keys.c.scopes,
        _organizations.c.team_number,
    )
    .join(_organizations, _organizations.c.id == _api_keys.c.organization_id)
    .where(_api_keys.c.key_hash == bindparam("key_hash"), _api_keys.c.revoked_at.is_(None))
)

# The columns a write may change, each named as the record's attribute; id, organization_id and
# created_* identify the row and never change after insert.
MUTABLE_COLUMNS = (
    "name",
    "description",
    "provider",
    "type",
    "service_name",
    "icon_url",
    "fields",
    "http",
    "data",
    "version",
    "updated_at",
    "updated_by",
)
# Those of them that hold JSON.
JSON_COLUMNS = ("fields", "http", "data")

# The SET clause comes from the parameters of each execution (every mutable column); the
# WHERE clause's parameters are prefixed so that they cannot collide with a column's name.
UPDATE_CONNECTOR_IF_VERSION: Update = update(_connectors).where(
    _connectors.c.id == bindparam("where_id"),
    _connectors.c.organization_id == bindparam("where_organization_id"),
    _connectors.c.version == bindparam("where_version"),
)


def connector_by(
    *, organization_id: str, connector_id: str | None, service_name: str | None
) -> tuple[Select[Any], dict[str, str]]:
    """The lookup of one connector by id, else by service name, and its parameters."""
    if connector_id is not None:
        return CONNECTOR_BY_ID, {"organization_id": organization_id, "connector_id": connector_id}
    if service_name is not None:
        return CONNECTOR_BY_SERVICE_NAME, {
            "organization_id": organization_id,
            "service_name": service_name,
        }
    raise ValueError("a connector is found by its id or by its service name")


def update_parameters(
    values: Mapping[str, Any], *, connector_id: str, organization_id: str, expected_version: int
) -> dict[str, Any]:
    """The parameters of `UPDATE_CONNECTOR_IF_VERSION`: the new values and the row's identity."""
    return {
        **values,
        "where_id": connector_id,
        "where_organization_id": organization_id,
        "where_version": expected_version,
    }
