"""Bodies and responses that are lists, maps and inline objects, from a generated client to a
generated server: the server validates them as the spec types them, the handler receives the
models its Protocol names, and the client returns them as models too."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.responses import JSONResponse

from tests.functional._importable import generated_package

PACKAGE = "typed_bodies_api"
ITEM = {"$ref": "#/components/schemas/Item"}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Typed", "version": "1"},
    "paths": {
        "/items": {
            "post": {
                "operationId": "addItems",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "array", "items": ITEM}}},
                },
                "responses": {
                    "200": {
                        "description": "The items by name, and a count.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["byName", "count"],
                                    "properties": {
                                        "byName": {"type": "object", "additionalProperties": ITEM},
                                        "count": {"type": "integer"},
                                    },
                                }
                            }
                        },
                    },
                    "400": {"description": "Invalid."},
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "size": {"type": "integer"},
                },
            }
        }
    },
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with generated_package(tmp_path_factory.mktemp("typed"), SPEC, name="typed", package=PACKAGE):
        yield PACKAGE


class _Shop:
    def __init__(self, server: Any) -> None:
        self.server = server
        self.received: list[Any] = []

    async def add_items(self, request: Any, *, body: Any) -> Any:
        self.received.append(body)
        by_name = {item.name: item for item in body}
        return self.server.Reply(200, {"byName": by_name, "count": len(body)})

    async def authenticate(self, request: Any, *, scheme: str, scopes: Any) -> None:
        return None

    def render_error(self, request: Any, error: Any) -> Any:
        problems = [[p.field, p.code] for p in error.problems]
        return JSONResponse({"code": error.code, "problems": problems}, status_code=error.status)


def test_list_body_arrives_as_models_and_map_response_returns_as_models(package: str) -> None:
    server = importlib.import_module(f"{package}.server")
    models = importlib.import_module(f"{package}.models")
    client_module = importlib.import_module(f"{package}.client")
    shop = _Shop(server)
    app = server.create_app(shop)

    async def run() -> tuple[Any, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with (
            client_module.AsyncTypedClient("http://test", transport=transport) as client,
            httpx.AsyncClient(transport=transport, base_url="http://test") as http,
        ):
            sent = await client.add_items(body=[models.Item(name="a", size=1), {"name": "b"}])
            refused = await http.post("/items", json=[{"name": "c"}, {"name": ""}])
            return sent, refused

    sent, refused = asyncio.run(run())

    # The handler got models, as its Protocol says (`list[models.Item]`), not dicts.
    assert [type(item) for item in shop.received[0]] == [models.Item, models.Item]
    # The inline response object is a model of its own, its map's values models too.
    assert type(sent) is models.AddItemsResponse
    assert sent.count == 2
    assert sent.byName["a"] == models.Item(name="a", size=1)
    # An item that breaks its schema is refused at its place in the list.
    assert refused.status_code == 400
    assert refused.json()["problems"] == [["/1/name", refused.json()["problems"][0][1]]]
    assert len(shop.received) == 1
