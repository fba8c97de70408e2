"""Only 2xx responses are returned: a documented 3xx is raised like any other non-2xx status.

A 3xx asks for another request (RFC 9110 15.4), and httpx does not follow one by default, so a
documented `301` (GitHub documents one with an error body on most repository operations) is no
return type: the client returns the 200 model and raises `MovedPermanentlyError`, carrying the
`Location`, on a 301.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import typing
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi.responses import JSONResponse

from tests.functional._importable import generated_package

PACKAGE = "redirects_api"


def _json(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Repos", "version": "1"},
    "paths": {
        "/repos/{name}": {
            "get": {
                "operationId": "getRepo",
                "tags": ["repos"],
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": _json("The repository.", "Repo"),
                    "301": _json("Moved permanently.", "BasicError"),
                    "404": _json("No such repository.", "BasicError"),
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Repo": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}},
            },
            "BasicError": {
                "type": "object",
                "required": ["message"],
                "properties": {"message": {"type": "string"}},
            },
        }
    },
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with generated_package(tmp_path_factory.mktemp("repos"), SPEC, name="repos", package=PACKAGE):
        yield PACKAGE


def _module(package: str, name: str) -> ModuleType:
    return importlib.import_module(f"{package}.{name}")


class _Repos:
    def __init__(self, server: ModuleType, models: ModuleType) -> None:
        self._server = server
        self._models = models

    async def get_repo(self, request: Any, *, name: str) -> Any:
        if name == "old":
            raise self._server.ApiError(301, "MOVED", "Moved.", headers={"Location": "/repos/new"})
        return self._server.Reply(200, self._models.Repo(name=name))

    def render_error(self, request: Any, error: Any) -> Any:
        return JSONResponse(
            {"message": error.message}, status_code=error.status, headers=error.headers
        )


def test_return_type_is_the_2xx_model_when_a_3xx_is_documented(package: str) -> None:
    client_module = _module(package, "client")
    models = _module(package, "models")

    for client_class in (client_module.ReposClient, client_module.AsyncReposClient):
        hints = typing.get_type_hints(client_class.get_repo, vars(client_module))

        assert hints["return"] is models.Repo
    assert inspect.signature(client_module.ReposClient.get_repo).return_annotation == "models.Repo"


def test_client_returns_the_model_and_raises_on_a_redirect_when_served(package: str) -> None:
    server = _module(package, "server")
    client_module = _module(package, "client")
    models = _module(package, "models")
    app = server.create_app(_Repos(server, models))

    async def scenario() -> tuple[Any, Any]:
        transport = httpx.ASGITransport(app=app)
        async with client_module.AsyncReposClient("http://test", transport=transport) as client:
            found = await client.get_repo("new")
            with pytest.raises(client_module.ApiResponseError) as raised:
                await client.get_repo("old")
            return found, raised.value

    found, error = asyncio.run(scenario())

    assert found == models.Repo(name="new")
    assert type(error) is client_module.MovedPermanentlyError
    assert (error.status_code, error.headers["Location"]) == (301, "/repos/new")
    assert error.error == models.BasicError(message="Moved.")
