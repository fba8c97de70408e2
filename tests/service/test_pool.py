"""Pooled connections are pinged before use only after sitting idle, and replaced if dead."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text

import connectors_service.db
from connectors_service.store import Store, StoreUnavailable


def _raw(engine: Engine) -> Any:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        return connection.connection.dbapi_connection


def _count_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    pinged: list[Any] = []
    real = engine.dialect.do_ping

    def counting(dbapi_connection: Any) -> bool:
        pinged.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting)
    return pinged


def _kill(engine: Engine, dbapi_connection: Any) -> None:
    if engine.dialect.name == "postgresql":
        # What a server restart or an idle timeout does: the server ends the session. From a
        # connection of its own: the pool would lend out the very connection to be ended.
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [dbapi_connection.info.backend_pid])
    else:
        dbapi_connection.close()


def test_connection_is_used_without_ping_when_back_from_recent_use(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.dispose()
    pinged = _count_pings(engine, monkeypatch)
    first = _raw(engine)

    assert _raw(engine) is first
    assert pinged == []


def test_dropped_connection_is_replaced_when_it_sat_idle_in_the_pool(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.dispose()
    pinged = _count_pings(engine, monkeypatch)
    first = _raw(engine)
    _kill(engine, first)
    clock = connectors_service.db.time.monotonic
    later = clock() + 10 * connectors_service.db._PING_AFTER_IDLE_S
    monkeypatch.setattr(connectors_service.db.time, "monotonic", lambda: later)

    second = _raw(engine)

    assert first in pinged
    assert second is not first


def test_connection_dropped_while_lent_fails_that_read_and_is_not_lent_again(
    engine: Engine,
) -> None:
    engine.dispose()
    store = Store(engine)
    assert store.get_connector(organization_id="org_x", connector_id="con_x") is None
    first = _raw(engine)
    # Dropped right after use: no ping is due, so the next request meets the dead connection.
    _kill(engine, first)

    # An outage to the caller (503 with Retry-After), not a driver error (a 500).
    with pytest.raises(StoreUnavailable):
        store.get_connector(organization_id="org_x", connector_id="con_x")

    assert store.get_connector(organization_id="org_x", connector_id="con_x") is None
    assert _raw(engine) is not first
