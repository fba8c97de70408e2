"""A database that fails is 503 with Retry-After in every dialect, and the service recovers.

PostgreSQL is reached through a TCP proxy the test owns (tests/support/tcp_proxy.py), cut
(connections closed, the port refusing) or stalled (accepting, forwarding nothing), then
restored, with one app throughout. SQLite is locked by another connection, or its folder
moved away and back.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from ulid import ULID

from connectors_service.app import RETRY_AFTER_SECONDS
from connectors_service.store import Store
from tests.service.conftest import MakeApp
from tests.support.tcp_proxy import TcpProxy

_DATABASE_URL = os.environ.get("DATABASE_URL", "")
_ON_POSTGRES = _DATABASE_URL.startswith("postgresql")
postgres_only = pytest.mark.skipif(not _ON_POSTGRES, reason="DATABASE_URL is not PostgreSQL")

# Small enough to keep the tests short: the connect timeout is psycopg's floor, and a stalled
# statement is cut after twice the statement timeout.
_FAST = {
    "database_connect_timeout_seconds": 2,
    "database_statement_timeout_seconds": 0.5,
    "database_pool_timeout_seconds": 1.0,
    "sqlite_busy_timeout_seconds": 0.2,
    "api_key_cache_seconds": 0,
    "rate_limit_per_minute": 1_000_000,
}
# A stalled request must end well before a client would give up on a hung one.
_PROMPT_SECONDS = 5.0


@dataclass(frozen=True)
class Caller:
    """A test client of an app with one organization's key and team number."""

    client: TestClient
    auth: dict[str, str]
    team: int

    def reads(self) -> dict[str, httpx.Response]:
        """One list request per dialect."""
        return {
            "native": self.client.get("/v1/connectors", headers=self.auth),
            "census": self.client.get("/api/v1/connectors", headers=self.auth),
            "supermetrics": self.client.get(
                f"/v1/teams/{self.team}/connector_builder/connectors", headers=self.auth
            ),
        }


def _caller(app: Any, store: Store, new_slug: Callable[[], str]) -> Caller:
    organization = store.create_organization(slug=new_slug())
    _, key = store.create_api_key(organization_id=organization.id)
    client = TestClient(app, raise_server_exceptions=False)
    return Caller(client, {"Authorization": f"Bearer {key}"}, organization.team_number)


def _assert_unavailable(responses: dict[str, httpx.Response]) -> None:
    for dialect, response in responses.items():
        assert response.status_code == 503, (dialect, response.text)
        assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS), dialect
        body = response.json()
        if dialect == "census":
            assert body["status"] == "error", body
        else:
            assert body["error"]["code"] == "SERVICE_UNAVAILABLE", (dialect, body)
            assert body["meta"]["request_id"] == response.headers["X-Request-Id"]


def _assert_ok(responses: dict[str, httpx.Response]) -> None:
    for dialect, response in responses.items():
        assert response.status_code == 200, (dialect, response.text)


# PostgreSQL, through the proxy


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    """A proxy to the PostgreSQL server DATABASE_URL names."""
    url = make_url(_DATABASE_URL)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as running:
        yield running


@pytest.fixture
def proxied(
    proxy: TcpProxy, make_app: MakeApp, store: Store, new_slug: Callable[[], str]
) -> Caller:
    """The app on the test database, connected through `proxy`, with short timeouts."""
    url = make_url(_DATABASE_URL).set(host="127.0.0.1", port=proxy.port)
    app = make_app(database_url=url.render_as_string(hide_password=False), **_FAST)
    return _caller(app, store, new_slug)


@pytest.mark.postgres
@postgres_only
def test_postgres_cut_is_503_in_every_dialect_and_200_again_when_restored(
    proxy: TcpProxy, proxied: Caller
) -> None:
    _assert_ok(proxied.reads())

    proxy.cut()
    _assert_unavailable(proxied.reads())

    proxy.restore()
    _assert_ok(proxied.reads())


