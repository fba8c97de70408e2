"""Schema names with dots (Stripe's `account.settings`): one models module, calls that work."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest

from tests.functional._importable import generated_package

PACKAGE = "dotted_api"
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Dotted", "version": "1"},
    "paths": {
        "/pets/{id}": {
            "get": {
                "operationId": "getPet",
                "tags": ["pets"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "The pet.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/pet"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "pet": {
                "type": "object",
                "required": ["name", "owner"],
                "properties": {
                    "name": {"type": "string"},
                    "owner": {"$ref": "#/components/schemas/pet.owner"},
                },
            },
            "pet.owner": {
                "type": "object",
                "required": ["email"],
                "properties": {"email": {"type": "string"}},
            },
            # Taken already: the dotted name's rename must not collide with it.
            "pet_owner": {"type": "object", "properties": {"id": {"type": "integer"}}},
        }
    },
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("dotted"), SPEC, name="dotted", package=PACKAGE):
        yield importlib.import_module(f"{PACKAGE}.client")


def test_generates_one_models_module_when_schema_names_have_dots(package: ModuleType) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")

    assert models.__file__ is not None
    assert models.__file__.endswith("models.py")
    assert {"Pet", "PetOwner"} <= set(vars(models))


def test_client_returns_nested_dotted_model_when_called(package: ModuleType) -> None:
    body = {"name": "Rex", "owner": {"email": "a@b.test"}}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    client = package.DottedClient("https://pets.test", transport=transport)

    pet = client.get_pet("p1")

    assert pet.name == "Rex"
    assert pet.owner.email == "a@b.test"
