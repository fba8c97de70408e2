"""A tiny items API: its hand-written spec, a FastAPI app that matches it, and planted defects."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

TOKEN = "ck_test_0123456789abcdef"
SEED = 1234
# Small enough to keep each run around a second, large enough for every planted defect to show.
MAX_EXAMPLES = 10

Defect = Literal["server_error", "body_off_schema", "ignores_auth", "undocumented_status"]

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
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                    "example": 1,
                }
            ],
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
        }
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
        item_id = max(items) + 1
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

    return app