@pytest.mark.postgres
@postgres_only
def test_postgres_cut_is_503_when_writing_with_an_idempotency_key(
    proxy: TcpProxy, proxied: Caller
) -> None:
    body = {"name": "Cut", "provider": "braze", "type": "destination"}
    headers = {**proxied.auth, "Idempotency-Key": str(ULID())}
    _assert_ok(proxied.reads())

    proxy.cut()
    refused = proxied.client.post("/v1/connectors", json=body, headers=headers)
    proxy.restore()
    created = proxied.client.post("/v1/connectors", json=body, headers=headers)

    _assert_unavailable({"native": refused})
    assert created.status_code == 201, created.text


@pytest.mark.postgres
@postgres_only
def test_postgres_that_stops_answering_is_503_within_the_timeouts_and_200_when_back(
    proxy: TcpProxy, proxied: Caller
) -> None:
    _assert_ok(proxied.reads())

    proxy.stall()
    started = time.monotonic()
    # The first request waits on a pooled connection that no longer answers, the later
    # ones on connecting: both end.
    stalled = proxied.reads()
    elapsed = time.monotonic() - started

    _assert_unavailable(stalled)
    assert elapsed < 3 * _PROMPT_SECONDS
    proxy.restore()
    _assert_ok(proxied.reads())


@pytest.mark.postgres
@postgres_only
def test_postgres_on_a_closed_port_is_503_when_the_app_is_running(
    proxy: TcpProxy, proxied: Caller
) -> None:
    _assert_ok(proxied.reads())
    proxy.close()

    started = time.monotonic()
    _assert_unavailable(proxied.reads())
    assert time.monotonic() - started < _PROMPT_SECONDS


# SQLite


@pytest.fixture
def sqlite_app(
    make_app: MakeApp, tmp_path: Path, new_slug: Callable[[], str]
) -> tuple[Caller, Path, Store]:
    """An app on a SQLite file of its own (whatever DATABASE_URL says), its path and store."""
    path = tmp_path / "db" / "outage.db"
    app = make_app(database_url=f"sqlite:///{path}", **_FAST)
    store: Store = app.state.services.store
    return _caller(app, store, new_slug), path, store


def test_sqlite_locked_is_503_when_writing_and_201_when_the_lock_is_released(
    sqlite_app: tuple[Caller, Path, Store],
) -> None:
    caller, path, _ = sqlite_app
    body = {"name": "Locked", "provider": "braze", "type": "destination"}
    keyed = {**caller.auth, "Idempotency-Key": str(ULID())}
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        # Another process's write transaction: it holds the file's only write lock.
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        refused = {
            "plain": caller.client.post("/v1/connectors", json=body, headers=caller.auth),
            "idempotent": caller.client.post("/v1/connectors", json=body, headers=keyed),
        }
        elapsed = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    for response in refused.values():
        _assert_unavailable({"native": response})
    assert elapsed < _PROMPT_SECONDS
    assert caller.client.post("/v1/connectors", json=body, headers=keyed).status_code == 201


def test_sqlite_unreachable_file_is_503_in_every_dialect_and_200_when_back(
    sqlite_app: tuple[Caller, Path, Store],
) -> None:
    caller, path, store = sqlite_app
    _assert_ok(caller.reads())
    folder = path.parent
    moved = folder.with_name("moved")

    # The pool's open connections would keep reading the moved file: closed, the next ones
    # find no file to open.
    folder.rename(moved)
    store.close()
    try:
        unreachable = caller.reads()
    finally:
        moved.rename(folder)

    _assert_unavailable(unreachable)
    _assert_ok(caller.reads())


def test_code_errors_stay_500_when_the_database_itself_answers(
    sqlite_app: tuple[Caller, Path, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    caller, path, _ = sqlite_app

    def broken(self: Store, **_: Any) -> list[Any]:
        # A statement the database refuses as wrong (SQLite says OperationalError for it).
        with sqlite3.connect(path) as connection:
            connection.execute("SELECT * FROM no_such_table")
        return []

    monkeypatch.setattr(Store, "list_connectors", broken)

    response = caller.client.get("/v1/connectors", headers=caller.auth)

    assert response.status_code == 500
    assert "Retry-After" not in response.headers
