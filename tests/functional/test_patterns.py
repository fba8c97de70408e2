"""Patterns pydantic-core's Rust engine refuses: the package imports and still validates them.

`pattern` is ECMA-262 (JSON Schema 2020-12 validation 6.3.3); Rust's `regex` has no
look-around and reads `[` inside a class as a nested class (amadeus' `[[A-Z0-9]{1,18}`), so a
model or server with such a `Field(pattern=...)` failed at import. The path parameter below is
azure DataLakeStorage's `filesystem`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import ValidationError

from tests.functional._importable import generated_package

PACKAGE = "lake_api"
FILESYSTEM = "^[$a-z0-9](?!.*--)[-a-z0-9]{1,61}[a-z0-9]$"
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Lake", "version": "1"},
    "paths": {
        "/{filesystem}": {
            "get": {
                "operationId": "getFilesystem",
                "tags": ["lake"],
                "parameters": [
                    {
                        "name": "filesystem",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": FILESYSTEM},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The filesystem.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Lake"}}
                        },
                    },
                    "400": {"description": "Invalid."},
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Lake": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "pattern": FILESYSTEM},
                    # Also in the look-ahead's model, whose patterns all run on Python's `re`.
                    "code": {"type": "string", "pattern": "[[A-Z0-9]{1,18}"},
                },
            },
            "Carrier": {
                "type": "object",
                "properties": {"code": {"type": "string", "pattern": "[[A-Z0-9]{1,18}"}},
            },
        }
    },
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with generated_package(tmp_path_factory.mktemp("lake"), SPEC, name="lake", package=PACKAGE):
        yield PACKAGE


def _module(package: str, name: str) -> ModuleType:
    return importlib.import_module(f"{package}.{name}")


@pytest.mark.parametrize("code", ["[A1", "A", "xx[", "ABC123"])
def test_model_accepts_values_with_class_character_when_pattern_has_unescaped_bracket(
    package: str, code: str
) -> None:
    models = _module(package, "models")

    assert models.Carrier(code=code).code == code
    assert models.Lake(code=code).code == code


@pytest.mark.parametrize("code", ["a", "", "-_-"])
def test_model_refuses_values_without_class_character_when_pattern_has_unescaped_bracket(
    package: str, code: str
) -> None:
    models = _module(package, "models")

    with pytest.raises(ValidationError):
        models.Carrier(code=code)
    with pytest.raises(ValidationError):
        models.Lake(code=code)


@pytest.mark.parametrize(
    ("name", "valid"),
    [("my-lake1", True), ("$root", True), ("my--lake", False), ("My-lake", False), ("ab\n", False)],
)
def test_model_validates_look_ahead_when_rust_engine_refuses_it(
    package: str, name: str, valid: bool
) -> None:
    models = _module(package, "models")

    if valid:
        assert models.Lake(name=name).name == name
    else:
        with pytest.raises(ValidationError):
            models.Lake(name=name)


@dataclass
class _Lake:
    server: ModuleType
    received: list[str]

    async def get_filesystem(self, request: Any, *, filesystem: str) -> Any:
        self.received.append(filesystem)
        return self.server.Reply(200, {"name": filesystem})

    def render_error(self, request: Any, error: Any) -> Any:
        return JSONResponse({"code": error.code}, status_code=error.status)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/my-lake1", 200), ("/$root", 200), ("/my--lake", 400), ("/x", 400), ("/my-lake%0A", 400)],
)
def test_server_validates_look_ahead_path_parameter_when_rust_engine_refuses_it(
    package: str, path: str, status: int
) -> None:
    server = _module(package, "server")
    lake = _Lake(server=server, received=[])

    with TestClient(server.create_app(lake)) as client:
        response = client.get(path)

    assert response.status_code == status, response.text
    assert lake.received == ([path[1:]] if status == 200 else [])


def test_server_compiles_look_ahead_with_python_re_when_generated(package: str) -> None:
    source = _module(package, "server").__file__
    assert source is not None

    with open(source, encoding="utf-8") as text:
        written = text.read()

    assert "import re\n" in written
    assert "pattern=re.compile(" in written
