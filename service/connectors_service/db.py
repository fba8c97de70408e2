"""Engine construction and schema creation for SQLite and PostgreSQL."""

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from connectors_service.store import metadata

__all__ = ["create_engine_from_url", "create_schema"]

# The pragmas are per connection, so they are set on every new pool connection.
# WAL lets readers run while one writer commits; busy_timeout makes a second writer wait
# instead of failing at once with "database is locked"; SQLite leaves foreign keys off
# unless asked (https://www.sqlite.org/foreignkeys.html#fk_enable).
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


def create_engine_from_url(url: str) -> Engine:
    """Build the one engine of the process from a `sqlite://` or `postgresql+psycopg://` URL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _create_sqlite_engine(url)
    if backend == "postgresql":
        # A bare `postgresql://` would pick psycopg2, which is not a dependency.
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # pool_pre_ping replaces connections the server closed while they sat in the pool.
        return create_engine(parsed, pool_pre_ping=True)
    raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}")


def _create_sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        # Relative paths resolve against the working directory, as sqlite3 itself does.
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # The app calls the store from a thread pool, so a pooled connection may be used by a
    # thread other than the one that opened it; the pool never shares one concurrently.
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _set_sqlite_pragmas(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet."""
    # Until Alembic migrations exist (service/connectors_service/migrations/), create_all is
    # the schema's only source; it adds missing tables and never alters existing ones.
    metadata.create_all(engine)
