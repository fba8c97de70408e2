"""The ORM tables; only the repository touches them."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from connectors_service.store._clock import to_utc_ms

# Named constraints keep names identical on SQLite and PostgreSQL, so the Alembic
# migrations that come later can refer to them.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime with millisecond precision on every backend."""

    # SQLite has no time zone type and PostgreSQL keeps microseconds; normalising both ways
    # makes the value read back equal to the value written, on either backend.
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = to_utc_ms(value)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return to_utc_ms(value)


# SQL NULL rather than JSON `null` for absent values, so `IS NULL` means "not set".
_NullableJson = JSON(none_as_null=True)

# Keyset pagination orders by id; the "C" collation makes PostgreSQL compare bytes, as
# SQLite does, whatever the database's default collation is.
_SortableId = String(40).with_variant(String(40, collation="C"), "postgresql")


class Base(DeclarativeBase):
    """Declarative base bound to the store's metadata."""

    metadata = metadata


class OrganizationRow(Base):
    """Table `organizations`."""

    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # Supermetrics' integer `team_id` (seed 001): 1, 2, … in creation order.
    team_number: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiKeyRow(Base):
    """Table `api_keys`: only the sha256 of each key is kept."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    principal_id: Mapped[str] = mapped_column(String(40))
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ConnectorRow(Base):
    """Table `connectors`."""

    __tablename__ = "connectors"
    __table_args__ = (
        # Census addresses a connector by service_name (seed 004); NULLs never collide.
        UniqueConstraint("organization_id", "service_name"),
        # Every query filters by organization and lists in id order: one index serves both.
        Index("ix_connectors_organization_id_id", "organization_id", "id"),
    )

    id: Mapped[str] = mapped_column(_SortableId, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    provider: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(32))
    service_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    icon_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    fields: Mapped[list[dict[str, Any]] | None] = mapped_column(_NullableJson, nullable=True)
    http: Mapped[dict[str, Any] | None] = mapped_column(_NullableJson, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(40))


class IdempotencyKeyRow(Base):
    """Table `idempotency_keys`: one row per (organization, method, path, Idempotency-Key)."""

    __tablename__ = "idempotency_keys"

    # The primary key is the lock: concurrent first uses of a key race on one INSERT, and the
    # database lets exactly one win, across processes (DOMAIN: Idempotency-Key). There is no
    # foreign key to organizations, so a violation can only mean "this key is taken".
    organization_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    method: Mapped[str] = mapped_column(String(16), primary_key=True)
    path: Mapped[str] = mapped_column(String(1024), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    headers: Mapped[dict[str, str] | None] = mapped_column(_NullableJson, nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Indexed for the purge, which deletes by expiry alone.
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    # Until when an in-flight record holds its key; after it, the request is taken to have
    # died with its process and a retry takes the key over (migration 0002; NULL in rows
    # written before it).
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
