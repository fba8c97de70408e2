"""`oaskit lint FILE`: findings as `file:line:col CODE message`, exit codes 0, 1 and 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oaskit.cli import main
from tests._specs import CLEAN_SPEC, write

ROOT_WITH_ERRORS = """\
openapi: 3.1.0
info:
  title: Items
  version: "1"
tags:
  - name: items
paths:
  /items:
    $ref: paths/items.yaml
"""

PATHS_WITH_ERRORS = """\
get:
  operationId: list_items
  tags: [items, widgets]
  responses:
    "200":
      description: The items.
"""

# These four rules at error level, whatever their defaults: the findings below do not move when a
# rule's default level or selection does.
AS_ERRORS = """\
[tool.oaskit.lint]
select = [
  "operation-has-summary",
  "operation-id-is-camel-case",
  "operation-has-declared-tag",
  "operation-has-error-response",
]

[tool.oaskit.lint.severity]
operation-has-summary = "error"
operation-id-is-camel-case = "error"
operation-has-declared-tag = "error"
operation-has-error-response = "error"
"""

EXPECTED_ERRORS = [
    "paths/items.yaml:2:3 operation-has-summary operation has no summary",
    "paths/items.yaml:2:16 operation-id-is-camel-case operationId 'list_items' is not camelCase",
    "paths/items.yaml:3:17 operation-has-declared-tag"
    " tag 'widgets' is not declared in the top-level tags",
    "paths/items.yaml:5:5 operation-has-error-response operation documents no 4xx response",
]

# The text format shows each finding's source line (and the one before) under it.
EXPECTED_TEXT = """\
paths/items.yaml:2:3 operation-has-summary operation has no summary
1 | get:
2 |   operationId: list_items
  |   ^ error

paths/items.yaml:2:16 operation-id-is-camel-case operationId 'list_items' is not camelCase
1 | get:
2 |   operationId: list_items
  |                ^ error

paths/items.yaml:3:17 operation-has-declared-tag tag 'widgets' is not declared in the top-level tags
2 |   operationId: list_items
3 |   tags: [items, widgets]
  |                 ^ error

paths/items.yaml:5:5 operation-has-error-response operation documents no 4xx response
4 |   responses:
5 |     "200":
  |     ^ error

