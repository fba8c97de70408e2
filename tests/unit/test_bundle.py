"""`oaskit.spec.bundle_spec`: multi-file specs into one document with only local `$ref`s."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oaskit.errors import Location, SpecInputError
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
        - $ref: ../lib/common.yaml#/Limit
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
    "lib/common.yaml": """\
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
        root / "lib/common.yaml", 3, 7
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
            "$ref '../lib/common.yaml#/Offset' points at nothing",
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


# `$ref`s stay inside the root (issue #15; STYLE rule 16) and a loop of them is reported.

HEAD = """\
openapi: 3.1.0
info: {title: Items, version: "1"}
paths: {}
components:
  schemas:
"""


def _refused(path: Path, **options: Any) -> tuple[str, Location, str]:
    with pytest.raises(SpecInputError) as caught:
        bundle_spec(path, **options)
    finding = caught.value.finding
    return finding.code, finding.location, finding.message


@pytest.mark.parametrize(
    "ref",
    ["/etc/passwd", "../outside/secret.yaml", "sub/../../outside/secret.yaml#/Secret"],
)
def test_raises_ref_outside_root_at_the_ref_when_it_leaves_the_spec_folder(
    tmp_path: Path, ref: str
) -> None:
    write_tree(tmp_path, {"outside/secret.yaml": "Secret: {type: string}\n"})
    path = write_tree(tmp_path / "api", {"openapi.yaml": HEAD + f"    A: {{$ref: '{ref}'}}\n"})

    code, location, message = _refused(path)

    assert (code, location) == ("ref-outside-root", Location(path.resolve(), 6, 15))
    assert "Secret" not in message


def test_raises_ref_outside_root_when_a_symlink_inside_points_out(tmp_path: Path) -> None:
    secret = write_tree(tmp_path, {"outside/secret.yaml": "type: string\n"})
    path = write_tree(tmp_path / "api", {"openapi.yaml": HEAD + "    A: {$ref: link.yaml}\n"})
    (tmp_path / "api" / "link.yaml").symlink_to(secret)

    assert _refused(path)[:2] == ("ref-outside-root", Location(path.resolve(), 6, 15))


def test_follows_ref_when_its_folder_is_a_ref_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"common/Thing.yaml": "type: string\n"})
    path = write_tree(
        tmp_path / "api", {"openapi.yaml": HEAD + "    A: {$ref: ../common/Thing.yaml}\n"}
    )

    bundle = bundle_spec(path, ref_roots=[tmp_path / "common"])

    assert bundle.problems == []
    assert bundle.data["components"]["schemas"]["A"] == {"type": "string"}


def test_follows_ref_to_a_symlink_that_stays_inside_the_root(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path,
        {"openapi.yaml": HEAD + "    A: {$ref: link.yaml}\n", "real/Thing.yaml": "type: string\n"},
    )
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real" / "Thing.yaml")

    assert bundle_spec(path).data["components"]["schemas"]["A"] == {"type": "string"}


@pytest.mark.parametrize(
    "ref",
    [
        "http://127.0.0.1:9/x.yaml",
        "https://example.com/x.yaml#/A",
        "file:///etc/passwd",
        "//example.com/x.yaml",
        "ftp://example.com/x.yaml",
        "urn:x:y",
    ],
)
def test_raises_ref_remote_at_the_ref_when_it_names_a_url(tmp_path: Path, ref: str) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": HEAD + f"    A: {{$ref: '{ref}'}}\n"})

    assert _refused(path)[:2] == ("ref-remote", Location(path.resolve(), 6, 15))


def test_raises_input_unreadable_at_the_ref_when_it_names_a_symlink_loop(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": HEAD + "    A: {$ref: one.yaml}\n"})
    (tmp_path / "one.yaml").symlink_to(tmp_path / "two.yaml")
    (tmp_path / "two.yaml").symlink_to(tmp_path / "one.yaml")

    code, location, message = _refused(path)

    assert (code, location) == ("input-unreadable", Location(path.resolve(), 6, 15))
    assert "symlink loop" in message


def test_raises_input_unreadable_when_the_root_spec_is_a_symlink_loop(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.symlink_to(path)

    assert _refused(path)[0] == "input-unreadable"


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_raises_input_unreadable_at_the_ref_when_it_names_no_regular_file(
    tmp_path: Path, kind: str
) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": HEAD + "    A: {$ref: other.yaml}\n"})
    if kind == "fifo":
        os.mkfifo(tmp_path / "other.yaml")
    else:
        (tmp_path / "other.yaml").mkdir()

    assert _refused(path)[:2] == ("input-unreadable", Location(path.resolve(), 6, 15))


@pytest.mark.parametrize(
    ("schemas", "cycle"),
    [
        ("    A: {$ref: '#/components/schemas/A'}\n", "A -> #/components/schemas/A"),
        (
            "    A: {$ref: '#/components/schemas/B'}\n"
            "    B: {$ref: '#/components/schemas/A', description: Still no content.}\n",
            "A -> #/components/schemas/B -> #/components/schemas/A",
        ),
    ],
)
def test_reports_ref_cycle_at_the_ref_when_refs_loop_without_content(
    tmp_path: Path, schemas: str, cycle: str
) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": HEAD + schemas})

    bundle = bundle_spec(path)

    [problem] = bundle.problems
    assert (problem.code, problem.location) == ("ref-cycle", Location(path.resolve(), 6, 15))
    assert problem.message.endswith(cycle)


def test_reports_ref_cycle_when_refs_loop_across_files(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path,
        {
            "openapi.yaml": HEAD + "    A: {$ref: components/schemas/B.yaml}\n",
            "components/schemas/B.yaml": "$ref: C.yaml\n",
            "components/schemas/C.yaml": "$ref: B.yaml\n",
        },
    )

    bundle = bundle_spec(path)

    assert [(p.code, p.location.file.name) for p in bundle.problems] == [("ref-cycle", "B.yaml")]


def test_keeps_recursive_schema_when_its_loop_reaches_content(tmp_path: Path) -> None:
    schemas = (
        "    Tree: {$ref: '#/components/schemas/Node'}\n"
        "    Node:\n"
        "      type: object\n"
        "      properties:\n"
        "        children: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n"
    )
    path = write_tree(tmp_path, {"openapi.yaml": HEAD + schemas})

    assert bundle_spec(path).problems == []


def test_locates_a_path_key_in_the_root_when_its_item_comes_from_another_file(
    tmp_path: Path,
) -> None:
    files = {
        "openapi.yaml": """\
            openapi: 3.1.0
            info: {title: T, version: "1"}
            paths:
              /items#Action=List:
                $ref: paths/items.yaml
            """,
        "paths/items.yaml": """\
            get:
              responses:
                "200": {description: OK.}
            """,
    }
    bundle = bundle_spec(write_tree(tmp_path, files))
    pointer = ("paths", "/items#Action=List")

    root = (tmp_path / "openapi.yaml").resolve()
    # The key, not the `$ref` that stands for the inlined item.
    assert bundle.locate_key(pointer) == Location(root, 4, 3)
    assert bundle.locate(pointer) == Location(root, 5, 11)
