"""Log lines carry no request data, database errors included.

Each test sends a unique marker in a request (a connector's description, data and URL, a
path segment), makes the database fail on it, and looks for the marker in every record the
service logged: its message and its formatted exception, if any.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from ulid import ULID

from connectors_service.store import ConnectorRecord, Store
from tests.service.conftest import MakeApp

_ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")


@pytest.fixture
def marker() -> str:
    """A value no log line may ever contain."""
    return f"leak_{str(ULID()).lower()}"


def _body(marker: str) -> dict[str, Any]:
    return {
        "name": "Hygiene",
        "provider": "braze",
        "type": "destination",
        "description": marker,
        "fields": [{"id": "instance_url", "label": "Endpoint", "type": "string"}],
        "http": {"url": f"https://example.com/{marker}", "headers": {}},
        "data": {"instance_url": marker},
    }


def _client(
    app: FastAPI, store: Store, new_slug: Callable[[], str]
) -> tuple[TestClient, dict[str, str]]:
    organization = store.create_organization(slug=new_slug())
    _, key = store.create_api_key(organization_id=organization.id)
    return TestClient(app, raise_server_exceptions=False), {"Authorization": f"Bearer {key}"}


def _assert_clean(caplog: pytest.LogCaptureFixture, marker: str) -> None:
    records = [r for r in caplog.records if r.name.startswith("connectors_service")]
    assert records, "the service logged nothing"
    formatter = logging.Formatter()
    for record in records:
        assert marker not in record.getMessage(), record.name
        # The whole record as a handler writes it, with its exception and stack, if any.
        assert marker not in formatter.format(record), record.name
    assert marker not in caplog.text


def _sqlite_app(make_app: MakeApp, tmp_path: Path) -> tuple[FastAPI, Path]:
    path = tmp_path / "hygiene.db"
    return make_app(database_url=f"sqlite:///{path}", sqlite_busy_timeout_seconds=0.2), path


def test_unhandled_database_error_logs_neither_parameters_nor_message(
    make_app: MakeApp,
    tmp_path: Path,
    new_slug: Callable[[], str],
    marker: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, path = _sqlite_app(make_app, tmp_path)
    client, auth = _client(app, app.state.services.store, new_slug)
    # A schema the code does not expect: the INSERT, with every value as a parameter, fails.
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE connectors RENAME TO connectors_elsewhere")
    caplog.set_level(logging.DEBUG)

    response = client.post("/v1/connectors", json=_body(marker), headers=auth)

    assert response.status_code == 500
    _assert_clean(caplog, marker)
    errors = [r for r in caplog.records if r.name == "connectors_service.errors"]
    assert len(errors) == 1
    # What is logged instead: the classes and the statement's verb and table.
    assert "sqlalchemy.exc.OperationalError [INSERT connectors]" in errors[0].getMessage()


@pytest.mark.postgres
@pytest.mark.skipif(not _ON_POSTGRES, reason="DATABASE_URL is not PostgreSQL")
def test_driver_message_that_quotes_a_value_is_not_logged(
    make_app: MakeApp,
    store: Store,
    new_slug: Callable[[], str],
    marker: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app()
    client, auth = _client(app, store, new_slug)
    engine = app.state.services.store._engine

    def insert(self: Store, record: ConnectorRecord) -> ConnectorRecord:
        # PostgreSQL quotes the value it could not read: `invalid input syntax … "leak_…"`.
        with engine.connect() as connection:
            connection.execute(
                text("SELECT CAST(:value AS INTEGER)"), {"value": record.description}
            )
        return record

    monkeypatch.setattr(Store, "insert_connector", insert)
    caplog.set_level(logging.DEBUG)

    response = client.post("/v1/connectors", json=_body(marker), headers=auth)

    assert response.status_code == 500
    _assert_clean(caplog, marker)


def test_database_outage_logs_no_request_data(
    make_app: MakeApp,
    tmp_path: Path,
    new_slug: Callable[[], str],
    marker: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, path = _sqlite_app(make_app, tmp_path)
    client, auth = _client(app, app.state.services.store, new_slug)
    caplog.set_level(logging.DEBUG)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        response = client.post("/v1/connectors", json=_body(marker), headers=auth)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert response.status_code == 503
    _assert_clean(caplog, marker)
    outages = [r for r in caplog.records if r.name == "connectors_service.outage"]
    assert len(outages) == 1
    assert "sqlite3.OperationalError" in outages[0].getMessage()


def test_access_line_names_the_route_not_the_path(
    service: Any, marker: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="connectors_service.access")

    response = service.client().get(f"/api/v1/connectors/{marker}", headers=service.auth)

    assert response.status_code == 404
    _assert_clean(caplog, marker)
    assert '"route":"/api/v1/connectors/{service_name}"' in caplog.records[-1].getMessage()
