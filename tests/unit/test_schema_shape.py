"""`check_schemas` and `schema_sites`: the OAS 3.1 dialect's keyword shapes, at the right node."""

from __future__ import annotations

from typing import Any

import pytest

from oaskit.spec._load import Pointer
from oaskit.spec._schema_shape import check_schemas
from oaskit.spec._schema_sites import schema_sites


def _no_refs(_ref: str) -> tuple[Pointer, Any] | None:
    return None


def shape_errors(schema: Any) -> list[tuple[Pointer, str]]:
    return list(check_schemas([(("s",), schema)], _no_refs))


@pytest.mark.parametrize(
    "schema",
    [
        True,
        {},
        {"type": ["string", "null"], "minLength": 0, "maxLength": 2.0, "pattern": "^[a-z]+$"},
        {"properties": {"a": {"type": "integer", "multipleOf": 0.5}}, "required": ["a"]},
        {"allOf": [{"$ref": "#/x"}], "discriminator": {"propertyName": "kind", "x-extra": 1}},
        {"prefixItems": [True, {}], "items": False, "dependentRequired": {"a": ["b"]}},
        {"dependencies": {"a": ["b"], "c": {"type": "object"}}, "nullable": True, "x-any": [1]},
        {"xml": {"name": "pet", "wrapped": True}, "externalDocs": {"url": "https://docs.test"}},
    ],
)
def test_accepts_schema_when_every_keyword_has_its_shape(schema: Any) -> None:
    assert shape_errors(schema) == []


@pytest.mark.parametrize(
    ("schema", "pointer", "message"),
    [
        (12, ("s",), "12 is not of type 'object', 'boolean'"),
        ({"type": "strin"}, ("s", "type"), "'strin' is not one of"),
        ({"type": []}, ("s", "type"), "[] should be non-empty"),
        ({"type": ["string", "string"]}, ("s", "type"), "has non-unique elements"),
        ({"minLength": -1}, ("s", "minLength"), "-1 is less than the minimum of 0"),
        ({"maxItems": 1.5}, ("s", "maxItems"), "1.5 is not of type 'integer'"),
        ({"minItems": True}, ("s", "minItems"), "True is not of type 'integer'"),
        ({"multipleOf": 0}, ("s", "multipleOf"), "less than or equal to the minimum of 0"),
        ({"maximum": "9"}, ("s", "maximum"), "'9' is not of type 'number'"),
        ({"pattern": "(["}, ("s", "pattern"), "is not a 'regex'"),
        ({"patternProperties": {"([": {}}}, ("s", "patternProperties", "(["), "not a 'regex'"),
        ({"required": "name"}, ("s", "required"), "'name' is not of type 'array'"),
        ({"required": ["a", 1]}, ("s", "required", 1), "1 is not of type 'string'"),
        ({"required": ["a", "a"]}, ("s", "required"), "has non-unique elements"),
        ({"oneOf": []}, ("s", "oneOf"), "[] should be non-empty"),
        ({"anyOf": {}}, ("s", "anyOf"), "{} is not of type 'array'"),
        ({"properties": []}, ("s", "properties"), "[] is not of type 'object'"),
        ({"properties": {"a": "x"}}, ("s", "properties", "a"), "'x' is not of type 'object'"),
        ({"items": [{}]}, ("s", "items"), "is not of type 'object', 'boolean'"),
        ({"readOnly": "yes"}, ("s", "readOnly"), "'yes' is not of type 'boolean'"),
        ({"discriminator": {}}, ("s", "discriminator"), "'propertyName' is a required property"),
        ({"xml": {"names": "a"}}, ("s", "xml"), "('names' was unexpected)"),
        ({"externalDocs": {"url": 1}}, ("s", "externalDocs", "url"), "not of type 'string'"),
        ({"$vocabulary": {"a": 1}}, ("s", "$vocabulary", "a"), "not of type 'boolean'"),
    ],
)
def test_reports_keyword_at_its_pointer_when_its_value_has_the_wrong_shape(
    schema: Any, pointer: Pointer, message: str
) -> None:
    errors = shape_errors(schema)

    assert len(errors) == 1, errors
    assert errors[0][0] == pointer
    assert message in errors[0][1]


