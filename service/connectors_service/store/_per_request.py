"""How the per-request statements run: psycopg directly on PostgreSQL, SQLAlchemy Core on SQLite.

Every request reads one connector or one API key, and a PUT or PATCH also updates one
connector conditionally on its version. The repository states those paths once, against
`Run`, and picks the runner by backend: `CoreRunner` here, `_psycopg.PsycopgRunner` on
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.sql import ClauseElement

from connectors_service.store._statements import UPDATE_CONNECTOR_IF_VERSION

__all__ = ["CoreRunner", "Run", "Runner"]


class Run(Protocol):
    """Statements on one pooled connection, each committed as it runs."""

    def one(self, statement: ClauseElement, parameters: Mapping[str, Any]) -> Any:
        """The row one of `_statements`' selects finds (columns as attributes), or None."""
        ...

    def update_if_version(self, parameters: Mapping[str, Any]) -> bool:
        """Run `UPDATE_CONNECTOR_IF_VERSION`; whether it changed the row.

        A unique violation (the organization's service name taken) raises the driver's or
        SQLAlchemy's integrity error.
        """
        ...


class Runner(Protocol):
    """Lends runs on pooled connections."""

    def run(self) -> AbstractContextManager[Run]:
        """A run on one pooled connection, returned to the pool afterwards."""
        ...


class CoreRunner:
    """Runs on SQLAlchemy Core connections of the engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def run(self) -> Iterator[Run]:
        """A Core connection; pysqlite opens a transaction only before a write."""
        with self._engine.connect() as connection:
            yield _CoreRun(connection)


class _CoreRun:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def one(self, statement: ClauseElement, parameters: Mapping[str, Any]) -> Any:
        return self._connection.execute(statement, parameters).one_or_none()

    def update_if_version(self, parameters: Mapping[str, Any]) -> bool:
        result = self._connection.execute(UPDATE_CONNECTOR_IF_VERSION, parameters)
        self._connection.commit()
        return bool(result.rowcount == 1)
