"""The ASGI application: every dialect on its generated stubs, over one store."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from connectors_service.crypto import load_secret_box
from connectors_service.db import Timeouts, create_engine_from_url, create_schema
from connectors_service.dialects.census import CensusConnectors, census_error, render_census_error
from connectors_service.dialects.native import NativeConnectors, native_error
from connectors_service.dialects.supermetrics import (
    SupermetricsConnectors,
    render_supermetrics_error,
    supermetrics_error,
)
from connectors_service.docs import create_docs_router
from connectors_service.domain import DomainError
from connectors_service.errors import render_native_error
from connectors_service.keycache import KeyCache
from connectors_service.middleware import RequestContextMiddleware, describe_error
from connectors_service.ratelimit import create_rate_limiter
from connectors_service.routing import Dialect, ErrorDispatcher
from connectors_service.services import Services
from connectors_service.settings import Settings
from connectors_service.store import Store, StoreUnavailable
from generated.census import server as census_server
from generated.connectors import server as native_server
from generated.supermetrics import server as supermetrics_server

__all__ = ["create_app", "create_served_app"]

# DOMAIN.md: a body over 1 MiB is 413.
MAX_BODY_BYTES = 1024 * 1024
# RFC 9110 15.6.4: 503 says the server cannot handle the request now but may later; 10.2.3:
# Retry-After says how long the client should wait. A lock or a slow statement clears quickly
# and an outage takes as long as it takes, so the wait is short: clients come back soon after
# the database does, and each retry meanwhile costs no more than the store's own timeouts.
RETRY_AFTER_SECONDS = 2

outage_log = logging.getLogger("connectors_service.outage")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for `settings` (default: from the environment)."""
    settings = settings or Settings()
    _configure_logging(settings.log_level)
    engine = create_engine_from_url(settings.database_url, Timeouts.from_settings(settings))
    create_schema(engine)
    lease = timedelta(seconds=settings.idempotency_lease_seconds)
    services = Services(
        store=Store(engine, idempotency_lease=lease),
        limiter=create_rate_limiter(settings),
        box=load_secret_box(settings),
        keys=KeyCache(settings.api_key_cache_seconds),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # A worker that stops closes its pooled connections instead of dropping them.
        services.store.close()

    # The hand-written specs are the contract; no schema is derived from this code. The
    # service serves those specs, bundled, and its own docs over them (docs/).
    app = FastAPI(
        title="Connectors API reference service",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        # A trailing slash is a 404, never a redirect built from the `Host` header.
        redirect_slashes=False,
        lifespan=lifespan,
    )
    app.state.services = services
    app.include_router(native_server.create_router(NativeConnectors(services)))
    app.include_router(census_server.create_router(CensusConnectors(services)))
    app.include_router(supermetrics_server.create_router(SupermetricsConnectors(services)))
    # The specs and their interactive docs, public; none of their paths is a dialect's.
    app.include_router(create_docs_router())
    dispatcher = ErrorDispatcher(
        [
            Dialect(
                name="native",
                prefix="/v1/connectors",
                error_type=native_server.ApiError,
                to_api_error=native_server.to_api_error,
                from_domain=native_error,
                render=render_native_error,
            ),
            Dialect(
                name="supermetrics",
                prefix="/v1/teams/",
                error_type=supermetrics_server.ApiError,
                to_api_error=supermetrics_server.to_api_error,
                from_domain=supermetrics_error,
                render=render_supermetrics_error,
            ),
            Dialect(
                name="census",
                prefix="/api/",
                error_type=census_server.ApiError,
                to_api_error=census_server.to_api_error,
                from_domain=census_error,
                render=render_census_error,
            ),
        ],
        refusals={StoreUnavailable: _service_unavailable},
    )
    dispatcher.install(app)
    app.add_middleware(
        RequestContextMiddleware, max_body_bytes=MAX_BODY_BYTES, render=dispatcher.render
    )
    return app


def create_served_app() -> FastAPI:
    """`create_app()` for a server process: what it built is kept out of the collector's way.

    Every object alive once the app is built (FastAPI's routes, pydantic's validators,
    SQLAlchemy's tables, the generated models) lives as long as the process. A full collection
    walks them all, 60-75 ms with the event loop stopped, whenever enough objects have
    outlived two younger collections. Frozen after one last collection, they are never walked
    again; the collector still frees what requests leave behind.
    """
    app = create_app()
    gc.collect()
    gc.freeze()
    return app


def _service_unavailable(error: Exception) -> DomainError:
    # Every store call may raise it: the API key lookup, idempotency records, reads, writes.
    outage_log.warning("database unavailable: %s", describe_error(error))
    return DomainError(
        503,
        "SERVICE_UNAVAILABLE",
        "The service is temporarily unavailable. Retry later.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _configure_logging(level: str) -> None:
    # One JSON line per request on stderr; a host application that configured logging itself
    # (tests, an embedding app) keeps its own handlers.
    logger = logging.getLogger("connectors_service")
    logger.setLevel(level.upper())
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
