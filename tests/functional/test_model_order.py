"""Models import when a class statement evaluates a class that sorts after it: an enum default,
a root model's or an alias's type, and roots and aliases that refer to each other in a cycle."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from tests.functional._importable import generated_package

PACKAGE = "order_api"

# `Alpha.kind` defaults to a member of the inline enum `AlphaKind`, which sorts after `Alpha`
# (Adyen's spec does this): the default is evaluated when `Alpha`'s class statement runs.
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Order", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "Alpha": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["fast", "slow"], "default": "slow"}
                },
            },
        }
    },
}


def test_model_with_enum_default_imports_and_validates_when_enum_sorts_after_it(
    tmp_path: Path,
) -> None:
    with generated_package(tmp_path, SPEC, name="order", package=PACKAGE):
        source = (tmp_path / PACKAGE / "models.py").read_text(encoding="utf-8")
        assert source.index("class AlphaKind(") < source.index("class Alpha(")
        models = importlib.import_module(f"{PACKAGE}.models")
        assert models.Alpha().kind is models.AlphaKind.slow
        assert models.Alpha.model_validate_json('{"kind": "fast"}').kind is models.AlphaKind.fast
        with pytest.raises(ValueError, match="kind"):
            models.Alpha.model_validate_json('{"kind": "walk"}')


CYCLE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Cycle", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            # A root model and an alias that refer to each other, and to a model: one of them
            # must name the other before it is defined.
            "Forest": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
            "Tree": {
                "anyOf": [
                    {"$ref": "#/components/schemas/Forest"},
                    {"$ref": "#/components/schemas/Leaf"},
                    {"type": "integer"},
                ]
            },
            "Leaf": {
                "type": "object",
                "properties": {"tree": {"$ref": "#/components/schemas/Tree"}},
            },
        }
    },
}


def test_roots_in_a_cycle_import_and_validate_nested_values(tmp_path: Path) -> None:
    with generated_package(tmp_path, CYCLE, name="cycle", package="cycle_api"):
        models = importlib.import_module("cycle_api.models")
        forest = models.Forest.model_validate_json('[1, [2, {"tree": [3]}]]')
        assert forest.root[0].root == 1
        assert forest.root[1].root.root[1].root.tree.root.root[0].root == 3
        with pytest.raises(ValueError, match="Forest"):
            models.Forest.model_validate_json('["x"]')


def test_root_union_that_names_itself_imports_and_validates(tmp_path: Path) -> None:
    # `Json: oneOf [string, array of Json]`: the base `RootModel[str | list[Json]]` would name
    # the class inside its own statement; it is written as a string, resolved afterwards.
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Json", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Json": {
                    "oneOf": [
                        {"type": "string"},
                        {"type": "array", "items": {"$ref": "#/components/schemas/Json"}},
                    ]
                }
            }
        },
    }
    with generated_package(tmp_path, spec, name="json", package="json_api"):
        source = (tmp_path / "json_api" / "models.py").read_text(encoding="utf-8")
        assert 'class Json(RootModel["str | list[Json]"]):' in source
        models = importlib.import_module("json_api.models")
        value = models.Json.model_validate_json('["a", ["b", []]]')
        assert value.root[1].root[0].root == "b"
        with pytest.raises(ValueError, match="Json"):
            models.Json.model_validate_json("[1]")
