"""The ASGI application: the native dialect on the generated stubs, over one store."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from connectors_service.db import create_engine_from_url, create_schema
from connectors_service.dialects.native import NativeConnectors
from connectors_service.middleware import RequestContextMiddleware
from connectors_service.settings import Settings
from connectors_service.store import Store
from generated.connectors import server as native_server

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for `settings` (default: from the environment)."""
    settings = settings or Settings()
    logging.getLogger("connectors_service").setLevel(settings.log_level.upper())
    engine = create_engine_from_url(settings.database_url)
    create_schema(engine)
    store = Store(engine)
    app = native_server.create_app(
        NativeConnectors(store), title="Connectors API reference service"
    )
    app.add_middleware(RequestContextMiddleware)
    app.state.store = store
    return app
