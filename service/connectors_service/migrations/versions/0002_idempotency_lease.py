"""Add idempotency_keys.lease_expires_at: an in-flight record's lease on its key.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable column; rows in flight before it count as past their lease."""
    # A database that create_all made before migrations existed is stamped at 0001 and then
    # upgraded (db.create_schema); if create_all already ran with this column, it is kept.
    columns = {
        column["name"] for column in sa.inspect(op.get_bind()).get_columns("idempotency_keys")
    }
    if "lease_expires_at" not in columns:
        op.add_column(
            "idempotency_keys",
            sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        )


def downgrade() -> None:
    """Drop the column; SQLite rebuilds the table for it (batch mode)."""
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("lease_expires_at")
