"""Request and response models for schemas with readOnly/writeOnly members (OAS 3.1 4.8.24)."""

from __future__ import annotations

from typing import Any

from oaskit.ir import Api, ModelClass, build_api


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _spec(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas},
    }


def _api(spec: dict[str, Any], *, split: bool = True) -> Api:
    return build_api(spec, name="t", source="t.yaml", package="p", split_read_write=split)


def _classes(spec: dict[str, Any], *, split: bool = True) -> dict[str, ModelClass]:
    return {c.name: c for c in _api(spec, split=split).models.classes}


def _fields(model: ModelClass) -> dict[str, str]:
    return {f.name: f.annotation for f in model.fields}


PET = {
    "type": "object",
    "required": ["id", "name", "secret"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string"},
        "secret": {"type": "string", "writeOnly": True},
    },
}


def test_one_model_when_no_member_is_read_or_write_only() -> None:
    spec = _spec({"Plain": {"type": "object", "properties": {"a": {"type": "string"}}}})

    assert set(_classes(spec)) == {"Plain"}


def test_leaves_read_only_out_of_request_and_write_only_out_of_response() -> None:
    classes = _classes(_spec({"Pet": PET}))

    assert set(classes) == {"PetRequest", "PetResponse"}
    assert _fields(classes["PetRequest"]) == {"name": "str", "secret": "str"}
    assert _fields(classes["PetResponse"]) == {"id": "str", "name": "str"}


def test_shared_mode_keeps_one_model_with_every_member() -> None:
    classes = _classes(_spec({"Pet": PET}), split=False)

    assert set(classes) == {"Pet"}
    assert set(_fields(classes["Pet"])) == {"id", "name", "secret"}


def test_splits_referrers_and_points_each_variant_at_its_own_kind() -> None:
    spec = _spec(
        {
            "Pet": {**PET, "properties": {**PET["properties"], "kind": {"type": "string"}}},
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

    classes = _classes(spec)

    assert set(classes) == {
        "PetRequest", "PetResponse", "PageRequest", "PageResponse",
        "EitherRequest", "EitherResponse", "Plain",
    }  # fmt: skip
    assert _fields(classes["PageRequest"])["items"] == "list[PetRequest] | MISSING"
    assert _fields(classes["PageResponse"])["items"] == "list[PetResponse] | MISSING"
    # `Plain` has no `kind`, so the union cannot be discriminated: a plain union.
    assert classes["EitherRequest"].root == "PetRequest | Plain"


def test_member_flagged_through_its_ref_target_counts_as_read_only() -> None:
    spec = _spec(
        {
            "Id": {"type": "string", "readOnly": True},
            "Thing": {"type": "object", "properties": {"id": _ref("Id"), "n": {"type": "integer"}}},
        }
    )

    classes = _classes(spec)

    assert set(_fields(classes["ThingRequest"])) == {"n"}
    assert set(_fields(classes["ThingResponse"])) == {"id", "n"}
    assert classes["Id"].kind == "alias"


def test_directs_references_by_where_operations_meet_them() -> None:
    operation = {
        "operationId": "addPet",
        "requestBody": {"content": {"application/json": {"schema": _ref("Pet")}}},
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": _ref("Pet")}}}
        },
    }
    spec = _spec({"Pet": PET}, {"/pets": {"post": operation}})

    (post,) = _api(spec).operations

    assert post.body is not None
    assert post.body.model == "PetRequest"
    assert post.responses[0].model == "PetResponse"


def test_takes_the_next_suffixes_when_a_schema_has_a_variant_name() -> None:
    spec = _spec({"Pet": PET, "PetRequest": {"type": "object"}})

    assert set(_classes(spec)) == {"PetInput", "PetOutput", "PetRequest"}
