"""A tiny items API: its hand-written spec, a FastAPI app that matches it, and planted defects."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import uvicorn
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

TOKEN = "ck_test_0123456789abcdef"
SEED = 1234
# Small enough to keep each run around a second, large enough for every planted defect to show.
MAX_EXAMPLES = 10

Defect = Literal[
    "server_error",
    "body_off_schema",
    "ignores_auth",
    "undocumented_status",
    "delete_keeps_item",
]

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
NEW_ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}},
}
ID_PARAMETER: dict[str, Any] = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
    "example": 1,
}
# The stateful phase follows these (OAS 3.1 section 4.8.20): create, then read or delete what was
# created, then read what was deleted. Without them schemathesis never pairs a DELETE with a read
# of the same item, and `use_after_free` has nothing to look at.
CREATED_LINKS: dict[str, Any] = {
    "GetCreatedItem": {"operationId": "getItem", "parameters": {"id": "$response.body#/id"}},
    "DeleteCreatedItem": {"operationId": "deleteItem", "parameters": {"id": "$response.body#/id"}},
}
DELETED_LINKS: dict[str, Any] = {
    "GetDeletedItem": {"operationId": "getItem", "parameters": {"id": "$request.path.id"}},
}
PATHS: dict[str, Any] = {
    "/items": {
        "post": {
            "operationId": "createItem",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/NewItem"}}
                },
            },
            "responses": {
                "201": {
                    "description": "Created",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                    },
                    "links": CREATED_LINKS,
                },
                # FastAPI answers a body that is not JSON with 400, JSON off the schema with 422.
                "400": {"description": "Malformed JSON"},
                "401": {"description": "Missing or wrong credentials"},
                "422": {"description": "Invalid body"},
            },
        }
    },
    "/items/{id}": {
        "get": {
            "operationId": "getItem",
            "parameters": [ID_PARAMETER],
            "responses": {
                "200": {
                    "description": "The item",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                    },
                },
                "401": {"description": "Missing or wrong credentials"},
                "404": {"description": "No such item"},
                "422": {"description": "Invalid id"},
            },
        },
        "delete": {
            "operationId": "deleteItem",
            "parameters": [ID_PARAMETER],
            "responses": {
                "204": {"description": "Deleted", "links": DELETED_LINKS},
                "401": {"description": "Missing or wrong credentials"},
                "404": {"description": "No such item"},
                "422": {"description": "Invalid id"},
            },
        },
    },
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Items", "version": "1.0.0"},
    "security": [{"bearer": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Item": ITEM_SCHEMA, "NewItem": NEW_ITEM_SCHEMA},
    },
}


class NewItem(BaseModel):
    name: str


def build_app(defect: Defect | None = None) -> FastAPI:
    """The items API as the spec describes it, or with one `defect` planted."""
    app = FastAPI()
    items: dict[int, str] = {1: "first"}
    # Ids are never reused, or a read after a delete could meet a new item under the old id.
    ids = itertools.count(2)

    @app.exception_handler(StarletteHTTPException)
    async def allow_every_method(request: Request, exc: StarletteHTTPException) -> Response:
        # Starlette answers 405 from the first route whose path matches, so its `Allow` names
        # that route's methods only (RFC 9110 section 15.5.6 wants all of them): GET without
        # DELETE here, which `allow_header_conformance` rightly reports.
        if exc.status_code != 405:
            return await http_exception_handler(request, exc)
        methods = {
            method
            for route in app.routes
            if isinstance(route, APIRoute) and route.matches(request.scope)[0] is not Match.NONE
            for method in route.methods
        }
        return JSONResponse(
            {"detail": exc.detail},
            status_code=405,
            headers={"Allow": ", ".join(sorted(methods))},
        )

    def authorize(authorization: str | None) -> None:
        if authorization != f"Bearer {TOKEN}":
            raise HTTPException(status_code=401, detail="unauthorized")

    @app.post("/items", status_code=201, response_model=None)
    def create_item(item: NewItem, authorization: str | None = Header(None)) -> Any:
        authorize(authorization)
        # The coverage phase sends the empty name whatever the seed, so these defects always show.
        if not item.name and defect == "server_error":
            return JSONResponse({"detail": "boom"}, status_code=500)
        if not item.name and defect == "undocumented_status":
            return JSONResponse({"detail": "gone"}, status_code=410)
        item_id = next(ids)
        items[item_id] = item.name
        return {"id": item_id, "name": item.name}

    @app.get("/items/{id}", response_model=None)
    def get_item(id: int, authorization: str | None = Header(None)) -> Any:
        if defect != "ignores_auth":
            authorize(authorization)
        if id not in items:
            raise HTTPException(status_code=404, detail="not found")
        if defect == "body_off_schema":
            return {"id": str(id), "title": items[id]}
        return {"id": id, "name": items[id]}

    @app.delete("/items/{id}", status_code=204, response_model=None)
    def delete_item(id: int, authorization: str | None = Header(None)) -> Response:
        authorize(authorization)
        if id not in items:
            raise HTTPException(status_code=404, detail="not found")
        # The planted defect answers as if it deleted the item and keeps it readable.
        if defect != "delete_keeps_item":
            del items[id]
        return Response(status_code=204)

    return app


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free 127.0.0.1 port; yields its base URL.

    Only uvicorn's errors are logged: fuzzing provokes "Invalid HTTP request" warnings on
    purpose, and they would land in the stderr the CLI tests assert on.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    try:
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