def test_checks_nested_schemas_when_keywords_hold_schemas() -> None:
    schema = {
        "properties": {"a": {"items": {"not": {"if": {"minimum": "x"}}}}},
        "additionalProperties": {"$defs": {"d": {"type": 1}}},
    }

    assert [pointer for pointer, _ in shape_errors(schema)] == [
        ("s", "properties", "a", "items", "not", "if", "minimum"),
        ("s", "additionalProperties", "$defs", "d", "type"),
    ]


def test_checks_referenced_schema_once_at_its_own_place_when_reached_by_ref() -> None:
    target = {"minLength": -2}
    refs: dict[str, tuple[Pointer, Any]] = {"#/t": (("t",), target)}
    roots = [(("a",), {"$ref": "#/t"}), (("b",), {"items": {"$ref": "#/t"}})]

    errors = list(check_schemas(roots, refs.get))

    assert errors == [(("t", "minLength"), "-2 is less than the minimum of 0")]


def test_stops_when_schemas_refer_to_each_other_in_a_cycle() -> None:
    a: dict[str, Any] = {"properties": {}}
    b = {"items": {"$ref": "#/a"}, "type": "bad"}
    a["properties"]["b"] = {"$ref": "#/b"}
    refs: dict[str, tuple[Pointer, Any]] = {"#/a": (("a",), a), "#/b": (("b",), b)}

    errors = list(check_schemas([(("a",), a)], refs.get))

    assert [pointer for pointer, _ in errors] == [("b", "type")]


def test_finds_every_schema_site_when_document_uses_each_oas_structure() -> None:
    media = {"schema": {"title": "m"}, "encoding": {"f": {"headers": {"H": {"schema": {}}}}}}
    operation = {
        "parameters": [{"name": "p", "in": "query", "schema": {}}, {"$ref": "#/x"}],
        "requestBody": {"content": {"application/json": media}},
        "responses": {"200": {"headers": {"X": {"schema": {}}}, "content": {"a/b": {}}}},
        "callbacks": {
            "cb": {"{$url}": {"post": {"parameters": [{"content": {"t/p": {"schema": 1}}}]}}}
        },
    }
    data = {
        "paths": {"/p": {"get": operation, "parameters": [{"schema": {}}]}, "x-ext": {"get": {}}},
        "webhooks": {"w": {"put": {"requestBody": {"content": {"a/b": {"schema": {}}}}}}},
        "components": {
            "schemas": {"S": {}},
            "parameters": {"P": {"schema": {}}},
            "headers": {"H": {"schema": {}}},
            "responses": {"R": {"content": {"a/b": {"schema": {}}}}},
            "requestBodies": {"B": {"content": {"a/b": {"schema": {}}}}},
            "pathItems": {"I": {"get": {"parameters": [{"schema": {}}]}}},
        },
    }

    sites = [pointer for pointer, _ in schema_sites(data)]

    assert sites == [
        ("components", "schemas", "S"),
        ("components", "parameters", "P", "schema"),
        ("components", "headers", "H", "schema"),
        ("components", "responses", "R", "content", "a/b", "schema"),
        ("components", "requestBodies", "B", "content", "a/b", "schema"),
        ("components", "pathItems", "I", "get", "parameters", 0, "schema"),
        ("paths", "/p", "parameters", 0, "schema"),
        ("paths", "/p", "get", "parameters", 0, "schema"),
        ("paths", "/p", "get", "requestBody", "content", "application/json", "schema"),
        (
            "paths", "/p", "get", "requestBody", "content", "application/json",
            "encoding", "f", "headers", "H", "schema",
        ),
        ("paths", "/p", "get", "responses", "200", "headers", "X", "schema"),
        (
            "paths", "/p", "get", "callbacks", "cb", "{$url}", "post",
            "parameters", 0, "content", "t/p", "schema",
        ),
        ("webhooks", "w", "put", "requestBody", "content", "a/b", "schema"),
    ]  # fmt: skip