"""


def test_exits_0_and_prints_no_finding_when_spec_is_clean(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", CLEAN_SPEC)

    code = main(["lint", "openapi.yaml"])

    out, err = capsys.readouterr()
    assert (code, out, err) == (0, "", "lint: 1 spec(s), 0 error(s), 0 other finding(s)\n")


def test_exits_1_and_prints_located_findings_when_spec_has_errors(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", ROOT_WITH_ERRORS)
    write("paths/items.yaml", PATHS_WITH_ERRORS)
    write("pyproject.toml", AS_ERRORS)

    code = main(["lint", "openapi.yaml"])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == EXPECTED_TEXT
    assert err == "lint: 1 spec(s), 4 error(s), 0 other finding(s)\n"


def test_prints_findings_as_json_list_when_format_is_json(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", ROOT_WITH_ERRORS)
    write("paths/items.yaml", PATHS_WITH_ERRORS)
    write("pyproject.toml", AS_ERRORS)

    code = main(["lint", "--format", "json", "openapi.yaml"])

    out, err = capsys.readouterr()
    payload = json.loads(out)
    assert code == 1
    assert err == ""
    assert all(set(item) == {"file", "line", "col", "code", "level", "message"} for item in payload)
    assert all(item["level"] == "error" for item in payload)
    assert [
        f"{item['file']}:{item['line']}:{item['col']} {item['code']} {item['message']}"
        for item in payload
    ] == EXPECTED_ERRORS


def test_prints_empty_json_list_when_spec_is_clean(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", CLEAN_SPEC)

    code = main(["lint", "--format", "json", "openapi.yaml"])

    assert (code, json.loads(capsys.readouterr().out)) == (0, [])


def test_exits_2_with_one_located_line_when_file_is_not_yaml(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", "openapi: 3.1.0\ntags: [a, b\ninfo: {}\n")

    code = main(["lint", "openapi.yaml"])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        "openapi.yaml:3:5 input-syntax not valid YAML or JSON: expected ',' or ']', but got ':'\n"
    )


def test_exits_2_with_one_located_line_when_yaml_has_unknown_tag(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", "openapi: 3.1.0\ninfo: !custom value\n")

    code = main(["lint", "openapi.yaml"])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith("openapi.yaml:2:7 ")


def test_exits_2_with_one_line_when_spec_is_swagger_2(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("swagger.yaml", 'swagger: "2.0"\ninfo: {title: T, version: "1"}\npaths: {}\n')

    code = main(["lint", "swagger.yaml"])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        "swagger.yaml:1:10 input-not-supported Swagger 2.0 is not supported; convert it to "
        "OpenAPI 3 first (for example with `npx swagger2openapi`)\n"
    )


def test_exits_2_with_one_line_when_file_is_missing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["lint", "missing.yaml"])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == "missing.yaml:1:1 input-unreadable cannot read file: No such file or directory\n"


def test_exits_1_with_located_finding_when_ref_names_a_missing_file(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", CLEAN_SPEC.replace('"#/components/schemas/Item"', "defs/Gone.yaml"))

    code = main(["lint", "openapi.yaml"])

    out, _ = capsys.readouterr()
    assert code == 1
    assert out.splitlines() == [
        "openapi.yaml:25:23 ref-unresolvable Gone.yaml: cannot read file: "
        "No such file or directory",
        "24 |               schema:",
        "25 |                 $ref: defs/Gone.yaml",
        "   |                       ^ error",
        "",
    ]


def test_suggests_the_closest_component_when_a_ref_misses_by_a_typo(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", CLEAN_SPEC.replace('schemas/Item"', 'schemas/Itme"'))

    code = main(["lint", "--format", "json", "openapi.yaml"])

    assert code == 1
    assert [item["message"] for item in json.loads(capsys.readouterr().out)] == [
        "$ref '#/components/schemas/Itme' points at nothing; "
        "did you mean '#/components/schemas/Item'?"
    ]


def test_suggests_a_path_that_resolves_when_several_members_miss(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        "openapi.yaml",
        CLEAN_SPEC.replace('"#/components/schemas/Item"', "defs.yaml#/Itme/prperties/id"),
    )
    write("defs.yaml", "Item:\n  properties:\n    id: {type: string}\n")

    code = main(["lint", "--format", "json", "openapi.yaml"])

    assert code == 1
    assert [item["message"] for item in json.loads(capsys.readouterr().out)] == [
        "$ref 'defs.yaml#/Itme/prperties/id' points at nothing; "
        "did you mean 'defs.yaml#/Item/properties/id'?"
    ]


def test_suggests_nothing_when_no_name_is_close(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", CLEAN_SPEC.replace('schemas/Item"', 'schemas/Zzz"'))

    main(["lint", "--format", "json", "openapi.yaml"])

    assert [item["message"] for item in json.loads(capsys.readouterr().out)] == [
        "$ref '#/components/schemas/Zzz' points at nothing"
    ]


def test_suggests_the_closest_file_beside_it_when_a_ref_names_a_missing_file(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", CLEAN_SPEC.replace('"#/components/schemas/Item"', "schemas/Itm.yaml"))
    write("schemas/Item.yaml", "type: object\n")
    write("schemas/Order.yaml", "type: object\n")

    code = main(["lint", "--format", "json", "openapi.yaml"])

    assert code == 1
    assert [item["message"] for item in json.loads(capsys.readouterr().out)] == [
        "Itm.yaml: cannot read file: No such file or directory; did you mean 'Item.yaml'?"
    ]
