"""Path arguments in the template's order; JSON integers written as `1965.0` accepted.

A client call written in URL order must reach the URL it names, and a body that JSON Schema
calls valid (`year: 1965.0` is an integer, 2020-12 Validation 6.1.1) must not be refused.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from tests.functional._importable import generated_package

PACKAGE = "shelf_api"
BOOK = {
    "type": "object",
    "required": ["title", "year"],
    "properties": {"title": {"type": "string"}, "year": {"type": "integer"}},
}
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Shelves", "version": "1"},
    "paths": {
        # zoneId sorts after bookId: alphabetical order would swap the arguments.
        "/zones/{zoneId}/books/{bookId}": {
            "parameters": [
                {"name": "zoneId", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "bookId", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "put": {
                "operationId": "putBook",
                "tags": ["books"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Book"}}
                    },
                },
                "responses": {
                    "200": {
                        "description": "The book.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Book"}}
                        },
                    },
                    "400": {"description": "Invalid."},
                },
            },
        }
    },
    "components": {"schemas": {"Book": BOOK}},
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with generated_package(
        tmp_path_factory.mktemp("shelves"), SPEC, name="shelves", package=PACKAGE
    ):
        yield PACKAGE


def _module(package: str, name: str) -> ModuleType:
    return importlib.import_module(f"{package}.{name}")


def test_client_takes_path_arguments_in_template_order_when_names_sort_otherwise(
    package: str,
) -> None:
    client_module = _module(package, "client")
    models = _module(package, "models")
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"title": "Dune", "year": 1965})

    signature = inspect.signature(client_module.ShelvesClient.put_book)
    positional = [
        p.name for p in signature.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD
    ]
    client = client_module.ShelvesClient("http://test", transport=httpx.MockTransport(answer))
    with client:
        client.put_book("z1", "b2", body=models.Book(title="Dune", year=1965))

    assert positional == ["self", "zone_id", "book_id"]
    assert seen == ["/zones/z1/books/b2"]


@dataclass
class _Books:
    server: ModuleType
    received: list[Any]

    async def put_book(self, request: Any, *, zone_id: str, book_id: str, body: Any) -> Any:
        self.received.append(body)
        return self.server.Reply(200, body)

    def render_error(self, request: Any, error: Any) -> Any:
        return JSONResponse({"code": error.code}, status_code=error.status)


@pytest.mark.parametrize(
    ("year", "status"),
    [("1965", 200), ("1965.0", 200), ("1.965e3", 200), ("1965.5", 400), ('"1965"', 400)],
)
def test_server_accepts_integers_written_with_zero_fraction_when_schema_says_integer(
    package: str, year: str, status: int
) -> None:
    server = _module(package, "server")
    books = _Books(server=server, received=[])
    app = server.create_app(books)
    body = f'{{"title": "Dune", "year": {year}}}'

    with TestClient(app) as client:
        response = client.put(
            "/zones/z1/books/b2", content=body, headers={"Content-Type": "application/json"}
        )

    assert response.status_code == status, response.text
    if status == 200:
        assert books.received[0].year == 1965
        assert type(books.received[0].year) is int
