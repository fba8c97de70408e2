"""Engine construction and schema creation for SQLite and PostgreSQL."""

import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, exc, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry

from connectors_service.settings import Settings

__all__ = ["Timeouts", "create_engine_from_url", "create_schema", "schema_is_current"]

_MIGRATIONS = Path(__file__).parent / "migrations"
# The revision that creates the tables create_all used to make, and those tables.
_BASELINE_REVISION = "0001"
_BASELINE_TABLES = frozenset({"organizations", "api_keys", "connectors", "idempotency_keys"})
# Any fixed 64-bit number, private to this application and distinct from the store's
# team-number lock, names the advisory lock that serializes schema upgrades.
_SCHEMA_LOCK = 0x636F6E6E5F736368

# The pragmas are per connection, so they are set on every new pool connection.
# WAL lets readers run while one writer commits; SQLite leaves foreign keys off unless asked
# (https://www.sqlite.org/foreignkeys.html#fk_enable). busy_timeout (`Timeouts`) makes a
# second writer wait instead of failing at once with "database is locked".
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long the engine waits on the database; each wait ends in an error, never a hang.

    The defaults are `Settings`' (5 s to connect, 10 s per statement, 5 s for a pooled
    connection, 1 s for SQLite's lock).
    """

    connect_seconds: int = 5
    statement_seconds: float = 10.0
    pool_seconds: float = 5.0
    sqlite_busy_seconds: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "Timeouts":
        """The timeouts the settings name."""
        return cls(
            connect_seconds=settings.database_connect_timeout_seconds,
            statement_seconds=settings.database_statement_timeout_seconds,
            pool_seconds=settings.database_pool_timeout_seconds,
            sqlite_busy_seconds=settings.sqlite_busy_timeout_seconds,
        )


# A process runs at most 40 blocking store calls at once (anyio's default thread limit), so
# the pool can lend each one a connection. SQLAlchemy's default (5 kept, 10 more opened and
# closed again per use) opens a new connection for most requests once more than 5 run at
# once: on PostgreSQL a connection is a server process forked per connect, and on SQLite
# every new connection runs the pragmas below. 16 stay open, which covers a busy worker
# process; beyond that, connections are opened for the burst and closed after.
_POOL_SIZE = 16
_MAX_OVERFLOW = 24


def create_engine_from_url(url: str, timeouts: Timeouts | None = None) -> Engine:
    """Build the one engine of the process from a `sqlite://` or `postgresql+psycopg://` URL."""
    timeouts = timeouts or Timeouts()
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _create_sqlite_engine(url, timeouts)
    if backend == "postgresql":
        # A bare `postgresql://` would pick psycopg2, which is not a dependency.
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(
            parsed,
            pool_size=_POOL_SIZE,
            max_overflow=_MAX_OVERFLOW,
            pool_timeout=timeouts.pool_seconds,
            # Errors name the statement, never its values: those are request data.
            hide_parameters=True,
            connect_args=_postgres_connect_args(parsed.query.get("options"), timeouts),
        )
        # Registered before the idle ping, so that the ping is watched too.
        _cut_when_unanswered(engine, after=2 * timeouts.statement_seconds)
        _ping_when_idle(engine)
        return engine
    raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}")


def _postgres_connect_args(
    url_options: str | tuple[str, ...] | None, timeouts: Timeouts
) -> dict[str, Any]:
    # connect_timeout bounds connecting to a server that does not answer (libpq counts whole
    # seconds); statement_timeout makes the server cancel a statement that runs too long
    # (QueryCanceled, an outage to the store). `options` from the URL are kept.
    options = [url_options] if isinstance(url_options, str) else list(url_options or ())
    statement_ms = max(1, round(timeouts.statement_seconds * 1000))
    options.append(f"-c statement_timeout={statement_ms}")
    return {"connect_timeout": timeouts.connect_seconds, "options": " ".join(options)}


def _create_sqlite_engine(url: str, timeouts: Timeouts) -> Engine:
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
        pool_timeout=timeouts.pool_seconds,
        hide_parameters=True,
    )
    pragmas = (
        *_SQLITE_PRAGMAS,
        f"PRAGMA busy_timeout={round(timeouts.sqlite_busy_seconds * 1000)}",
    )

    def set_pragmas(dbapi_connection: Any, _connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    event.listen(engine, "connect", set_pragmas)
    # A file's connections do not drop, but one behaviour on both backends is one to test.
    _ping_when_idle(engine)
    return engine


def create_schema(engine: Engine) -> None:
    """Upgrade the database to the newest migration; safe to call at every process start."""
    with engine.begin() as connection:
        # A migration may rewrite a large table, and may wait for another process's: neither
        # is a request, so neither is cut by the statement timeout or the watchdog.
        _WATCHDOG.back(connection.connection.dbapi_connection)
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
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


class _Watchdog:
    """Cuts the socket of a PostgreSQL connection lent out for longer than its limit.

    The server's statement_timeout only helps while the server runs: one that stopped
    (frozen, or behind a network path that accepts and forwards nothing) never answers, and
    psycopg would wait on the socket forever, holding a worker thread and a pooled
    connection. Shut down, the socket fails psycopg's wait at once (OperationalError, the
    connection broken), the pool discards the connection, and the request is 503. One thread
    serves every engine of the process; lending and returning cost a lock and a dict entry.
    """

    def __init__(self) -> None:
        self._lent: dict[int, tuple[float, Any]] = {}
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def lend(self, dbapi_connection: Any, limit: float) -> None:
        """Watch `dbapi_connection` until `back`; cut it once `limit` seconds have passed."""
        with self._changed:
            self._lent[id(dbapi_connection)] = (time.monotonic() + limit, dbapi_connection)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="connectors-db-watchdog", daemon=True
                )
                self._thread.start()
            elif len(self._lent) == 1:
                # The thread waits without a deadline while nothing is lent.
                self._changed.notify()

    def back(self, dbapi_connection: Any) -> None:
        """Stop watching `dbapi_connection` (returned, closed or invalidated)."""
        if dbapi_connection is None:
            return
        with self._changed:
            self._lent.pop(id(dbapi_connection), None)

    def _watch(self) -> None:
        with self._changed:
            while True:
                now = time.monotonic()
                for key, (deadline, dbapi_connection) in list(self._lent.items()):
                    if deadline <= now:
                        del self._lent[key]
                        _shut_down(dbapi_connection)
                next_deadline = min((deadline for deadline, _ in self._lent.values()), default=None)
                self._changed.wait(None if next_deadline is None else next_deadline - now)


def _shut_down(dbapi_connection: Any) -> None:
    try:
        fileno = dbapi_connection.fileno()
    except Exception:
        # Closed meanwhile: nothing left to cut.
        return
    # A duplicate of the descriptor: shutting it down ends the connection for the original,
    # which psycopg still owns and closes itself.
    try:
        with socket.socket(fileno=os.dup(fileno)) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        return


_WATCHDOG = _Watchdog()


def _cut_when_unanswered(engine: Engine, *, after: float) -> None:
    """Watch each connection while it is lent out (`_Watchdog`)."""

    @event.listens_for(engine, "checkout")
    def _lent(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        _WATCHDOG.lend(dbapi_connection, after)

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        _WATCHDOG.back(dbapi_connection)

    @event.listens_for(engine, "invalidate")
    def _invalidated(dbapi_connection: Any, record: ConnectionPoolEntry, error: Any) -> None:
        _WATCHDOG.back(dbapi_connection)

    @event.listens_for(engine, "close")
    def _closed(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        _WATCHDOG.back(dbapi_connection)
