"""Properties every comparison keeps, over schemas hypothesis draws.

The mirror: a request schema that refuses something after a change (head accepts less) is
exactly a response schema that may produce something new when the change is undone (head
produces more). For value-level keywords the breaking findings of `a → b` in requests and
of `b → a` in responses are therefore the same, family for family.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.diff._schema_specs import REQUEST, RESPONSE, compare_components

_FIXTURE = [HealthCheck.function_scoped_fixture]


@st.composite
def _scalars(draw: st.DrawFn) -> dict[str, Any]:
    """A string or number schema with some of its value keywords."""
    kind = draw(st.sampled_from(["string", "integer", "number", ["string", "null"], None]))
    schema: dict[str, Any] = {} if kind is None else {"type": kind}
    if draw(st.booleans()):
        schema["format"] = draw(st.sampled_from(["int32", "int64", "date", "float", "double"]))
    if draw(st.booleans()):
        schema["enum"] = draw(st.lists(st.sampled_from(["a", "b", 1, 2]), min_size=1, unique=True))
    for key in ("maxLength", "minLength", "minimum", "maximum", "exclusiveMinimum", "multipleOf"):
        if draw(st.booleans()):
            schema[key] = draw(st.integers(1, 4))
    if draw(st.booleans()):
        schema["pattern"] = draw(st.sampled_from(["^a", "^b"]))
    return schema


def _breaking(changes: list[Any]) -> list[str]:
    return sorted(change.rule.family for change in changes if change.level.label == "error")


@settings(max_examples=80, deadline=None, suppress_health_check=_FIXTURE)
@given(a=_scalars(), b=_scalars(), wire_text=st.booleans())
def test_request_breaks_exactly_where_undoing_breaks_responses_when_values_change(
    tmp_path: Path, a: dict[str, Any], b: dict[str, Any], wire_text: bool
) -> None:
    forward = compare_components(
        tmp_path / "f", {"X": a}, {"X": b}, direction=REQUEST, wire_text=wire_text
    )
    backward = compare_components(
        tmp_path / "b", {"X": b}, {"X": a}, direction=RESPONSE, wire_text=wire_text
    )

    assert _breaking(forward) == _breaking(backward)


_ANY = st.recursive(
    _scalars(),
    lambda inner: st.one_of(
        st.builds(lambda items: {"type": "array", "items": items}, inner),
        st.builds(
            lambda props, closed, flag: {
                "type": "object",
                "properties": {
                    name: ({**schema, flag: True} if name == "a" else schema)
                    for name, schema in props.items()
                },
                "required": sorted(props)[:1],
                "additionalProperties": not closed,
            },
            st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
            st.booleans(),
            st.sampled_from(["readOnly", "writeOnly", "deprecated"]),
        ),
        st.builds(lambda members: {"anyOf": members}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda members: {"allOf": members}, st.lists(inner, min_size=1, max_size=2)),
        st.just({"$ref": "#/components/schemas/X"}),
    ),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=_FIXTURE)
@given(a=_ANY, b=_ANY)
def test_comparison_finds_located_changes_when_schemas_are_arbitrary(
    tmp_path: Path, a: Any, b: Any
) -> None:
    for direction in (REQUEST, RESPONSE):
        changes = compare_components(
            tmp_path / direction.value, {"X": a}, {"X": b}, direction=direction
        )

        for change in changes:
            assert change.direction is direction
            assert change.operations == {"POST /x"}
            assert change.message.startswith(f"{direction.value} ")
            assert "\n" not in change.message
            assert change.base is not None or change.head is not None
