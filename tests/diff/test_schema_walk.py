"""The walk over schema graphs: cycles, shared components, pointers and messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oaskit.diff._schemas import _WALKS, compare_schema
from tests.diff._schema_specs import REQUEST, RESPONSE, compare_components, rules, sides

S = {"type": "string"}
X = ("components", "schemas", "X")


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _tree(max_length: int) -> dict[str, Any]:
    """Two components that reach each other: Node → Leaf → Node."""
    return {
        "Node": {
            "type": "object",
            "properties": {
                "leaf": ref("Leaf"),
                "children": {"type": "array", "items": ref("Node")},
            },
        },
        "Leaf": {
            "type": "object",
            "properties": {"name": {"type": "string", "maxLength": max_length}, "up": ref("Node")},
        },
    }


def test_cycle_across_two_components_reports_once_when_walked(tmp_path: Path) -> None:
    changes = compare_components(tmp_path, _tree(200), _tree(100), name="Node")

    assert rules(changes) == [("request-constraint-tightened", "error")]
    assert changes[0].message == "request `Leaf`.name: maxLength 200 → 100 (tightened)"
    assert (
        changes[0].base
        == changes[0].head
        == ("components", "schemas", "Leaf", "properties", "name")
    )


def test_cycle_reports_nothing_when_unchanged(tmp_path: Path) -> None:
    assert compare_components(tmp_path, _tree(5), _tree(5), name="Node") == []


def test_shared_component_lists_every_operation_when_reached_again(tmp_path: Path) -> None:
    cmp = sides(tmp_path, _tree(200), _tree(100))
    node = ("components", "schemas", "Node")
    leaf = ("components", "schemas", "Leaf")

    compare_schema(cmp, node, node, direction=REQUEST, operation="POST /a")
    compare_schema(cmp, node, node, direction=REQUEST, operation="PUT /b")
    compare_schema(cmp, leaf, leaf, direction=REQUEST, operation="PATCH /c")
    compare_schema(cmp, node, node, direction=RESPONSE, operation="GET /a")

    assert [(c.rule.id, sorted(c.operations)) for c in cmp.changes] == [
        ("request-constraint-tightened", ["PATCH /c", "POST /a", "PUT /b"]),
        ("response-constraint-tightened", ["GET /a"]),
    ]


def test_operation_reaches_changes_behind_a_cycle_when_it_enters_midway(tmp_path: Path) -> None:
    base, head = _tree(200), _tree(200)
    base["Node"]["properties"]["id"] = S
    cmp = sides(tmp_path, base, head)
    node = ("components", "schemas", "Node")
    leaf = ("components", "schemas", "Leaf")

    compare_schema(cmp, node, node, direction=RESPONSE, operation="GET /nodes")
    # Leaf was first compared inside Node's walk, while Node was still open.
    compare_schema(cmp, leaf, leaf, direction=RESPONSE, operation="GET /leaves")

    assert [(c.rule.id, sorted(c.operations)) for c in cmp.changes] == [
        ("response-property-removed", ["GET /leaves", "GET /nodes"])
    ]


def test_removed_property_points_at_nearest_parent_when_gone_from_head(tmp_path: Path) -> None:
    base = {"X": {"type": "object", "properties": {"a": S, "b": S}}}
    head = {"X": {"type": "object", "properties": {"a": S}}}

    (change,) = compare_components(tmp_path, base, head, direction=RESPONSE)

    assert change.base == (*X, "properties", "b")
    assert change.head == X
    assert change.message == "response `X`: property `b` removed"


def test_enum_change_points_at_enum_lists_when_values_removed(tmp_path: Path) -> None:
    base = {"X": {"type": "string", "enum": ["a", "b", "c"]}}
    head = {"X": {"type": "string", "enum": ["a"]}}

    (change,) = compare_components(tmp_path, base, head)

    assert change.base == change.head == (*X, "enum")
    assert change.message == 'request `X`: enum values "b", "c" removed'


def test_change_inside_ref_points_at_the_component_when_reached_through_it(
    tmp_path: Path,
) -> None:
    base = {"X": {"type": "array", "items": ref("Y")}, "Y": {"type": "integer", "maximum": 5}}
    head = {"X": {"type": "array", "items": ref("Y")}, "Y": {"type": "integer", "maximum": 9}}

    (change,) = compare_components(tmp_path, base, head, direction=RESPONSE)

    assert rules([change]) == [("response-constraint-loosened", "error")]
    assert change.head == ("components", "schemas", "Y")
    assert change.message == "response `Y`: maximum 5 → maximum 9 (loosened)"


def test_many_operations_share_one_walk_when_they_reach_the_same_components(
    tmp_path: Path,
) -> None:
    # A chain of 300 components; operation i enters at C{i}, so C300 is reached 300 times and
    # compared once, and the walk remembers one pair per component.
    chain: dict[str, Any] = {
        f"C{i}": {"type": "object", "properties": {"next": ref(f"C{i + 1}")}} for i in range(300)
    }
    chain["C300"] = {"type": "string", "maxLength": 1}
    head = dict(chain, C300={"type": "string", "maxLength": 2})
    cmp = sides(tmp_path, chain, head)

    for index in range(300):
        at = ("components", "schemas", f"C{index}")
        compare_schema(cmp, at, at, direction=RESPONSE, operation=f"GET /{index}")

    (change,) = cmp.changes
    assert len(change.operations) == 300
    assert len(_WALKS[cmp].entries) == 301


_LEAVES = st.sampled_from(
    [
        {"type": "string", "maxLength": 3},
        {"type": ["integer", "null"], "minimum": 0},
        {"enum": ["a", 1, None]},
        {"const": True},
        {"type": "number", "format": "double", "multipleOf": 0.5},
        {"$ref": "#/components/schemas/X"},
        {},
    ]
)
_SCHEMAS = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.builds(lambda items: {"type": "array", "items": items}, inner),
        st.builds(
            lambda props, required: {
                "type": "object",
                "properties": props,
                "required": sorted(props)[:required],
                "additionalProperties": False,
            },
            st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
            st.integers(0, 3),
        ),
        st.builds(lambda members: {"oneOf": members}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda members: {"allOf": members}, st.lists(inner, min_size=1, max_size=2)),
    ),
    max_leaves=8,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(schema=_SCHEMAS)
def test_schema_reports_nothing_when_compared_with_itself(tmp_path: Path, schema: Any) -> None:
    for direction in (REQUEST, RESPONSE):
        found = compare_components(
            tmp_path / direction.value, {"X": schema}, {"X": schema}, direction=direction
        )

        assert found == []


def test_absent_items_beside_recursive_items_ends_when_walked(tmp_path: Path) -> None:
    base = {"X": {"type": "array"}}
    head = {"X": {"type": "array", "items": ref("X")}}

    changes = compare_components(tmp_path, base, head)

    assert rules(changes) == [("request-type-narrowed", "error")]
    assert changes[0].message == "request `X`: type any type → array (narrowed)"
