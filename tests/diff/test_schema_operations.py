"""Schema changes seen through whole specs: each change once, with every operation reaching it."""

from __future__ import annotations

from pathlib import Path

from tests.diff._pairs import compare_texts, spec


def _items(max_length: int, *, read_only_id: bool = False) -> str:
    return spec(
        f"""
        paths:
          /items:
            post:
              requestBody:
                content: {{application/json: {{schema: {{$ref: "#/components/schemas/Item"}}}}}}
              responses:
                "201":
                  description: made
                  content: {{application/json: {{schema: {{$ref: "#/components/schemas/Item"}}}}}}
            put:
              requestBody:
                content: {{application/json: {{schema: {{$ref: "#/components/schemas/Item"}}}}}}
              responses: {{"204": {{description: done}}}}
        components:
          schemas:
            Item:
              type: object
              required: [id]
              properties:
                id: {{type: string, readOnly: {str(read_only_id).lower()}}}
                name: {{type: string, maxLength: {max_length}}}
        """
    )


def test_shared_component_change_lists_both_operations_when_used_twice(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, _items(200), _items(100))

    schema_changes = [
        (change.rule.id, change.level.label, sorted(change.operations))
        for change in changes
        if change.rule.family == "constraints"
    ]
    assert schema_changes == [
        ("request-constraint-tightened", "error", ["POST /items", "PUT /items"]),
        ("response-constraint-tightened", "info", ["POST /items"]),
    ]


def test_property_becoming_read_only_leaves_requests_only_when_it_changes(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, _items(5), _items(5, read_only_id=True))

    assert [(change.rule.id, change.level.label) for change in changes] == [
        ("request-required-property-became-read-only", "error")
    ]
    assert changes[0].operations == {"POST /items", "PUT /items"}
