"""The per-request statements on PostgreSQL, run on psycopg's own connection.

A PUT on PostgreSQL spent about a fifth of its CPU in SQLAlchemy's Core execution around two
single-row statements: a `Connection` per checkout, its isolation level set to autocommit and
back, the compiled-cache lookup, bind and result processing, a `CursorResult` per statement.
Here the pooled connection's psycopg connection runs the same statements, compiled once from
the SQLAlchemy ones in `_statements` (one source of the SQL), in autocommit, and rows come back
as named tuples. SQLite keeps the Core path (`_per_request.CoreRunner`): its timestamps are
stored in SQLAlchemy's own text format, which only SQLAlchemy's type processors read and write.

The pool is still SQLAlchemy's (its size, pings after idle time, `dispose`). A connection that
breaks while lent here is invalidated, as SQLAlchemy does after its own statements.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import namedtuple_row
from psycopg.types.json import Json
from sqlalchemy import Engine
from sqlalchemy.sql import ClauseElement

from connectors_service.store._per_request import Run
from connectors_service.store._statements import (
    CONNECTOR_BY_ID,
    CONNECTOR_BY_SERVICE_NAME,
    JSON_COLUMNS,
    MUTABLE_COLUMNS,
    PRINCIPAL_BY_KEY_HASH,
    UPDATE_CONNECTOR_IF_VERSION,
)

__all__ = ["PsycopgRunner"]


class PsycopgRunner:
    """Runs on the psycopg connections of a PostgreSQL engine's pool."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        dialect = engine.dialect
        self._selects: dict[ClauseElement, str] = {
            statement: _compile(statement, dialect)
            for statement in (CONNECTOR_BY_ID, CONNECTOR_BY_SERVICE_NAME, PRINCIPAL_BY_KEY_HASH)
        }
        self._update = _compile(
            UPDATE_CONNECTOR_IF_VERSION, dialect, column_keys=list(MUTABLE_COLUMNS)
        )

    @contextmanager
    def run(self) -> Iterator[Run]:
        """A pooled connection in autocommit: each statement is its own transaction."""
        pooled = self._engine.raw_connection()
        driver: psycopg.Connection[Any] = pooled.driver_connection  # type: ignore[assignment]
        try:
            driver.autocommit = True
            yield _PsycopgRun(driver, self._selects, self._update)
        except BaseException:
            if driver.broken or driver.closed:
                # Dropped by the server or the network: the pool must not lend it again.
                pooled.invalidate()
            raise
        finally:
            if not (driver.broken or driver.closed):
                # ORM sessions share the pool and expect transactions.
                driver.autocommit = False
            pooled.close()


class _PsycopgRun:
    def __init__(
        self,
        driver: psycopg.Connection[Any],
        selects: Mapping[ClauseElement, str],
        update: str,
    ) -> None:
        self._driver = driver
        self._selects = selects
        self._update = update

    def one(self, statement: ClauseElement, parameters: Mapping[str, Any]) -> Any:
        cursor = self._driver.cursor(row_factory=namedtuple_row)
        return cursor.execute(self._selects[statement], parameters).fetchone()

    def update_if_version(self, parameters: Mapping[str, Any]) -> bool:
        values = dict(parameters)
        # psycopg adapts a dict or a list to JSON only inside `Json`. None stays SQL NULL, as
        # the columns' `none_as_null` makes SQLAlchemy write it.
        for column in JSON_COLUMNS:
            if values[column] is not None:
                values[column] = Json(values[column])
        return self._driver.execute(self._update, values).rowcount == 1


def _compile(statement: ClauseElement, dialect: Any, **options: Any) -> str:
    # Named `%(name)s` placeholders (psycopg's pyformat style), with the dialect's casts.
    return str(statement.compile(dialect=dialect, **options))
