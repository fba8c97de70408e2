"""The invariant checks catch what they are for: each against a tiny app with a planted defect.

The app mimics the native dialect's shape (envelope `{data}`, `version`, `ETag`, `maskedData`)
without the service, so each check is shown to fail on its defect and to pass without it.
"""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path
from typing import Any, Literal

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from oaskit.fuzz import FreshTarget, FuzzOptions, FuzzReport, format_report, run_fuzz
from tests.service import invariants

TOKEN = "ck_invariants_0123456789"
SECRET = "tok_live_4f1c9a7e2b"
CHECKS = ("list_items_match_reads", "no_secret_in_responses", "version_tracks_state")
Defect = Literal[
    "none",
    "secret_in_read",
    "sealed_in_list",
    "secret_in_nested_list",
    "list_differs",
    "version_kept",
    "version_bumped",
]

_CONNECTOR = {
    "type": "object",
    "required": ["id", "name", "version", "maskedData"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "version": {"type": "integer"},
        "maskedData": {"type": "object"},
    },
}
_ENVELOPE = {"type": "object", "required": ["data"], "properties": {"data": _CONNECTOR}}
_LIST = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": _CONNECTOR}},
        }
    },
}
_NAME = {"type": "string", "enum": ["Braze", "Pipedrive"]}
_DATA = {
    "type": "object",
    "required": ["api_token", "hosts"],
    "additionalProperties": False,
    "properties": {
        "api_token": {"type": "string", "enum": [SECRET]},
        "hosts": {
            "type": "array",
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["password"],
                    "additionalProperties": False,
                    "properties": {"password": {"type": "string", "enum": [f"{SECRET}-nested"]}},
                },
            },
        },
    },
}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
_ETAG = {"ETag": {"schema": {"type": "string"}}}


def _ok(description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "headers": _ETAG,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


_REFUSED = {"description": "Refused."}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Connectors", "version": "1.0.0"},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {
        "/v1/connectors": {
            "get": {
                "operationId": "listConnectors",
                "responses": {"200": _ok("A page.", _LIST), "401": _REFUSED},
            },
            "post": {
                "operationId": "createConnector",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name", "data"],
                                "additionalProperties": False,
                                "properties": {"name": _NAME, "data": _DATA},
                            }
                        }
                    },
                },
                "responses": {
                    "201": _ok(
                        "Created.",
                        _ENVELOPE,
                        links={
                            "Get": {
                                "operationId": "getConnector",
                                "parameters": {"id": "$response.body#/data/id"},
                            },
                            "Update": {
                                "operationId": "updateConnector",
                                "parameters": {"id": "$response.body#/data/id"},
                            },
                        },
                    ),
                    "400": _REFUSED,
                    "401": _REFUSED,
                },
            },
        },
        "/v1/connectors/{id}": {
            "parameters": [_ID],
            "get": {
                "operationId": "getConnector",
                "responses": {
                    "200": _ok(
                        "The connector.",
                        _ENVELOPE,
                        links={
                            "List": {"operationId": "listConnectors"},
                            "Update": {
                                "operationId": "updateConnector",
                                "parameters": {"id": "$response.body#/data/id"},
                            },
                        },
                    ),
                    "401": _REFUSED,
                    "404": _REFUSED,
                },
            },
            "put": {
                "operationId": "updateConnector",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {"name": _NAME},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _ok(
                        "Updated.",
                        _ENVELOPE,
                        links={
                            "Get": {
                                "operationId": "getConnector",
                                "parameters": {"id": "$response.body#/data/id"},
                            },
                            "List": {"operationId": "listConnectors"},
                        },
                    ),
                    "400": _REFUSED,
                    "401": _REFUSED,
                    "404": _REFUSED,
                },
            },
        },
    },
}


