"""What real specs do that small hand-written ones do not, each found by the smoke sample
(tests/smoke) and fixed as a general rule: the IR and the models follow the OAS and JSON
Schema text, not the first reading of a spec.
"""

from __future__ import annotations

from typing import Any

from oaskit.ir import build_api
from tests.support.models_source import models_source


def _spec(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Quirks", "version": "1"},
        "paths": paths,
    }
    if schemas is not None:
        spec["components"] = {"schemas": schemas}
    return spec


def _operation(spec: dict[str, Any], name: str) -> Any:
    api = build_api(spec, name="quirks", source="quirks.yaml", package="quirks")
    return next(op for op in api.operations if op.name == name)


def test_parameter_ref_into_paths_resolves_when_its_pointer_is_percent_encoded() -> None:
    # surevoip: `#/paths/~1customers~1%7Baccount%7D~1announcements/get/parameters/0`, a URI
    # fragment (RFC 6901 6) whose last token is an array index (RFC 6901 4).
    account = {"name": "account", "in": "path", "required": True, "schema": {"type": "integer"}}
    spec = _spec(
        {
            "/customers/{account}/items": {
                "get": {"operationId": "listItems", "parameters": [account], "responses": {}}
            },
            "/customers/{account}/items/{id}": {
                "get": {
                    "operationId": "getItem",
                    "parameters": [
                        {"$ref": "#/paths/~1customers~1%7Baccount%7D~1items/get/parameters/0"},
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {},
                }
            },
        }
    )

    operation = _operation(spec, "get_item")

    assert [(p.name, p.annotation) for p in operation.path_parameters] == [
        ("account", "int"),
        ("id", "str"),
    ]


def test_accept_content_type_authorization_and_framing_header_parameters_are_ignored() -> None:
    # OAS 3.1 4.8.12.1: such parameter definitions "SHALL be ignored"; framing headers are the
    # HTTP stack's to write (RFC 9110 8.6).
    headers = [
        {"name": name, "in": "header", "schema": {"type": "string"}}
        for name in ("Accept", "content-type", "Authorization", "Content-Length", "Host", "X-Trace")
    ]
    spec = _spec({"/a": {"get": {"operationId": "getA", "parameters": headers, "responses": {}}}})

    assert [p.name for p in _operation(spec, "get_a").parameters] == ["X-Trace"]


def test_no_content_statuses_return_nothing_whatever_content_they_document() -> None:
    # RFC 9110 15.3.5: a 204 ends at its header section (shipengine documents a string for it).
    text = {"content": {"application/json": {"schema": {"type": "string", "maxLength": 0}}}}
    spec = _spec(
        {
            "/a": {
                "delete": {
                    "operationId": "deleteA",
                    "responses": {"204": {"description": "", **text}},
                }
            }
        }
    )

    assert _operation(spec, "delete_a").return_annotation == "None"


def test_form_body_whose_schema_is_a_string_is_sent_and_read_as_that_text() -> None:
    form = {"application/x-www-form-urlencoded": {"schema": {"type": "string"}}}
    spec = _spec(
        {
            "/a": {
                "post": {"operationId": "postA", "requestBody": {"content": form}, "responses": {}}
            }
        }
    )

    body = _operation(spec, "post_a").body

    assert (body.kind, body.annotation, body.media_type) == (
        "text",
        "str",
        "application/x-www-form-urlencoded",
    )


def test_parameter_style_and_shape_come_from_the_parameter_and_its_schema() -> None:
    parameters = [
        {
            "name": "filter",
            "in": "query",
            "style": "deepObject",
            "schema": {"type": "object", "properties": {"n": {"type": "integer"}}},
        },
        {
            "name": "ids",
            "in": "path",
            "required": True,
            "schema": {"type": "array", "items": {"type": "integer"}},
        },
    ]
    spec = _spec(
        {"/a/{ids}": {"get": {"operationId": "getA", "parameters": parameters, "responses": {}}}}
    )

    found = {p.name: (p.style, p.explode, p.shape) for p in _operation(spec, "get_a").parameters}

    assert found == {
        # `explode` defaults to true for `form` only (OAS 3.1 4.8.12.2); deepObject writes
        # `filter[n]=1` either way, the one form its table defines.
        "filter": ("deepObject", False, "('object', (('n', 'integer'),), None)"),
        "ids": ("simple", False, "('array', 'integer')"),
    }


def _models(schemas: dict[str, Any]) -> str:
    return models_source(_spec({}, schemas))


def test_object_schema_without_members_keeps_every_member_it_is_given() -> None:
    # JSON Schema 2020-12 Core 10.3.2.3: no `properties` and no `additionalProperties` allow any
    # member; a model without fields that ignores extras would drop them all (bunq's objects,
    # Google's `Empty`).
    source = _models({"Bare": {"type": "object"}, "Empty": {"type": "object", "properties": {}}})

    assert source.count("extra='allow'") == 2


def test_default_of_another_json_type_than_its_schema_is_dropped() -> None:
    # shipengine: `insured_value` is a `monetary_value` object with `default: [...]`, which
    # pydantic validates and refuses, so no instance without the member was valid.
    money = {"type": "object", "properties": {"amount": {"type": "number"}}}
    package = {
        "type": "object",
        "properties": {
            "insured": {
                "allOf": [{"$ref": "#/components/schemas/Money"}],
                "default": [{"amount": 0}],
            },
            "count": {"type": "integer", "default": True},
            "kind": {"type": "string", "default": "box"},
        },
    }

    source = _models({"Money": money, "Package": package})

    assert "insured: Money | MISSING = MISSING" in source
    assert "count: int | MISSING = MISSING" in source
    assert "kind: str = 'box'" in source


def test_readonly_members_required_through_all_of_leave_the_request_model_required() -> None:
    # shipengine's `shipment` requires `shipment_id`, a readOnly member of the base it is made
    # of by `allOf`: a request cannot send it (OAS 3.1 4.8.24.1), so it is not required there.
    base = {
        "type": "object",
        "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}},
    }
    shipment = {"allOf": [{"$ref": "#/components/schemas/Base"}], "required": ["id", "name"]}

    source = _models({"Base": base, "Shipment": shipment})

    request = source[source.index("class ShipmentRequest") :]
    request = request[: request.index("\nclass ", 1)] if "\nclass " in request[1:] else request
    assert "id:" not in request


def test_documented_head_routes_before_the_get_of_its_path() -> None:
    # Starlette lets a GET route answer HEAD too; azure's DataLakeStorage documents both on one
    # path, with different parameters, so HEAD must reach its own operation.
    answer = {"responses": {"200": {"description": ""}}}
    spec = _spec(
        {
            "/a": {
                "get": {"operationId": "readA", **answer},
                "head": {"operationId": "headA", **answer},
            }
        }
    )

    api = build_api(spec, name="quirks", source="quirks.yaml", package="quirks")

    assert [op.method for op in api.routed_operations] == ["HEAD", "GET"]


def test_text_body_whose_schema_is_a_file_is_sent_as_bytes() -> None:
    # Swagger 2's `type: file`, as APIs.guru's conversions write it under `text/plain`.
    file = {"schema": {"type": "object", "format": "file"}}
    content = {"application/octet-stream": file, "text/plain": file}
    spec = _spec(
        {
            "/a": {
                "patch": {
                    "operationId": "patchA",
                    "requestBody": {"content": content},
                    "responses": {},
                }
            }
        }
    )

    body = _operation(spec, "patch_a").body

    assert (body.kind, dict(body.kinds)) == (
        "binary",
        {"application/octet-stream": "binary", "text/plain": "binary"},
    )


def test_union_of_scalar_parameter_reads_its_text_as_the_narrowest_member() -> None:
    # GitHub's `workflow_id` is `oneOf: [integer, string]`: `1` in the path is the integer, and
    # text that is no integer stays text for the string member.
    union = {"oneOf": [{"type": "integer"}, {"type": "string"}]}
    parameters = [{"name": "workflow_id", "in": "path", "required": True, "schema": union}]
    spec = _spec(
        {
            "/w/{workflow_id}": {
                "get": {"operationId": "getW", "parameters": parameters, "responses": {}}
            }
        }
    )

    (parameter,) = _operation(spec, "get_w").parameters

    assert (parameter.annotation, parameter.shape) == ("int | str", "'integer'")


def test_tags_that_differ_only_by_case_get_a_protocol_each() -> None:
    # linode's spec tags operations `Account` and `account`: two Protocols of one name made the
    # server's `Implementation` list a base class twice, and the module failed to import.
    answer = {"responses": {"204": {"description": ""}}}
    spec = _spec(
        {
            "/a": {"get": {"operationId": "getA", "tags": ["Account"], **answer}},
            "/b": {"get": {"operationId": "getB", "tags": ["account"], **answer}},
        }
    )

    api = build_api(spec, name="q", source="q.json", package="q")

    assert [tag.protocol for tag in api.tags] == ["AccountHandlers", "Account2Handlers"]
