"""Create organizations, api_keys, connectors and idempotency_keys.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A migration is frozen at the schema of its day, so it spells out types and constraint names
# rather than importing them from store/_tables.py; names follow the metadata's naming
# convention, so later migrations can address them on SQLite and PostgreSQL alike.
# UtcDateTime is a TypeDecorator over this type; the decorator only converts Python values.
_UTC_DATETIME = sa.DateTime(timezone=True)
# Keyset pagination compares ids bytewise: the "C" collation does on PostgreSQL what SQLite
# always does.
_SORTABLE_ID = sa.String(40).with_variant(sa.String(40, collation="C"), "postgresql")


def upgrade() -> None:
    """Create the four tables of the first release."""
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("slug", sa.String(63), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("team_number", sa.Integer(), nullable=False),
        sa.Column("created_at", _UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organizations"),
        sa.UniqueConstraint("slug", name="uq_organizations_slug"),
        sa.UniqueConstraint("team_number", name="uq_organizations_team_number"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("organization_id", sa.String(40), nullable=False),
        sa.Column("principal_id", sa.String(40), nullable=False),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.String(255), nullable=False),
        sa.Column("created_at", _UTC_DATETIME, nullable=False),
        sa.Column("revoked_at", _UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_api_keys_organization_id_organizations",
        ),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_index("ix_api_keys_organization_id", "api_keys", ["organization_id"])
    op.create_table(
        "connectors",
        sa.Column("id", _SORTABLE_ID, nullable=False),
        sa.Column("organization_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("service_name", sa.String(64), nullable=True),
        sa.Column("icon_url", sa.String(2048), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=True),
        sa.Column("http", sa.JSON(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("updated_at", _UTC_DATETIME, nullable=False),
        sa.Column("updated_by", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_connectors"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_connectors_organization_id_organizations",
        ),
        sa.UniqueConstraint(
            "organization_id", "service_name", name="uq_connectors_organization_id_service_name"
        ),
    )
    op.create_index("ix_connectors_organization_id_id", "connectors", ["organization_id", "id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("organization_id", sa.String(40), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", _UTC_DATETIME, nullable=False),
        sa.Column("expires_at", _UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "method", "path", "key", name="pk_idempotency_keys"
        ),
    )
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])


def downgrade() -> None:
    """Drop the four tables, dependents first."""
    op.drop_index("ix_idempotency_keys_expires_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_connectors_organization_id_id", table_name="connectors")
    op.drop_table("connectors")
    op.drop_index("ix_api_keys_organization_id", table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("organizations")
