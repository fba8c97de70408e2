"""Any path key routes in the generated server, concrete paths first, from a spec without models.

Path parameter names are free text (OAS 3.1 4.8.8.1), where Starlette reads only identifiers
(and `{a:b}` as a convertor); "concrete (non-templated) paths would be matched before their
templated counterparts" (OAS 3.1 4.8.8); `components` is optional (4.8.1). The spec has no
`components` at all: its schemas are inline, and the package still generates and serves.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi.responses import JSONResponse

from tests.functional._importable import generated_package

PACKAGE = "routes_api"
ANSWER = {
    "description": "Which operation answered, with what.",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


def _operation(operation_id: str, tag: str, *names: str) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "tags": [tag],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in names
        ],
        "responses": {"200": ANSWER, "404": {"description": "No such thing."}},
    }


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Routes", "version": "1"},
    "paths": {
        "/teams/{enterprise-team}/flights/{flight.orderId}": {
            "get": _operation("getFlight", "a", "enterprise-team", "flight.orderId")
        },
        # Starlette would read `{name:int}` as parameter `name` with its `int` convertor.
        "/kinds/{name:int}": {"get": _operation("getKind", "a", "name:int")},
        # The templated path comes first, in the spec and by tag; the concrete one must win.
        "/artifacts/{hash}": {
            "get": _operation("getArtifact", "a", "hash"),
            "post": _operation("postArtifact", "a", "hash"),
        },
        "/artifacts/events": {"post": _operation("recordEvents", "b")},
        "/v1/{name}": {"post": _operation("updateJob", "a", "name")},
        "/v1/{name}:cancel": {"post": _operation("cancelJob", "b", "name")},
    },
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with generated_package(tmp_path_factory.mktemp("routes"), SPEC, name="routes", package=PACKAGE):
        yield PACKAGE


def _module(package: str, name: str) -> ModuleType:
    return importlib.import_module(f"{package}.{name}")


class _Answers:
    """Every operation answers with its own name and the parameters it was given."""

    def __init__(self, server: ModuleType) -> None:
        self._server = server

    def __getattr__(self, name: str) -> Any:
        async def handler(request: Any, **parameters: Any) -> Any:
            return self._server.Reply(200, {"operation": name, **parameters})

        return handler

    def render_error(self, request: Any, error: Any) -> Any:
        return JSONResponse({"code": error.code}, status_code=error.status, headers=error.headers)


def _call(package: str, scenario: Any) -> Any:
    """Run `scenario(client, http)` against the generated app, in process."""
    server = _module(package, "server")
    client_module = _module(package, "client")
    app = server.create_app(_Answers(server))

    async def run() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with (
            client_module.AsyncRoutesClient("http://test", transport=transport) as client,
            httpx.AsyncClient(transport=transport, base_url="http://test") as http,
        ):
            return await scenario(client, http)

    return asyncio.run(run())


def test_handler_receives_spec_values_when_parameter_names_are_not_identifiers(
    package: str,
) -> None:
    async def scenario(client: Any, http: Any) -> Any:
        return await client.get_flight("acme corp", "o-1.2"), await client.get_kind("abc")

    flight, kind = _call(package, scenario)

    assert flight == {
        "operation": "get_flight",
        "enterprise_team": "acme corp",
        "flight_order_id": "o-1.2",
    }
    # Not read as Starlette's `int` convertor: a value of letters routes.
    assert kind == {"operation": "get_kind", "name_int": "abc"}


def test_concrete_path_answers_when_a_templated_path_matches_it_too(package: str) -> None:
    async def scenario(client: Any, http: Any) -> Any:
        return (
            await client.record_events(),
            await client.post_artifact("abc"),
            await client.cancel_job("job-1"),
            await client.update_job("job-1"),
            await http.delete("/artifacts/events"),
        )

    events, artifact, cancel, update, delete = _call(package, scenario)

    assert events == {"operation": "record_events"}
    assert artifact == {"operation": "post_artifact", "hash": "abc"}
    # A segment mixing text and an expression is more concrete than a bare expression.
    assert cancel == {"operation": "cancel_job", "name": "job-1"}
    assert update == {"operation": "update_job", "name": "job-1"}
    # The concrete path's own `Allow`, not the templated one's (RFC 9110 15.5.6).
    assert (delete.status_code, delete.headers["Allow"]) == (405, "POST")


def test_spec_without_components_generates_a_models_module_without_models(package: str) -> None:
    models = _module(package, "models")

    assert not [name for name in vars(models) if not name.startswith("_")]


def test_path_parameter_holding_a_slash_routes_when_sent_encoded(package: str) -> None:
    # RFC 3986 2.2: `%2F` in a segment is data; the client encodes a `/`, and the server routes
    # on the path with it still encoded, then gives the handler the value with its `/`.
    async def scenario(client: Any, http: Any) -> Any:
        encoded = await http.get("/teams/a%2Fb%25c/flights/x%2F")
        return await client.get_flight("acme/corp", "o/1"), encoded.json()

    flight, encoded = _call(package, scenario)

    assert flight == {
        "operation": "get_flight",
        "enterprise_team": "acme/corp",
        "flight_order_id": "o/1",
    }
    assert encoded == {
        "operation": "get_flight",
        "enterprise_team": "a/b%c",
        "flight_order_id": "x/",
    }
