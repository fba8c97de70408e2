"""oneOf/anyOf members paired by $ref name, discriminator value, const property and shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.diff._schema_specs import REQUEST, RESPONSE, compare_components, rules

S = {"type": "string"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def pet(kind: str, **properties: Any) -> dict[str, Any]:
    """An inline pet variant fixed to `kind` by a one-value enum."""
    return {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string", "enum": [kind]}, **properties},
    }


ANIMALS = {
    "Cat": {"type": "object", "properties": {"meow": S}},
    "Dog": {"type": "object", "properties": {"bark": S}},
    "Fox": {"type": "object", "properties": {"say": S}},
}


def _union(*names: str, keyword: str = "oneOf") -> dict[str, Any]:
    return {"X": {keyword: [ref(name) for name in names]}, **ANIMALS}


def test_member_removed_is_an_error_when_union_is_in_a_request(tmp_path: Path) -> None:
    changes = compare_components(tmp_path, _union("Cat", "Dog"), _union("Cat"))

    assert rules(changes) == [("request-variant-removed", "error")]
    assert changes[0].message == "request `X`: oneOf member `Dog` removed"
    assert changes[0].base == ("components", "schemas", "X", "oneOf", 1)
    assert changes[0].head == ("components", "schemas", "X", "oneOf")


def test_member_added_is_an_error_when_union_is_in_a_response(tmp_path: Path) -> None:
    base, head = _union("Cat"), _union("Cat", "Dog")

    response = compare_components(tmp_path / "r", base, head, direction=RESPONSE)
    request = compare_components(tmp_path / "q", base, head, direction=REQUEST)

    assert rules(response) == [("response-variant-added", "error")]
    assert rules(request) == [("request-variant-added", "info")]


def test_reordered_members_report_nothing_when_matched_by_ref(tmp_path: Path) -> None:
    changes = compare_components(tmp_path, _union("Cat", "Dog", "Fox"), _union("Fox", "Cat", "Dog"))

    assert changes == []


def test_changed_member_is_compared_inside_when_matched_by_ref(tmp_path: Path) -> None:
    head = _union("Cat", "Dog")
    head["Dog"] = {"type": "object", "properties": {"bark": {"type": "integer"}}}

    changes = compare_components(tmp_path, _union("Cat", "Dog"), head, direction=RESPONSE)

    assert rules(changes) == [("response-type-widened", "error")]
    assert changes[0].message == "response `Dog`.bark: type string → integer (changed)"


def test_inline_members_pair_by_discriminator_value_when_reordered(tmp_path: Path) -> None:
    discriminator = {"propertyName": "kind"}
    base = {
        "X": {"oneOf": [pet("cat", lives=S), pet("dog", bark=S)], "discriminator": discriminator}
    }
    # Reordered, the dog variant's `bark` made an integer and the cat variant unchanged.
    head = {
        "X": {
            "oneOf": [pet("dog", bark={"type": "integer"}), pet("cat", lives=S)],
            "discriminator": discriminator,
        }
    }

    changes = compare_components(tmp_path, base, head)

    assert rules(changes) == [("request-type-narrowed", "error")]
    assert changes[0].head == ("components", "schemas", "X", "oneOf", 0, "properties", "bark")


def test_inline_member_removed_names_its_fixed_value_when_discriminated(tmp_path: Path) -> None:
    base = {"X": {"anyOf": [pet("cat"), pet("dog"), pet("fox")]}}
    head = {"X": {"anyOf": [pet("fox"), pet("cat")]}}

    changes = compare_components(tmp_path, base, head)

    assert rules(changes) == [("request-variant-removed", "error")]
    assert changes[0].base == ("components", "schemas", "X", "anyOf", 1)


def test_ref_member_pairs_with_inline_member_when_mapping_names_its_value(tmp_path: Path) -> None:
    mapping = {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}
    cat = pet("cat", lives=S)
    base = {"X": {"oneOf": [ref("Cat"), pet("dog")], "discriminator": mapping}, "Cat": cat}
    head = {"X": {"oneOf": [pet("dog"), pet("cat", lives=S)], "discriminator": mapping}}

    assert compare_components(tmp_path, base, head) == []


def test_scalar_members_pair_by_type_when_inline(tmp_path: Path) -> None:
    base = {"X": {"oneOf": [S, {"type": "integer"}]}}
    head = {"X": {"oneOf": [{"type": "number"}, {"type": "string", "maxLength": 3}]}}

    changes = compare_components(tmp_path, base, head)

    assert sorted(rules(changes)) == [
        ("request-constraint-tightened", "error"),
        ("request-type-widened", "info"),
    ]


def test_plain_schema_counts_as_one_member_when_it_becomes_a_union(tmp_path: Path) -> None:
    base = {"X": S}
    head = {"X": {"oneOf": [S, {"type": "integer"}]}}

    request = compare_components(tmp_path / "q", base, head)
    response = compare_components(tmp_path / "r", base, head, direction=RESPONSE)

    assert rules(request) == [("request-variant-added", "info")]
    assert rules(response) == [("response-variant-added", "error")]


def test_discriminator_property_change_is_an_error_when_in_either_direction(
    tmp_path: Path,
) -> None:
    base = _union("Cat", "Dog")
    base["X"]["discriminator"] = {"propertyName": "kind"}
    head = _union("Cat", "Dog")
    head["X"]["discriminator"] = {"propertyName": "type"}

    for direction in (REQUEST, RESPONSE):
        changes = compare_components(tmp_path / direction.value, base, head, direction=direction)

        assert rules(changes) == [("discriminator-property-changed", "error")]


def test_mapping_entry_removed_is_an_error_when_schema_has_no_union(tmp_path: Path) -> None:
    # OAS 3.0 inheritance style: the discriminator sits on the parent, subtypes allOf it.
    def parent(mapping: dict[str, str]) -> dict[str, Any]:
        return {
            "X": {
                "type": "object",
                "properties": {"kind": S},
                "discriminator": {"propertyName": "kind", "mapping": mapping},
            }
        }

    both = {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}
    one = {"cat": "#/components/schemas/Cat"}

    request = compare_components(tmp_path / "q", parent(both), parent(one))
    response = compare_components(tmp_path / "r", parent(one), parent(both), direction=RESPONSE)

    assert rules(request) == [("request-discriminator-mapping-removed", "error")]
    assert rules(response) == [("response-discriminator-mapping-added", "error")]


def test_keyword_switch_is_a_warning_when_members_stay(tmp_path: Path) -> None:
    changes = compare_components(
        tmp_path, _union("Cat", "Dog", keyword="anyOf"), _union("Cat", "Dog")
    )

    assert rules(changes) == [("composition-keyword-changed", "warning")]


def test_not_schema_change_is_a_warning_when_it_differs(tmp_path: Path) -> None:
    base = {"X": {"type": "string", "not": {"enum": ["a"]}}}
    head = {"X": {"type": "string", "not": {"enum": ["b"]}}}

    assert rules(compare_components(tmp_path, base, head)) == [("not-changed", "warning")]


def test_union_beside_a_type_is_a_warning_when_added(tmp_path: Path) -> None:
    # GitHub's pattern: one of several fields must be sent, written as anyOf of `required`s.
    props = {"state": S, "assignees": {"type": "array", "items": S}}
    base = {"X": {"type": "object", "properties": props, "required": ["state"]}}
    head = {
        "X": {
            "type": "object",
            "properties": props,
            "anyOf": [{"required": ["state"]}, {"required": ["assignees"]}],
        }
    }

    changes = compare_components(tmp_path, base, head)

    assert rules(changes) == [
        ("union-added", "warning"),
        ("request-property-became-optional", "info"),
    ]


def _mapped(names: list[str], mapping: dict[str, str]) -> dict[str, Any]:
    refs = {value: f"#/components/schemas/{name}" for value, name in mapping.items()}
    union = {"oneOf": [ref(name) for name in names]}
    return {"X": {**union, "discriminator": {"propertyName": "kind", "mapping": refs}}, **ANIMALS}


def test_mapping_entry_removed_is_an_error_when_its_member_stays(tmp_path: Path) -> None:
    base = _mapped(["Cat", "Dog"], {"cat": "Cat", "dog": "Dog"})
    head = _mapped(["Cat", "Dog"], {"cat": "Cat"})

    changes = compare_components(tmp_path, base, head)

    assert rules(changes) == [("request-discriminator-mapping-removed", "error")]
    assert changes[0].message == "request `X`: discriminator value `dog` removed"


def test_mapping_entry_leaves_with_its_member_when_only_the_member_is_reported(
    tmp_path: Path,
) -> None:
    base = _mapped(["Cat", "Dog"], {"cat": "Cat", "dog": "Dog"})
    head = _mapped(["Cat"], {"cat": "Cat"})

    assert rules(compare_components(tmp_path, base, head)) == [("request-variant-removed", "error")]


def test_mapping_entry_reports_nothing_when_it_spells_the_implicit_value(tmp_path: Path) -> None:
    base = _mapped(["Cat", "Dog"], {"cat": "Cat"})
    head = _mapped(["Cat", "Dog"], {"cat": "Cat", "Dog": "Dog"})

    assert compare_components(tmp_path, base, head, direction=RESPONSE) == []
