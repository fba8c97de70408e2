"""`with_direction_variants`: request and response schemas for readOnly/writeOnly members."""

from __future__ import annotations

from typing import Any

from oaskit.render._read_write import with_direction_variants


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _spec(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas},
    }


PET = {
    "type": "object",
    "required": ["id", "name", "secret"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string"},
        "secret": {"type": "string", "writeOnly": True},
    },
}


def test_returns_spec_itself_when_no_member_is_read_or_write_only() -> None:
    spec = _spec({"Plain": {"type": "object", "properties": {"a": {"type": "string"}}}})

    assert with_direction_variants(spec) is spec


def test_leaves_read_only_out_of_request_and_write_only_out_of_response() -> None:
    schemas = with_direction_variants(_spec({"Pet": PET}))["components"]["schemas"]

    assert set(schemas) == {"PetRequest", "PetResponse"}
    assert set(schemas["PetRequest"]["properties"]) == {"name", "secret"}
    assert schemas["PetRequest"]["required"] == ["name", "secret"]
    assert set(schemas["PetResponse"]["properties"]) == {"id", "name"}
    assert schemas["PetResponse"]["required"] == ["id", "name"]


def test_splits_referrers_and_points_each_variant_at_its_own_kind() -> None:
    spec = _spec(
        {
            "Pet": PET,
            "Page": {
                "type": "object",
                "properties": {"items": {"type": "array", "items": _ref("Pet")}},
            },
            "Either": {
                "oneOf": [_ref("Pet"), _ref("Plain")],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"pet": "#/components/schemas/Pet"},
                },
            },
            "Plain": {"type": "object", "properties": {"a": {"type": "string"}}},
        }
    )

    schemas = with_direction_variants(spec)["components"]["schemas"]

    assert set(schemas) == {
        "PetRequest", "PetResponse", "PageRequest", "PageResponse",
        "EitherRequest", "EitherResponse", "Plain",
    }  # fmt: skip
    assert schemas["PageRequest"]["properties"]["items"]["items"] == _ref("PetRequest")
    assert schemas["PageResponse"]["properties"]["items"]["items"] == _ref("PetResponse")
    assert schemas["EitherRequest"]["oneOf"] == [_ref("PetRequest"), _ref("Plain")]
    mapping = schemas["EitherResponse"]["discriminator"]["mapping"]
    assert mapping == {"pet": "#/components/schemas/PetResponse"}


def test_member_flagged_through_its_ref_target_counts_as_read_only() -> None:
    spec = _spec(
        {
            "Id": {"type": "string", "readOnly": True},
            "Thing": {"type": "object", "properties": {"id": _ref("Id"), "n": {"type": "integer"}}},
        }
    )

    schemas = with_direction_variants(spec)["components"]["schemas"]

    assert set(schemas["ThingRequest"]["properties"]) == {"n"}
    assert set(schemas["ThingResponse"]["properties"]) == {"id", "n"}
    assert "Id" in schemas


def test_directs_references_by_where_operations_meet_them() -> None:
    operation = {
        "parameters": [
            {"name": "f", "in": "query", "content": {"application/json": {"schema": _ref("Pet")}}}
        ],
        "requestBody": {"content": {"application/json": {"schema": _ref("Pet")}}},
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": _ref("Pet")}}}
        },
    }
    spec = _spec({"Pet": PET}, {"/pets": {"post": operation}})

    post = with_direction_variants(spec)["paths"]["/pets"]["post"]

    assert post["parameters"][0]["content"]["application/json"]["schema"] == _ref("PetRequest")
    assert post["requestBody"]["content"]["application/json"]["schema"] == _ref("PetRequest")
    assert post["responses"]["200"]["content"]["application/json"]["schema"] == _ref("PetResponse")
    assert spec["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ] == _ref("Pet")


def test_takes_the_next_suffixes_when_a_schema_has_a_variant_name() -> None:
    spec = _spec({"Pet": PET, "PetRequest": {"type": "object"}})

    schemas = with_direction_variants(spec)["components"]["schemas"]

    assert set(schemas) == {"PetInput", "PetOutput", "PetRequest"}
