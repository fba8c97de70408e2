"""Which database errors are outages (the database failed) rather than bugs (the call did)."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import psycopg
from sqlalchemy import exc as sa_exc

from connectors_service.store._errors import StoreError, StoreUnavailable

__all__ = ["is_outage", "outages_unavailable"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

# SQLite's primary result codes (https://www.sqlite.org/rescode.html) that say the file could
# not be used at the moment, not that the statement was wrong: another connection holds the
# lock past busy_timeout (BUSY, LOCKED), the file cannot be opened (CANTOPEN), the disk failed
# or is full (IOERR, FULL). "no such table" or a syntax error (both OperationalError in
# sqlite3) stay bugs. An extended code keeps its primary code in the low byte.
_SQLITE_OUTAGES = frozenset({5, 6, 10, 13, 14})


def is_outage(error: BaseException) -> bool:
    """Whether `error` means the database is unavailable rather than the call being wrong."""
    if isinstance(error, (sa_exc.TimeoutError, sa_exc.DisconnectionError)):
        # The pool had no connection to lend in time, or could not make a live one.
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        return error.orig is not None and is_outage(error.orig)
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return isinstance(code, int) and code & 0xFF in _SQLITE_OUTAGES
    # psycopg's OperationalError covers the SQLSTATE classes of a failing server: connection
    # exceptions (08), insufficient resources (53), operator intervention (57: shutdown and
    # the statement_timeout's query_canceled), lock timeouts (55P03), deadlocks and
    # serialization failures (40). InterfaceError: the connection is already closed.
    return isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError))


def outages_unavailable(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """`method` with the database's outages raised as `StoreUnavailable`, other errors as is."""

    @functools.wraps(method)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except StoreError:
            raise
        except Exception as error:
            if not is_outage(error):
                raise
            raise StoreUnavailable(f"database unavailable: {_name(error)}") from error

    return call


def _name(error: BaseException) -> str:
    cause = error.orig if isinstance(error, sa_exc.DBAPIError) else None
    kind = type(cause if cause is not None else error)
    return f"{kind.__module__}.{kind.__qualname__}"
