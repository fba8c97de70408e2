"""The Alembic migrations build exactly the store's metadata, on SQLite and PostgreSQL."""

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, TypeDecorator, UniqueConstraint, create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeEngine

from connectors_service.db import create_engine_from_url, create_schema, schema_is_current
from connectors_service.store import Store, metadata

_DATABASE_URL = os.environ.get("DATABASE_URL", "")
# PostgreSQL joins in when the session runs against it, as in conftest.py; SQLite always runs.
_BACKENDS = ["sqlite", "postgresql"] if _DATABASE_URL.startswith("postgresql") else ["sqlite"]


@pytest.fixture(params=_BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database with no tables at all."""
    if request.param == "sqlite":
        engine = create_engine_from_url(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    yield from _fresh_postgres_database()


def _fresh_postgres_database() -> Iterator[Engine]:
    # A database of its own: the shared `test` database holds other sessions' tables, which
    # must be neither dropped nor mistaken for the migrations' output.
    name = f"test_migrations_{uuid4().hex}"
    server = create_engine(make_url(_DATABASE_URL), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine = create_engine_from_url(
            make_url(_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
        )
        try:
            yield engine
        finally:
            engine.dispose()
            with server.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        server.dispose()


def _describe(engine: Engine) -> dict[str, dict[str, Any]]:
    """Tables, columns (name, Python type, nullability, collation), keys and indexes."""
    inspector = inspect(engine)
    return {
        table: {
            "columns": [
                (
                    column["name"],
                    column["type"].python_type,
                    column["nullable"],
                    getattr(column["type"], "collation", None),
                )
                for column in inspector.get_columns(table)
            ],
            "primary_key": inspector.get_pk_constraint(table)["name"],
            "unique": sorted(
                (unique["name"], tuple(unique["column_names"]))
                for unique in inspector.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (index["name"], tuple(index["column_names"]))
                for index in inspector.get_indexes(table)
                # PostgreSQL also lists the index behind each unique constraint, seen above.
                if "duplicates_constraint" not in index
            ),
            "foreign_keys": sorted(fk["name"] or "" for fk in inspector.get_foreign_keys(table)),
        }
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def _expected(engine: Engine) -> dict[str, dict[str, Any]]:
    """The same description, read from the metadata the store's queries are written against."""
    described: dict[str, dict[str, Any]] = {}
    for table in metadata.sorted_tables:
        uniques = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
        described[table.name] = {
            "columns": [
                (
                    column.name,
                    _python_type(column.type),
                    column.nullable,
                    # Autogenerate does not compare collations; keyset pagination needs "C".
                    getattr(column.type.dialect_impl(engine.dialect), "collation", None),
                )
                for column in table.columns
            ],
            "primary_key": table.primary_key.name,
            "unique": sorted((str(c.name), tuple(c.columns.keys())) for c in uniques),
            "indexes": sorted(
                (str(index.name), tuple(column.name for column in index.columns))
                for index in table.indexes
            ),
            "foreign_keys": sorted(str(fk.name) for fk in table.foreign_key_constraints),
        }
    return described


def _python_type(column_type: TypeEngine[Any]) -> type:
    # A TypeDecorator only converts values; reflection sees the type it decorates.
    if isinstance(column_type, TypeDecorator):
        return _python_type(column_type.impl_instance)
    return column_type.python_type


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("connectors_service") / "migrations"))
    return config


def test_upgrade_creates_exactly_the_metadata_tables_when_database_is_empty(
    empty_engine: Engine,
) -> None:
    create_schema(empty_engine)

    assert _describe(empty_engine) == _expected(empty_engine)
    assert "alembic_version" in inspect(empty_engine).get_table_names()


def test_migrated_schema_has_no_autogenerate_difference_when_compared_to_metadata(
    empty_engine: Engine,
) -> None:
    create_schema(empty_engine)

    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_upgrade_is_a_no_op_when_run_twice(empty_engine: Engine) -> None:
    create_schema(empty_engine)
    organization = Store(empty_engine).create_organization(slug="kept")
    before = _describe(empty_engine)

    create_schema(empty_engine)

    assert _describe(empty_engine) == before
    assert Store(empty_engine).list_organizations() == [organization]


def test_schema_is_current_only_when_upgraded(empty_engine: Engine) -> None:
    assert not schema_is_current(empty_engine)

    create_schema(empty_engine)

    assert schema_is_current(empty_engine)


def test_concurrent_upgrades_create_the_schema_once_when_processes_start_together(
    empty_engine: Engine,
) -> None:
    # Threads stand in for processes: each upgrade runs on its own pooled connection.
    with ThreadPoolExecutor(max_workers=4) as pool:
        for future in [pool.submit(create_schema, empty_engine) for _ in range(4)]:
            future.result()

    assert schema_is_current(empty_engine)
    assert _describe(empty_engine) == _expected(empty_engine)


def test_upgrade_adopts_the_database_when_create_all_made_it_before_migrations(
    empty_engine: Engine,
) -> None:
    metadata.create_all(empty_engine)
    organization = Store(empty_engine).create_organization(slug="adopted")

    create_schema(empty_engine)

    assert schema_is_current(empty_engine)
    assert Store(empty_engine).list_organizations() == [organization]


def test_downgrade_to_base_drops_every_table_when_run_after_upgrade(empty_engine: Engine) -> None:
    create_schema(empty_engine)
    config = _alembic_config()

    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    assert inspect(empty_engine).get_table_names() == ["alembic_version"]
    assert not schema_is_current(empty_engine)
