"""A member shared by `$ref` into a file of pieces is one change, located where it is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oaskit.cli import main
from tests._specs import write_tree

ROOT = """\
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /items:
    post:
      operationId: createItem
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: ./schemas/ItemCreate.yaml}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: ./schemas/Item.yaml}
  /items/{id}:
    put:
      operationId: updateItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: ./schemas/ItemUpdate.yaml}
      responses:
        "200":
          description: updated
          content:
            application/json:
              schema: {$ref: ./schemas/Item.yaml}
"""
PIECES = """\
type: object
properties:
  name:
    type: string
    maxLength: {limit}
"""


def files(limit: int) -> dict[str, str]:
    uses = "type: object\nproperties:\n  name:\n    $ref: ./_pieces.yaml#/properties/name\n"
    return {
        "openapi.yaml": ROOT,
        "schemas/_pieces.yaml": PIECES.format(limit=limit),
        "schemas/Item.yaml": uses,
        "schemas/ItemCreate.yaml": uses,
        "schemas/ItemUpdate.yaml": uses,
    }


def test_reports_a_shared_piece_once_at_its_own_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = write_tree(tmp_path / "base", files(200))
    head = write_tree(tmp_path / "head", files(100))
    monkeypatch.chdir(tmp_path)

    assert main(["diff", str(base), str(head), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)

    (error,) = [c for c in report["changes"] if c["level"] == "error"]
    assert error["rule"] == "request-constraint-tightened"
    # Both request bodies that use it, in one change, placed in the file of pieces.
    assert error["operations"] == ["POST /items", "PUT /items/{id}"]
    assert error["base"]["file"].endswith("base/schemas/_pieces.yaml")
    assert (error["base"]["line"], error["head"]["line"]) == (4, 4)
