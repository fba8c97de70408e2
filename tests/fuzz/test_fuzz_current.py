"""`current`: members a server sets once are sent back with the value the resource has."""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from oaskit.fuzz import CurrentTarget, FuzzOptions, FuzzUsageError, format_report, run_fuzz

UPDATE = "PUT /things/{id}"
_KIND = {"type": "string", "enum": ["a", "b", "c", "d", "e", "f", "g", "h"]}
_THING = {
    "type": "object",
    "required": ["id", "kind", "label"],
    "properties": {"id": {"type": "integer"}, "kind": _KIND, "label": {"type": "string"}},
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Things", "version": "1"},
    "paths": {
        "/things": {
            "post": {
                "operationId": "createThing",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["kind", "label"],
                                "properties": {
                                    "kind": _KIND,
                                    "label": {"type": "string", "maxLength": 5},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Created.",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                        "content": {"application/json": {"schema": {"$ref": "#/$defs/wrapped"}}},
                        "links": {
                            "Update": {
                                "operationId": "updateThing",
                                "parameters": {"id": "$response.body#/data/id"},
                            }
                        },
                    },
                    "422": {"description": "Refused."},
                },
            }
        },
        "/things/{id}": {
            "put": {
                "operationId": "updateThing",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["kind", "label"],
                                "properties": {
                                    "kind": _KIND,
                                    "label": {"type": "string", "maxLength": 5},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "Updated.",
                        "content": {"application/json": {"schema": {"$ref": "#/$defs/wrapped"}}},
                    },
                    "404": {"description": "No such thing."},
                    "422": {"description": "The kind is set on create only."},
                },
            }
        },
    },
    "$defs": {"wrapped": {"type": "object", "required": ["data"], "properties": {"data": _THING}}},
}


def build_app() -> FastAPI:
    """Things whose `kind` is set on create only: any other kind later is 422."""
    app = FastAPI()
    things: dict[int, dict[str, Any]] = {}
    ids = itertools.count(1)
    lock = threading.Lock()

    @app.post("/things")
    async def create(request: Request) -> Response:
        body = await request.json()
        with lock:
            thing = {"id": next(ids), "kind": body["kind"], "label": body["label"]}
            things[thing["id"]] = thing
        return JSONResponse(
            {"data": thing}, status_code=201, headers={"Location": f"/things/{thing['id']}"}
        )

    @app.put("/things/{thing_id}")
    async def update(thing_id: int, request: Request) -> Response:
        body = await request.json()
        with lock:
            thing = things.get(thing_id)
            if thing is None:
                return Response(status_code=404)
            if body["kind"] != thing["kind"]:
                return Response(status_code=422)
            thing["label"] = body["label"]
            return JSONResponse({"data": dict(thing)})

    return app


@pytest.fixture
def things_spec(tmp_path: Path) -> Path:
    path = tmp_path / "things.json"
    path.write_text(json.dumps(SPEC), encoding="utf-8")
    return path


def _valid_share(spec: Path, *current: str) -> float:
    options = FuzzOptions(
        spec,
        max_examples=20,
        seed=20261207,
        mode="positive",
        phases=("stateful",),
        current=tuple(CurrentTarget.parse(text) for text in current),
    )
    report = run_fuzz(options, app=build_app())
    assert report.ok, format_report(report)
    [update] = [operation for operation in report.operations if operation.label == UPDATE]
    assert update.valid_cases > 0, format_report(report)
    return update.valid_successes / update.valid_cases


def test_sends_the_current_value_of_a_member_set_on_create(things_spec: Path) -> None:
    """Without `current` a random kind is refused almost always; with it, the update lands."""
    without = _valid_share(things_spec)
    with_current = _valid_share(things_spec, "updateThing=body:/kind=/data/kind")

    assert without < 0.5
    assert with_current > 0.9
    assert with_current > without


@pytest.mark.parametrize(
    ("text", "pointer", "source", "operation"),
    [
        ("body:/kind=/data/kind", ("kind",), ("data", "kind"), None),
        ("updateThing=body:/a~1b=/x~0y", ("a/b",), ("x~y",), "updateThing"),
        ("body:/kind=", ("kind",), (), None),
    ],
)
def test_parses_current_targets_when_they_are_well_formed(
    text: str, pointer: tuple[str, ...], source: tuple[str, ...], operation: str | None
) -> None:
    target = CurrentTarget.parse(text)
    assert (target.pointer, target.source, target.operation_id) == (pointer, source, operation)


@pytest.mark.parametrize("text", ["header:X=/a", "body:/kind", "kind=/data/kind", "body:kind=/a"])
def test_refuses_current_target_when_it_is_malformed(text: str) -> None:
    with pytest.raises(FuzzUsageError, match="invalid current target"):
        CurrentTarget.parse(text)
