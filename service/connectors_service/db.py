"""Engine construction and schema creation for SQLite and PostgreSQL."""

import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, exc, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry

__all__ = ["create_engine_from_url", "create_schema", "schema_is_current"]

_MIGRATIONS = Path(__file__).parent / "migrations"
# The revision that creates the tables create_all used to make, and those tables.
_BASELINE_REVISION = "0001"
_BASELINE_TABLES = frozenset({"organizations", "api_keys", "connectors", "idempotency_keys"})
# Any fixed 64-bit number, private to this application and distinct from the store's
# team-number lock, names the advisory lock that serializes schema upgrades.
_SCHEMA_LOCK = 0x636F6E6E5F736368

# The pragmas are per connection, so they are set on every new pool connection.
# WAL lets readers run while one writer commits; busy_timeout makes a second writer wait
# instead of failing at once with "database is locked"; SQLite leaves foreign keys off
# unless asked (https://www.sqlite.org/foreignkeys.html#fk_enable).
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


# A process runs at most 40 blocking store calls at once (anyio's default thread limit), so
# the pool can lend each one a connection. SQLAlchemy's default (5 kept, 10 more opened and
# closed again per use) opens a new connection for most requests once more than 5 run at
# once: on PostgreSQL a connection is a server process forked per connect, and on SQLite
# every new connection runs the pragmas below. 16 stay open, which covers a busy worker
# process; beyond that, connections are opened for the burst and closed after.
_POOL_SIZE = 16
_MAX_OVERFLOW = 24


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
        engine = create_engine(parsed, pool_size=_POOL_SIZE, max_overflow=_MAX_OVERFLOW)
        _ping_when_idle(engine)
        return engine
    raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}")


def _create_sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        # Relative paths resolve against the working directory, as sqlite3 itself does.
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # The app calls the store from a thread pool, so a pooled connection may be used by a
    # thread other than the one that opened it; the pool never shares one concurrently.
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        pool_size=_POOL_SIZE,
        max_overflow=_MAX_OVERFLOW,
    )
    event.listen(engine, "connect", _set_sqlite_pragmas)
    # A file's connections do not drop, but one behaviour on both backends is one to test.
    _ping_when_idle(engine)
    return engine


def _set_sqlite_pragmas(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def create_schema(engine: Engine) -> None:
    """Upgrade the database to the newest migration; safe to call at every process start."""
    with engine.begin() as connection:
        _lock_schema(connection)
        config = _alembic_config(connection)
        if not _current_heads(connection) and _has_baseline_tables(connection):
            # A database made by create_all before migrations existed has the baseline's
            # tables: record it as migrated instead of failing on "table already exists".
            command.stamp(config, _BASELINE_REVISION)
        command.upgrade(config, "head")


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration."""
    with engine.connect() as connection:
        return _current_heads(connection) == _script_heads()


def _lock_schema(connection: Connection) -> None:
    # Several processes (uvicorn workers, an admin command) may start at once; whoever waits
    # here sees the first one's version row and has nothing left to do.
    if connection.dialect.name == "postgresql":
        # Transaction-scoped: released by the commit or rollback that ends `engine.begin()`.
        connection.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
    elif connection.dialect.name == "sqlite":
        # pysqlite defers BEGIN until the first INSERT and runs DDL outside any transaction;
        # BEGIN IMMEDIATE takes the file's write lock now, so the upgrade is one transaction
        # and a concurrent one waits for it (busy_timeout) instead of racing on CREATE TABLE.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _alembic_config(connection: Connection) -> Config:
    # No alembic.ini: the migrations ship inside the package and env.py takes this connection.
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _script_heads() -> frozenset[str]:
    return frozenset(ScriptDirectory(str(_MIGRATIONS)).get_heads())


def _current_heads(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())


def _has_baseline_tables(connection: Connection) -> bool:
    return _BASELINE_TABLES.issubset(inspect(connection).get_table_names())


# A connection back in the pool for longer than this is pinged before it is lent out again.
_PING_AFTER_IDLE_S = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only if it sat idle for a while.

    `pool_pre_ping` pings on every check-out: a round trip per request, a quarter of a PUT's
    (and a third of a GET's) on PostgreSQL. The connections it protects against are those the
    server or the network dropped while they sat unused, after a restart or an idle timeout:
    under load a connection comes back within milliseconds and goes straight out again. One
    the server drops in between fails that request, and SQLAlchemy then replaces the pool's
    connections, as it does when a ping fails.
    """

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _lent(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < _PING_AFTER_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:
            # The pool discards this connection and checks out another (or opens one).
            raise exc.DisconnectionError("connection dropped while idle in the pool")
