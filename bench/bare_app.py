"""The peer of the service benchmark: GET and PUT /v1/connectors/{id} in bare Starlette.

It does the least a correct handler must do, on the same database and the same engine setup
as the service (`connectors_service.db`: same pool, same SQLite pragmas), so the ratio in
BENCHMARKS.md measures what the service adds on top of the unavoidable work:

- the bearer key is checked by one indexed lookup on every request (sha256 of the key against
  the unique `api_keys.key_hash` index, revoked keys excluded), so a revoked key fails at once;
  the service makes the same lookup but remembers a valid key for up to
  `CONNECTORS_API_KEY_CACHE_SECONDS` (5 s by default; `connectors_service/keycache.py`), a
  documented trade of revocation delay for one query less per request, which the ratio credits;
- GET is one single-row SELECT by id and organization; PUT is one single-row
  `UPDATE … SET name, version = version + 1, updated_at WHERE id AND organization_id
  RETURNING …`; both run on one pooled connection in one thread-pool hop (the service uses
  the same thread pool for its blocking store calls), as Core statements built once with
  bound parameters, and GET without BEGIN and ROLLBACK on PostgreSQL (autocommit), as the
  service's store runs its per-request statements;
- JSON in (`{"name": …}`) and JSON out.

What it leaves out, on purpose, because that is the service's own cost being measured: the
request-context middleware (request id, standard headers, 413 body limit, one JSON log line),
the rate limiter, validation of the request by the spec (generated FastAPI routers, pydantic
models, the flat/vendor PUT shapes), decrypting and re-encrypting secret values and masking
them, the optimistic read-then-conditional-update of PUT (a read more) and its retries,
ETags, the response envelope and the dialect error rendering. Its errors are bare too.

Run it as uvicorn's factory: `uvicorn --factory bench.bare_app:create_app`; `DATABASE_URL`
names the database, as for the service.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Integer,
    Row,
    String,
    Text,
    bindparam,
    column,
    select,
    table,
    update,
)
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from connectors_service.db import create_engine_from_url

__all__ = ["create_app"]

# Lightweight table clauses (no ORM mapping): typed columns only so that SQLAlchemy converts
# timestamps the same way on SQLite (text) and PostgreSQL (timestamptz).
_api_keys = table(
    "api_keys",
    column("organization_id", String),
    column("scopes", String),
    column("key_hash", String),
    column("revoked_at", DateTime(timezone=True)),
)
_connectors = table(
    "connectors",
    column("id", String),
    column("organization_id", String),
    column("name", String),
    column("description", Text),
    column("provider", String),
    column("type", String),
    column("service_name", String),
    column("version", Integer),
    column("created_at", DateTime(timezone=True)),
    column("updated_at", DateTime(timezone=True)),
)
_READ_COLUMNS = (
    _connectors.c.id,
    _connectors.c.name,
    _connectors.c.description,
    _connectors.c.provider,
    _connectors.c.type,
    _connectors.c.service_name,
    _connectors.c.version,
    _connectors.c.created_at,
    _connectors.c.updated_at,
)
_KEY_PREFIX = "ck_"
_MAX_NAME_LENGTH = 255


_KEY_LOOKUP = select(_api_keys.c.organization_id, _api_keys.c.scopes).where(
    _api_keys.c.key_hash == bindparam("key_hash"), _api_keys.c.revoked_at.is_(None)
)
_READ = select(*_READ_COLUMNS).where(
    _connectors.c.id == bindparam("connector_id"),
    _connectors.c.organization_id == bindparam("organization_id"),
)
_WRITE = (
    update(_connectors)
    # An UPDATE's own parameters may not share a column's name.
    .where(
        _connectors.c.id == bindparam("where_id"),
        _connectors.c.organization_id == bindparam("where_organization_id"),
    )
    .values(
        name=bindparam("new_name"),
        version=_connectors.c.version + 1,
        updated_at=bindparam("new_updated_at"),
    )
    .returning(*_READ_COLUMNS)
)


def create_app() -> Starlette:
    """Build the bare app on the database `DATABASE_URL` names."""
    engine = create_engine_from_url(os.environ["DATABASE_URL"])
    handlers = _Handlers(engine)
    return Starlette(
        routes=[
            Route("/v1/connectors/{id}", handlers.get, methods=["GET"]),
            Route("/v1/connectors/{id}", handlers.put, methods=["PUT"]),
        ]
    )


class _Handlers:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # As the service's store reads: without BEGIN and ROLLBACK on PostgreSQL.
        self._reads = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else engine
        )

    async def get(self, request: Request) -> JSONResponse:
        key = _bearer(request)
        if key is None:
            return _error(401)
        connector_id = request.path_params["id"]
        status, row = await run_in_threadpool(self._read, key, connector_id)
        return _error(status) if row is None else JSONResponse({"data": _as_json(row)})

    async def put(self, request: Request) -> JSONResponse:
        key = _bearer(request)
        if key is None:
            return _error(401)
        try:
            body = await request.json()
        except ValueError:
            return _error(400)
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str) or not 0 < len(name) <= _MAX_NAME_LENGTH:
            return _error(400)
        connector_id = request.path_params["id"]
        status, row = await run_in_threadpool(self._write, key, connector_id, name)
        return _error(status) if row is None else JSONResponse({"data": _as_json(row)})

    def _read(self, key: str, connector_id: str) -> tuple[int, Mapping[str, Any] | None]:
        with self._reads.connect() as connection:
            organization_id = _organization_of(connection, key, scope="connectors:read")
            if organization_id is None:
                return 401, None
            row = connection.execute(
                _READ, {"connector_id": connector_id, "organization_id": organization_id}
            ).one_or_none()
        return _found(row)

    def _write(
        self, key: str, connector_id: str, name: str
    ) -> tuple[int, Mapping[str, Any] | None]:
        # begin(): the key lookup and the UPDATE share one transaction, committed on exit.
        with self._engine.begin() as connection:
            organization_id = _organization_of(connection, key, scope="connectors:write")
            if organization_id is None:
                return 401, None
            row = connection.execute(
                _WRITE,
                {
                    "where_id": connector_id,
                    "where_organization_id": organization_id,
                    "new_name": name,
                    # Milliseconds, as the service stores them (store/_clock.py).
                    "new_updated_at": _now_ms(),
                },
            ).one_or_none()
        return _found(row)


def _organization_of(connection: Connection, key: str, *, scope: str) -> str | None:
    # The service's check: only the sha256 of a key is stored, behind a unique index.
    if not key.startswith(_KEY_PREFIX):
        return None
    found = connection.execute(
        _KEY_LOOKUP, {"key_hash": hashlib.sha256(key.encode()).hexdigest()}
    ).one_or_none()
    if found is None or scope not in found.scopes.split():
        return None
    organization_id: str = found.organization_id
    return organization_id


def _found(row: Row[*tuple[Any, ...]] | None) -> tuple[int, Mapping[str, Any] | None]:
    return (404, None) if row is None else (200, dict(row._mapping))


def _bearer(request: Request) -> str | None:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


def _now_ms() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _as_json(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in row.items()
    }


def _error(status: int) -> JSONResponse:
    return JSONResponse({"code": status}, status_code=status)
