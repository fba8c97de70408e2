"""`oaskit.spec.bundle_spec`: multi-file specs into one document with only local `$ref`s."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from oaskit.errors import Location
from oaskit.spec import bundle_spec
from tests._specs import write_tree

THREE_FILES = {
    "openapi.yaml": """\
    openapi: 3.1.0
    info:
      title: Items
      version: "1"
    paths:
      /items:
        $ref: paths/items.yaml
    """,
    "paths/items.yaml": """\
    get:
      operationId: listItems
      parameters:
        - $ref: ../shared/common.yaml#/Limit
      responses:
        "200":
          description: The items.
          content:
            application/json:
              schema:
                $ref: ../components/schemas/Item.yaml
    """,
    "components/schemas/Item.yaml": """\
    type: object
    properties:
      id:
        type: string
      child:
        $ref: ./Item.yaml
    """,
    "shared/common.yaml": """\
    Limit:
      name: limit
      in: query
      schema:
        type: integer
    """,
}

OPERATION = ("paths", "/items", "get")
SCHEMA = (*OPERATION, "responses", "200", "content", "application/json", "schema")


def refs(node: Any) -> Iterator[str]:
    """Every `$ref` value in `node`, depth first."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_leaves_only_local_refs_when_spec_spans_three_files(tmp_path: Path) -> None:
    bundle = bundle_spec(write_tree(tmp_path, THREE_FILES))

    assert bundle.problems == []
    assert sorted(set(refs(bundle.data))) == ["#/components/schemas/Item"]
    assert bundle.files == tuple(sorted((tmp_path / name).resolve() for name in THREE_FILES))


def test_hoists_whole_file_into_components_when_root_does_not_name_it(tmp_path: Path) -> None:
    bundle = bundle_spec(write_tree(tmp_path, THREE_FILES))

    operation = bundle.data["paths"]["/items"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Item"}
    assert bundle.data["components"]["schemas"] == {
        "Item": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "child": {"$ref": "#/components/schemas/Item"},
            },
        }
    }


def test_inlines_target_when_fragment_ref_points_into_non_component_file(tmp_path: Path) -> None:
    bundle = bundle_spec(write_tree(tmp_path, THREE_FILES))

    assert bundle.data["paths"]["/items"]["get"]["parameters"] == [
        {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    ]


def test_locates_nodes_in_their_source_file_when_bundled(tmp_path: Path) -> None:
    bundle = bundle_spec(write_tree(tmp_path, THREE_FILES))
    root = tmp_path.resolve()

    assert bundle.locate(("info", "title")) == Location(root / "openapi.yaml", 3, 10)
    assert bundle.locate((*OPERATION, "operationId")) == Location(root / "paths/items.yaml", 2, 16)
    assert bundle.locate((*OPERATION, "parameters", 0, "in")) == Location(
        root / "shared/common.yaml", 3, 7
    )
    assert bundle.locate(("components", "schemas", "Item", "properties", "id", "type")) == Location(
        root / "components/schemas/Item.yaml", 4, 11
    )
    # A node that replaced a `$ref` is located where the `$ref` was written.
    assert bundle.locate((*OPERATION, "parameters", 0)).file == root / "paths/items.yaml"
    assert bundle.locate((*OPERATION, "parameters", 0)).line == 4
    assert bundle.locate(("paths", "/items")) == Location(root / "openapi.yaml", 7, 11)


def test_reports_ref_unresolvable_at_ref_line_when_file_is_missing(tmp_path: Path) -> None:
    files = dict(THREE_FILES)
    files["paths/items.yaml"] = files["paths/items.yaml"].replace("common.yaml", "gone.yaml")

    bundle = bundle_spec(write_tree(tmp_path, files))

    assert [(p.code, p.location) for p in bundle.problems] == [
        ("ref-unresolvable", Location(tmp_path.resolve() / "paths/items.yaml", 4, 13))
    ]
    assert "gone.yaml" in bundle.problems[0].message


def test_reports_ref_unresolvable_at_ref_line_when_pointer_is_missing(tmp_path: Path) -> None:
    files = dict(THREE_FILES)
    files["paths/items.yaml"] = files["paths/items.yaml"].replace("#/Limit", "#/Offset")

    bundle = bundle_spec(write_tree(tmp_path, files))

    assert [(p.code, p.message, p.location) for p in bundle.problems] == [
        (
            "ref-unresolvable",
            "$ref '../shared/common.yaml#/Offset' points at nothing",
            Location(tmp_path.resolve() / "paths/items.yaml", 4, 13),
        )
    ]


def test_reports_ref_unresolvable_when_local_ref_points_at_nothing(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path,
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            info: {title: T, version: "1"}
            paths:
              /a:
                get:
                  responses:
                    "200":
                      $ref: "#/components/responses/Nope"
            """
        },
    )

    bundle = bundle_spec(path)

    assert [(p.code, p.location) for p in bundle.problems] == [
        ("ref-unresolvable", Location(path.resolve(), 8, 17))
    ]


def test_reports_ref_cycle_when_inlined_target_refers_to_itself(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path,
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            info: {title: T, version: "1"}
            paths:
              /a:
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema:
                            $ref: defs.yaml#/Node
            """,
            "defs.yaml": """\
            Node:
              type: object
              properties:
                next:
                  $ref: "#/Node"
            """,
        },
    )

    bundle = bundle_spec(path)

    assert [(p.code, p.location) for p in bundle.problems] == [
        ("ref-cycle", Location(tmp_path.resolve() / "defs.yaml", 5, 13))
    ]


