"""oaskit's models and datamodel-code-generator's take and refuse the same JSON instances.

oaskit renders its pydantic models from its own IR; datamodel-code-generator (dmcg), which
rendered them before, is the oracle. For every component schema of the golden specs and the
vendored real specs, instances drawn from the schema (and mutations of them, mostly invalid)
go to both models. A disagreement fails the test unless `KNOWN_DIFFERENCES` lists its
component with the rule that decides it; a listed component that no longer disagrees fails
too, so the list stays true. `oracle.py` builds the models, schemas and instances.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.differential.oracle import (
    GOLDEN_SPECS,
    SMOKE_SPECS,
    UNKNOWN_MEMBER,
    compare_spec,
    mutations,
    to_json_schema,
)

SPECS = (*GOLDEN_SPECS, *SMOKE_SPECS)

# (spec file name, component name) → why oaskit and dmcg disagree: the rule that decides it
# and which side is right. A reason starting "OASKIT BUG:" marks a disagreement where oaskit
# is wrong and should be fixed, not kept.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("twilio.com_twilio_chat_v3.json", "chat.v3.channel"): (
        "`url` is `format: uri`, an annotation (JSON Schema 2020-12 Validation 7.2.1; OAS 3.0 "
        "leaves format validation optional): oaskit's `str` takes any string, dmcg's AnyUrl "
        'refuses `""`; oaskit is right'
    ),
}


def _tag(spec_path: Path) -> str:
    """A Python identifier for the spec, for the generated module names."""
    return re.sub(r"\W", "_", spec_path.stem)


@pytest.mark.parametrize("spec_path", SPECS, ids=[path.name for path in SPECS])
def test_models_accept_what_dmcg_models_accept(spec_path: Path, tmp_path: Path) -> None:
    comparison = compare_spec(spec_path, tmp_path, _tag(spec_path))
    print(comparison.summary())
    assert comparison.paired, f"no component of {spec_path.name} has a model on both sides"
    assert comparison.instances > 0

    unknown = [
        disagreement
        for disagreement in comparison.disagreements
        if (spec_path.name, disagreement.component) not in KNOWN_DIFFERENCES
    ]
    assert not unknown, "unlisted disagreements:\n" + "\n".join(
        disagreement.describe() for disagreement in unknown[:30]
    )
    stale = sorted(
        component
        for spec, component in KNOWN_DIFFERENCES
        if spec == spec_path.name and component not in comparison.disagreeing()
    )
    assert not stale, f"listed in KNOWN_DIFFERENCES but no longer disagreeing: {stale}"


def test_known_differences_name_specs_that_run() -> None:
    names = {path.name for path in SPECS}
    assert {spec for spec, _ in KNOWN_DIFFERENCES} <= names
    assert all(reason.strip() for reason in KNOWN_DIFFERENCES.values())


def test_oas30_schema_reads_as_json_schema_2020_12() -> None:
    schema = {
        "type": "object",
        "required": ["n"],
        "discriminator": {"propertyName": "n"},
        "properties": {
            "n": {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "nullable": True},
            "example": {"$ref": "#/components/schemas/Other", "nullable": True},
        },
    }
    assert to_json_schema(schema, oas30=True) == {
        "type": "object",
        "required": ["n"],
        "properties": {
            "n": {"type": ["integer", "null"], "exclusiveMinimum": 0},
            "example": {"$ref": "#/$defs/Other"},
        },
    }


def test_mutations_break_one_rule_each() -> None:
    schema = {"type": "object", "required": ["a"], "properties": {"a": {}, "b": {}}}
    found = mutations({"a": "x", "b": {"c": 1}}, schema)
    assert {"b": {"c": 1}} in found  # required member removed
    assert {"a": 1, "b": {"c": 1}} in found  # another JSON type
    assert {"a": None, "b": {"c": 1}} in found
    assert {"a": "x", "b": {"c": 1, UNKNOWN_MEMBER: 1}} in found
    assert {"a": "x", "b": {"c": 1}, UNKNOWN_MEMBER: 1} in found
