"""Alembic environment: runs migrations on the connection `db.create_schema` passes in."""

from alembic import context
from sqlalchemy import Connection

from connectors_service.store import metadata


def _run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most constraints; batch mode rebuilds the table instead
        # (https://alembic.sqlalchemy.org/en/latest/batch.html).
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    # The caller's transaction, when there is one, is reused: the upgrade commits with it.
    with context.begin_transaction():
        context.run_migrations()


# Only the programmatic path exists: there is no alembic.ini and no offline (--sql) mode, so
# every run goes through db.create_schema, which holds the lock that serializes upgrades.
_connection = context.config.attributes.get("connection")
if context.is_offline_mode() or not isinstance(_connection, Connection):
    raise RuntimeError("run migrations through connectors_service.db.create_schema(engine)")
_run_migrations(_connection)