def build_app(defect: Defect) -> FastAPI:
    """The connectors app, correct but for `defect`."""
    app = FastAPI()
    lock = threading.Lock()
    stored: dict[str, dict[str, Any]] = {}
    ids = itertools.count(1)

    def masked(connector: dict[str, Any], *, listed: bool = False) -> dict[str, Any]:
        data = connector["data"]
        shown: dict[str, Any] = {
            "api_token": "**********",
            "hosts": [[{"password": "**********"} for _ in row] for row in data["hosts"]],
        }
        if defect == "secret_in_read" and not listed:
            shown["api_token"] = data["api_token"]
        if defect == "sealed_in_list" and listed:
            shown["api_token"] = {"$sealed": "v1.k1.c2VhbGVkLXNlY3JldC12YWx1ZS0xMjM0NTY3OA"}
        if defect == "secret_in_nested_list":
            shown["hosts"] = data["hosts"]
        view = {
            "id": connector["id"],
            "name": connector["name"],
            "version": connector["version"],
            "maskedData": shown,
        }
        if defect == "list_differs" and listed:
            view["name"] = view["name"].upper()
        return view

    def answer(connector: dict[str, Any], status: int = 200) -> JSONResponse:
        return JSONResponse(
            {"data": masked(connector)},
            status_code=status,
            headers={"ETag": f'"{connector["version"]}"'},
        )

    def refused(status: int) -> JSONResponse:
        return JSONResponse({"error": status}, status_code=status)

    async def body_of(request: Request) -> Any:
        try:
            return json.loads(await request.body())
        except ValueError:
            return None

    @app.middleware("http")
    async def authenticate(request: Request, call_next: Any) -> Response:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return refused(401)
        response: Response = await call_next(request)
        return response

    @app.get("/v1/connectors")
    async def list_connectors() -> JSONResponse:
        with lock:
            items = [masked(item, listed=True) for item in stored.values()]
        return JSONResponse({"data": {"items": items}})

    @app.post("/v1/connectors")
    async def create(request: Request) -> Response:
        body = await body_of(request)
        if not isinstance(body, dict) or set(body) != {"name", "data"}:
            return refused(400)
        with lock:
            connector = {"id": f"con_{next(ids)}", "version": 1, **body}
            stored[connector["id"]] = connector
        return answer(connector, 201)

    @app.get("/v1/connectors/{id}")
    async def read(id: str) -> Response:
        connector = stored.get(id)
        return answer(connector) if connector is not None else refused(404)

    @app.put("/v1/connectors/{id}")
    async def update(id: str, request: Request) -> Response:
        body = await body_of(request)
        if not isinstance(body, dict) or set(body) - {"name"}:
            return refused(400)
        connector = stored.get(id)
        if connector is None:
            return refused(404)
        with lock:
            changed = "name" in body and body["name"] != connector["name"]
            if changed:
                connector["name"] = body["name"]
            if (changed and defect != "version_kept") or (
                not changed and defect == "version_bumped"
            ):
                connector["version"] += 1
        return answer(connector)

    return app


def fuzz(defect: Defect, tmp_path: Path) -> FuzzReport:
    spec = tmp_path / "connectors.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    options = FuzzOptions(
        spec,
        headers={"Authorization": f"Bearer {TOKEN}"},
        max_examples=20,
        seed=7,
        mode="positive",
        phases=("examples", "fuzzing", "stateful"),
        checks=CHECKS,
        check_modules=("tests.service.invariants",),
        fresh=(FreshTarget.parse("header:Idempotency-Key"),),
    )
    return run_fuzz(options, app=build_app(defect))


def failed(report: FuzzReport) -> set[str]:
    return {failure.check for failure in report.failures}


def test_every_invariant_holds_when_the_app_has_no_defect(tmp_path: Path) -> None:
    report = fuzz("none", tmp_path)

    assert report.ok, format_report(report)
    assert set(report.checks) == set(CHECKS)


@pytest.mark.parametrize(
    ("defect", "check", "message"),
    [
        ("secret_in_read", "no_secret_in_responses", "a secret a request sent is in the response"),
        ("sealed_in_list", "no_secret_in_responses", "a sealed value is in the response"),
        (
            "secret_in_nested_list",
            "no_secret_in_responses",
            "a secret a request sent is in the response",
        ),
        ("list_differs", "list_items_match_reads", "the list and a read differ in name"),
        ("version_kept", "version_tracks_state", "but kept version"),
        ("version_bumped", "version_tracks_state", "changed nothing visible"),
    ],
)
def test_catches_a_planted_defect_when_the_app_has_one(
    tmp_path: Path, defect: Defect, check: str, message: str
) -> None:
    report = fuzz(defect, tmp_path)

    assert check in failed(report), format_report(report)
    messages = [failure.message for failure in report.failures if failure.check == check]
    assert any(message in text for text in messages), messages
    # A message names where a secret leaked, never the secret itself (the curl command shows
    # the request, which sent it).
    assert not any(SECRET in failure.message for failure in report.failures)


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("api_token", True),
        ("Client-Secret", True),
        ("private.key", True),
        ("x_API_KEY", True),
        ("session_cookie", True),
        ("instance_url", False),
        ("keyname", False),
    ],
)
def test_tells_secret_names_the_way_the_service_does(name: str, secret: bool) -> None:
    assert invariants.is_secret_name(name) is secret


def test_finds_a_secret_inside_a_longer_string_only_when_it_is_long_enough() -> None:
    body = {"message": f"bad value {SECRET}!", "short": "ab"}

    assert invariants.leaked_secrets({SECRET}, body, json.dumps(body)) == [("/message", SECRET)]
    assert invariants.leaked_secrets({"bad"}, body, json.dumps(body)) == []
