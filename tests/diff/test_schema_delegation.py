"""Parameter, body, response and header schemas go to the schema comparer, each its own way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from oaskit.diff import _headers, _media, _parameters
from oaskit.diff._model import Comparison, Direction
from oaskit.spec import Pointer
from tests.diff._pairs import compare_texts, spec

SPEC = spec(
    """
    paths:
      /items/{id}:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        post:
          parameters:
            - {$ref: "#/components/parameters/Filter"}
          requestBody:
            content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
          responses:
            "200":
              description: ok
              headers: {X-Rate: {schema: {type: integer}}}
              content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
    components:
      parameters:
        Filter: {name: filter, in: query, content: {application/json: {schema: {type: object}}}}
      schemas:
        Item: {type: object}
    """
)
POST = ("paths", "/items/{id}", "post")
OK = (*POST, "responses", "200")
Call = tuple[Pointer, Pointer, Direction, str]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    seen: list[Call] = []

    def record(
        cmp: Comparison,
        base: Pointer,
        head: Pointer,
        *,
        direction: Direction,
        operation: str,
        wire_text: bool = False,
    ) -> None:
        seen.append((base, head, direction, operation))

    for module in (_headers, _media, _parameters):
        monkeypatch.setattr(module, "compare_schema", record)
    return seen


def test_each_schema_is_compared_once_when_the_specs_are_equal(
    tmp_path: Path, calls: list[Call]
) -> None:
    compare_texts(tmp_path, SPEC, SPEC)

    label = "POST /items/{id}"
    path_schema = ("paths", "/items/{id}", "parameters", 0, "schema")
    filter_schema = ("components", "parameters", "Filter", "content", "application/json", "schema")
    body_schema = (*POST, "requestBody", "content", "application/json", "schema")
    json_schema = (*OK, "content", "application/json", "schema")
    header_schema = (*OK, "headers", "X-Rate", "schema")
    expected: list[Any] = [
        (path_schema, path_schema, Direction.REQUEST, label),
        (filter_schema, filter_schema, Direction.REQUEST, label),
        (body_schema, body_schema, Direction.REQUEST, label),
        (json_schema, json_schema, Direction.RESPONSE, label),
        (header_schema, header_schema, Direction.RESPONSE, label),
    ]
    assert sorted(calls, key=repr) == sorted(expected, key=repr)


def test_schema_findings_carry_the_operation_when_a_parameter_narrows(tmp_path: Path) -> None:
    base = spec(
        """
        paths:
          /items:
            get:
              parameters: [{name: sort, in: query, schema: {type: string, enum: [a, b]}}]
              responses: {"200": {description: ok}}
        """
    )
    head = base.replace("enum: [a, b]", "enum: [a]")

    changes = compare_texts(tmp_path, base, head)

    assert [(c.level.label, c.direction, c.operations) for c in changes] == [
        ("error", Direction.REQUEST, {"GET /items"})
    ]
