"""Service test fixtures: SQLite per test, or PostgreSQL when DATABASE_URL names it."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from ulid import ULID

from connectors_service.app import create_app
from connectors_service.db import create_engine_from_url, create_schema
from connectors_service.settings import Settings
from connectors_service.store import Store, metadata

_DATABASE_URL = os.environ.get("DATABASE_URL", "")
_ON_POSTGRES = _DATABASE_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def _postgres_engine() -> Iterator[Engine]:
    # Tables are rebuilt once per session; tests stay apart through unique slugs.
    engine = create_engine_from_url(_DATABASE_URL)
    metadata.drop_all(engine)
    # Alembic's version row would otherwise say "at head" and the upgrade would create nothing.
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine with the schema created: shared PostgreSQL, or a fresh SQLite file per test."""
    if _ON_POSTGRES:
        yield request.getfixturevalue("_postgres_engine")
        return
    sqlite_engine = create_engine_from_url(f"sqlite:///{tmp_path / 'connectors.db'}")
    create_schema(sqlite_engine)
    yield sqlite_engine
    sqlite_engine.dispose()


@pytest.fixture
def database_url(engine: Engine) -> str:
    """The URL of `engine`, for code that builds its own engine from settings."""
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def store(engine: Engine) -> Store:
    """A store over the test engine."""
    return Store(engine)


@pytest.fixture
def new_slug() -> Callable[[], str]:
    """Make organization slugs unique across tests that share one PostgreSQL database."""
    return lambda: f"t-{str(ULID()).lower()}"


class Service:
    """The app under test with one organization and a read-write API key."""

    def __init__(self, app: FastAPI, key: str, organization_id: str) -> None:
        self.app = app
        self.key = key
        self.organization_id = organization_id
        self.auth = {"Authorization": f"Bearer {key}"}

    def client(self) -> TestClient:
        """A test client that does not raise server exceptions, so 500s are seen as responses."""
        return TestClient(self.app, raise_server_exceptions=False)


MakeApp = Callable[..., FastAPI]


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[MakeApp]:
    """Build service apps on the test database; their connection pools close after the test.

    Settings default to the test database and a key file in the test's folder; keywords
    override them. PostgreSQL allows 100 connections, and an app's pool would otherwise keep
    its connections open until the garbage collector happened to find it.
    """
    built: list[FastAPI] = []

    def make(**overrides: Any) -> FastAPI:
        values: dict[str, Any] = {
            "database_url": database_url,
            "secret_key_file": str(tmp_path / "secret.key"),
            **overrides,
        }
        app = create_app(Settings(**values))
        built.append(app)
        return app

    yield make
    for app in built:
        app.state.services.store.close()


@pytest.fixture
def service(make_app: MakeApp, store: Store, new_slug: Callable[[], str]) -> Service:
    """The reference service on the test database, with a fresh organization and key."""
    # Fuzzing must exercise the API, not the limiter; the limiter has tests of its own.
    app = make_app(rate_limit_per_minute=1_000_000)
    organization = store.create_organization(slug=new_slug())
    _, key = store.create_api_key(organization_id=organization.id)
    return Service(app, key, organization.id)