def test_keeps_ref_as_data_when_it_is_inside_an_example_value(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path,
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            info: {title: T, version: "1"}
            paths:
              /a:
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          examples:
                            one:
                              value:
                                $ref: not/a/file.yaml
            """
        },
    )

    bundle = bundle_spec(path)

    media = bundle.data["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]
    assert media["examples"]["one"]["value"] == {"$ref": "not/a/file.yaml"}
    assert bundle.problems == []


def test_hoists_response_when_response_code_is_default(tmp_path: Path) -> None:
    # `default` is a response code here (OAS 3.1 §4.8.16), not a schema's literal default value.
    path = write_tree(
        tmp_path,
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            info: {title: T, version: "1"}
            paths:
              /a:
                get:
                  responses:
                    "200":
                      description: ok
                    default:
                      $ref: components/responses/Error.yaml
            """,
            "components/responses/Error.yaml": "description: Something went wrong.\n",
        },
    )

    bundle = bundle_spec(path)

    responses = bundle.data["paths"]["/a"]["get"]["responses"]
    assert responses["default"] == {"$ref": "#/components/responses/Error"}
    assert bundle.data["components"]["responses"] == {
        "Error": {"description": "Something went wrong."}
    }


def test_hoists_header_when_header_name_starts_with_lowercase_x(tmp_path: Path) -> None:
    # Only specification extensions start with `x-`; a header map key is a header name.
    path = write_tree(
        tmp_path,
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            info: {title: T, version: "1"}
            paths:
              /a:
                get:
                  responses:
                    "200":
                      description: ok
                      headers:
                        x-rate-limit:
                          $ref: components/headers/RateLimit.yaml
            """,
            "components/headers/RateLimit.yaml": "schema:\n  type: integer\n",
        },
    )

    bundle = bundle_spec(path)

    assert list(refs(bundle.data)) == ["#/components/headers/RateLimit"]


def test_keeps_root_component_when_hoisted_file_has_the_same_name(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path,
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            info: {title: T, version: "1"}
            paths:
              /a:
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema:
                            $ref: components/schemas/Item.yaml
                    "201":
                      description: ok
                      content:
                        application/json:
                          schema:
                            $ref: "#/components/schemas/Item"
            components:
              schemas:
                Item:
                  type: string
            """,
            "components/schemas/Item.yaml": "type: object\n",
        },
    )

    bundle = bundle_spec(path)

    schemas = bundle.data["components"]["schemas"]
    assert schemas["Item"] == {"type": "string"}
    responses = bundle.data["paths"]["/a"]["get"]["responses"]
    hoisted = responses["200"]["content"]["application/json"]["schema"]["$ref"]
    assert hoisted != "#/components/schemas/Item"
    assert schemas[hoisted.rsplit("/", 1)[1]] == {"type": "object"}


def test_reports_ref_unresolvable_when_missing_file_lies_in_a_components_folder(
    tmp_path: Path,
) -> None:
    files = dict(THREE_FILES)
    files["paths/items.yaml"] = files["paths/items.yaml"].replace("Item.yaml", "Gone.yaml")

    bundle = bundle_spec(write_tree(tmp_path, files))

    assert [(p.code, p.location) for p in bundle.problems] == [
        ("ref-unresolvable", Location(tmp_path.resolve() / "paths/items.yaml", 11, 19))
    ]
