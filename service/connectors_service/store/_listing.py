"""Offset pages and counts of an organization's connectors, for the dialects that number pages."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from connectors_service.store._records import ConnectorRecord
from connectors_service.store._tables import ConnectorRow

__all__ = ["count_connectors", "list_connectors_offset"]


def _filtered(organization_id: str, *, with_service_name: bool) -> Select[ConnectorRow]:
    query = select(ConnectorRow).filter_by(organization_id=organization_id)
    if with_service_name:
        query = query.where(ConnectorRow.service_name.is_not(None))
    return query


def count_connectors(
    sessions: sessionmaker[Session], *, organization_id: str, with_service_name: bool = False
) -> int:
    """How many connectors the organization has (only those with a service name, if asked)."""
    query = _filtered(organization_id, with_service_name=with_service_name)
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def list_connectors_offset(
    sessions: sessionmaker[Session],
    *,
    organization_id: str,
    offset: int,
    limit: int,
    descending: bool,
    with_service_name: bool,
    to_record: Callable[[ConnectorRow], ConnectorRecord],
) -> list[ConnectorRecord]:
    """One numbered page, ordered by id (creation order); Census and Supermetrics page this way."""
    if limit < 1 or offset < 0:
        raise ValueError("limit must be at least 1 and offset at least 0")
    query = _filtered(organization_id, with_service_name=with_service_name)
    order = ConnectorRow.id.desc() if descending else ConnectorRow.id.asc()
    with sessions() as session:
        return [
            to_record(row)
            for row in session.scalars(query.order_by(order).offset(offset).limit(limit))
        ]
