"""Each schema rule family: a change and its expected findings, in both directions.

Every case also runs backwards (head as base), where the breaking side flips: what narrows a
request widens it when undone. Cases list the exact (rule id, level) pairs expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from oaskit.diff._model import Direction
from tests.diff._schema_specs import REQUEST, RESPONSE, compare_components, rules

S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741


def obj(properties: dict[str, Any], *required: str, **extra: Any) -> dict[str, Any]:
    """An object schema with these properties and required names."""
    schema: dict[str, Any] = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


@dataclass(frozen=True)
class Case:
    """X in base and X in head; what a request and a response comparison report."""

    base: dict[str, Any]
    head: dict[str, Any]
    request: list[tuple[str, str]]
    response: list[tuple[str, str]]
    wire_text: bool = False
    version: str = "3.1.0"
    others: dict[str, Any] = field(default_factory=dict)


CASES: dict[str, Case] = {
    # types
    "integer to string": Case(
        I, S, [("request-type-narrowed", "error")], [("response-type-widened", "error")]
    ),
    "integer to number": Case(
        I,
        {"type": "number"},
        [("request-type-widened", "info")],
        [("response-type-widened", "error")],
    ),
    "number to integer": Case(
        {"type": "number"},
        I,
        [("request-type-narrowed", "error")],
        [("response-type-narrowed", "info")],
    ),
    "integer to string as text": Case(
        I,
        S,
        [("request-type-widened", "info")],
        [("response-type-widened", "error")],
        wire_text=True,
    ),
    "string to boolean as text": Case(
        S,
        {"type": "boolean"},
        [("request-type-narrowed", "error")],
        [("response-type-narrowed", "info")],
        wire_text=True,
    ),
    "type array gains a type": Case(
        {"type": ["string"]},
        {"type": ["string", "integer"]},
        [("request-type-widened", "info")],
        [("response-type-widened", "error")],
    ),
    "type added where none was": Case(
        {}, S, [("request-type-narrowed", "error")], [("response-type-narrowed", "info")]
    ),
    # nullable
    "null removed from a 3.1 type array": Case(
        {"type": ["string", "null"]},
        S,
        [("request-nullable-removed", "error")],
        [("response-nullable-removed", "info")],
    ),
    "nullable added in 3.0": Case(
        S,
        {"type": "string", "nullable": True},
        [("request-nullable-added", "info")],
        [("response-nullable-added", "error")],
        version="3.0.3",
    ),
    # formats
    "format added": Case(
        S,
        {"type": "string", "format": "date"},
        [("request-format-narrowed", "error")],
        [("response-format-narrowed", "info")],
    ),
    "format int32 to int64": Case(
        {"type": "integer", "format": "int32"},
        {"type": "integer", "format": "int64"},
        [("request-format-widened", "info")],
        [("response-format-widened", "error")],
    ),
    "format date to date-time": Case(
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
        [("request-format-narrowed", "error")],
        [("response-format-widened", "error")],
    ),
    # enums
    "enum value removed": Case(
        {"type": "string", "enum": ["a", "b"]},
        {"type": "string", "enum": ["a"]},
        [("request-enum-value-removed", "error")],
        [("response-enum-value-removed", "info")],
    ),
    "enum added": Case(
        S,
        {"type": "string", "enum": ["a"]},
        [("request-enum-added", "error")],
        [("response-enum-added", "info")],
    ),
    "const changed": Case(
        {"const": "a"},
        {"const": "b"},
        [("request-enum-value-removed", "error"), ("request-enum-value-added", "info")],
        [("response-enum-value-removed", "info"), ("response-enum-value-added", "error")],
    ),
    "enum of numbers written as text": Case(
        {"type": "integer", "enum": [1, 2]},
        {"type": "string", "enum": ["1", "2"]},
        [("request-type-widened", "info")],
        [("response-type-widened", "error")],
        wire_text=True,
    ),
    # constraints
    "maxLength lowered": Case(
        {"type": "string", "maxLength": 200},
        {"type": "string", "maxLength": 100},
        [("request-constraint-tightened", "error")],
        [("response-constraint-tightened", "info")],
    ),
    "minimum added": Case(
        I,
        {"type": "integer", "minimum": 0},
        [("request-constraint-tightened", "error")],
        [("response-constraint-tightened", "info")],
    ),
    "3.0 exclusive minimum": Case(
        {"type": "number", "minimum": 0},
        {"type": "number", "minimum": 0, "exclusiveMinimum": True},
        [("request-constraint-tightened", "error")],
        [("response-constraint-tightened", "info")],
        version="3.0.3",
    ),
    "3.1 exclusiveMaximum to a larger maximum": Case(
        {"type": "number", "exclusiveMaximum": 10},
        {"type": "number", "maximum": 10},
        [("request-constraint-loosened", "info")],
        [("response-constraint-loosened", "error")],
    ),
    "multipleOf 2 to 4": Case(
        {"type": "integer", "multipleOf": 2},
        {"type": "integer", "multipleOf": 4},
        [("request-constraint-tightened", "error")],
        [("response-constraint-tightened", "info")],
    ),
    "multipleOf 2 to 3": Case(
        {"type": "integer", "multipleOf": 2},
        {"type": "integer", "multipleOf": 3},
        [("request-constraint-tightened", "error")],
        [("response-constraint-loosened", "error")],
    ),
    "maxItems and uniqueItems": Case(
        {"type": "array", "items": S},
        {"type": "array", "items": S, "maxItems": 3, "uniqueItems": True},
        [("request-constraint-tightened", "error")] * 2,
        [("response-constraint-tightened", "info")] * 2,
    ),
    "pattern changed": Case(
        {"type": "string", "pattern": "^a+$"},
        {"type": "string", "pattern": "^[ab]+$"},
        [("pattern-changed", "warning")],
        [("pattern-changed", "warning")],
    ),
    "string limits dropped with the string type": Case(
        {"type": "string", "maxLength": 3, "pattern": "^a"},
        {"type": "integer", "maximum": 3},
        [("request-type-narrowed", "error")],
        [("response-type-widened", "error")],
    ),
    "pattern added to a parameter that became a string": Case(
        I,
        {"type": "string", "pattern": "^[a-z]+$"},
        [("request-type-widened", "info"), ("request-constraint-tightened", "error")],
        [("response-type-widened", "error"), ("response-constraint-tightened", "info")],
        wire_text=True,
    ),
    "pattern added": Case(
        S,
        {"type": "string", "pattern": "^a+$"},
        [("request-constraint-tightened", "error")],
        [("response-constraint-tightened", "info")],
    ),
    "unmodelled keyword changed": Case(
        {"type": "object", "dependentRequired": {"a": ["b"]}},
        {"type": "object", "dependentRequired": {"a": ["c"]}},
        [("schema-keyword-changed", "warning")],
        [("schema-keyword-changed", "warning")],
    ),
    # properties
    "optional property removed from an open object": Case(
        obj({"a": S, "b": S}),
        obj({"a": S}),
        [("request-property-removed", "warning")],
        [("response-property-removed", "warning")],
    ),
    "property removed from a closed object": Case(
        obj({"a": S, "b": S}, additionalProperties=False),
        obj({"a": S}, additionalProperties=False),
        [("request-property-refused", "error")],
        [("response-property-removed", "warning")],
    ),
    "required property removed": Case(
        obj({"a": S, "b": S}, "b"),
        obj({"a": S}),
        [("request-required-property-removed", "error")],
        [("response-required-property-removed", "error")],
    ),
    "required property added with a default": Case(
        obj({"a": S}),
        obj({"a": S, "b": {"type": "string", "default": "x"}}, "b"),
        [("request-required-property-added", "error")],
        [("response-property-added", "info")],
    ),
    # defaults
    "default changed": Case(
        {"type": "integer", "default": 10},
        {"type": "integer", "default": 20},
        [("request-default-changed", "warning")],
        [("response-default-changed", "info")],
    ),
    "property added to a closed object": Case(
        obj({"a": S}, additionalProperties=False),
        obj({"a": S, "b": S}, additionalProperties=False),
        [("request-property-added", "info")],
        [("response-property-added-to-closed-object", "error")],
    ),
    "property became required": Case(
        obj({"a": S}),
        obj({"a": S}, "a"),
        [("request-property-became-required", "error")],
        [("response-property-became-required", "info")],
    ),
    "property type changed inside": Case(
        obj({"a": S}),
        obj({"a": I}),
        [("request-type-narrowed", "error")],
        [("response-type-widened", "error")],
    ),
    # read-write
    "required property became readOnly": Case(
        obj({"a": S, "id": S}, "id"),
        obj({"a": S, "id": {"type": "string", "readOnly": True}}, "id"),
        [("request-required-property-became-read-only", "error")],
        [],
    ),
    "optional property became writeOnly": Case(
        obj({"a": S, "pw": S}),
        obj({"a": S, "pw": {"type": "string", "writeOnly": True}}),
        [],
        [("response-property-became-write-only", "warning")],
    ),
    "readOnly property changes type": Case(
        obj({"id": {"type": "string", "readOnly": True}}),
        obj({"id": {"type": "integer", "readOnly": True}}),
        [],
        [("response-type-widened", "error")],
    ),
    # additionalProperties
    "additional properties forbidden": Case(
        obj({"a": S}),
        obj({"a": S}, additionalProperties=False),
        [("request-additional-properties-narrowed", "error")],
        [("response-additional-properties-narrowed", "info")],
    ),
    "additional properties schema changed": Case(
        {"type": "object", "additionalProperties": S},
        {"type": "object", "additionalProperties": I},
        [("request-type-narrowed", "error")],
        [("response-type-widened", "error")],
    ),
    "additional properties given a schema": Case(
        {"type": "object"},
        {"type": "object", "additionalProperties": S},
        [("request-type-narrowed", "error")],
        [("response-type-narrowed", "info")],
    ),
    # arrays
    "items type changed": Case(
        {"type": "array", "items": I},
        {"type": "array", "items": {"type": "number"}},
        [("request-type-widened", "info")],
        [("response-type-widened", "error")],
    ),
    "prefixItems member narrowed": Case(
        {"type": "array", "prefixItems": [S, {"type": "number"}]},
        {"type": "array", "prefixItems": [S, I]},
        [("request-type-narrowed", "error")],
        [("response-type-narrowed", "info")],
    ),
    # allOf merged into one view
    "property moved between allOf members": Case(
        {"allOf": [{"$ref": "#/components/schemas/Base"}, obj({"b": S})]},
        {"allOf": [{"$ref": "#/components/schemas/Base"}, obj({})], "properties": {"b": S}},
        [],
        [],
        others={"Base": obj({"a": S}, "a")},
    ),
    "allOf member tightens a bound": Case(
        {"type": "string", "maxLength": 10, "allOf": [{"minLength": 1}]},
        {"type": "string", "maxLength": 10, "allOf": [{"minLength": 1}, {"maxLength": 5}]},
        [("request-constraint-tightened", "error")],
        [("response-constraint-tightened", "info")],
    ),
    "allOf member adds a required property": Case(
        {"allOf": [obj({"a": S})]},
        {"allOf": [obj({"a": S}), obj({"b": S}, "b")]},
        [("request-required-property-added", "error")],
        [("response-property-added", "info")],
    ),
}

# What undoing each case reports, where it is not the mirror image of the case itself.
SKIP_REVERSE = {
    "const changed",
    "unmodelled keyword changed",
    "string limits dropped with the string type",
    "pattern added to a parameter that became a string",
    "default changed",
    "multipleOf 2 to 3",
    "pattern changed",
    "format date to date-time",
    "integer to string",
    "property moved between allOf members",
    "readOnly property changes type",
    "property type changed inside",
    "additional properties schema changed",
    "optional property removed from an open object",
    "property removed from a closed object",
    "required property removed",
    "required property added with a default",
    "property added to a closed object",
    "required property became readOnly",
    "optional property became writeOnly",
    "allOf member adds a required property",
}


def _run(
    tmp_path: Path, case: Case, direction: Direction, *, reverse: bool = False
) -> list[tuple[str, str]]:
    base, head = (case.head, case.base) if reverse else (case.base, case.head)
    return rules(
        compare_components(
            tmp_path,
            {"X": base, **case.others},
            {"X": head, **case.others},
            direction=direction,
            wire_text=case.wire_text,
            version=case.version,
        )
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_change_reports_expected_rules_when_compared_in_requests(tmp_path: Path, name: str) -> None:
    assert _run(tmp_path, CASES[name], REQUEST) == CASES[name].request


@pytest.mark.parametrize("name", sorted(CASES))
def test_change_reports_expected_rules_when_compared_in_responses(
    tmp_path: Path, name: str
) -> None:
    assert _run(tmp_path, CASES[name], RESPONSE) == CASES[name].response


def _flip(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The finding undoing a change gives: narrowed↔widened, and the level that goes with it."""
    swaps = {
        "narrowed": "widened",
        "widened": "narrowed",
        "tightened": "loosened",
        "loosened": "tightened",
        "removed": "added",
        "added": "removed",
        "required": "optional",
        "optional": "required",
    }
    flipped = []
    for rule_id, _ in found:
        direction, _, rest = rule_id.partition("-")
        stem, _, effect = rest.rpartition("-")
        new_id = f"{direction}-{stem}-{swaps[effect]}"
        narrows = swaps[effect] in {"narrowed", "tightened", "removed", "required"}
        breaking = (direction == "request") == narrows
        if stem in {"enum"}:
            breaking = (direction == "request") == (swaps[effect] == "added")
        flipped.append((new_id, "error" if breaking else "info"))
    return flipped


@pytest.mark.parametrize("name", sorted(set(CASES) - SKIP_REVERSE))
def test_undoing_a_change_flips_its_effect_when_compared_backwards(
    tmp_path: Path, name: str
) -> None:
    case = CASES[name]
    for direction, expected in ((REQUEST, case.request), (RESPONSE, case.response)):
        found = _run(tmp_path / direction.value, case, direction, reverse=True)

        assert found == _flip(expected), direction


@pytest.mark.parametrize("name", sorted(CASES))
def test_schema_reports_nothing_when_compared_with_itself(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    for direction in Direction:
        for schema in (case.base, case.head):
            found = rules(
                compare_components(
                    tmp_path / direction.value,
                    {"X": schema, **case.others},
                    {"X": schema, **case.others},
                    direction=direction,
                    wire_text=case.wire_text,
                    version=case.version,
                )
            )

            assert found == []
