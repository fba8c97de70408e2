"""Small specs and the helpers that lay them out as files, shared by the unit and CLI tests."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

__all__ = ["CLEAN_SPEC", "write", "write_tree"]

# Valid OpenAPI 3.1 that every built-in lint rule accepts.
CLEAN_SPEC = """\
openapi: 3.1.0
info:
  title: Items
  version: "1"
tags:
  - name: items
paths:
  /items/{id}:
    get:
      operationId: getItem
      summary: Read an item.
      tags: [items]
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: The item.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Item"
        "404":
          description: Not found.
components:
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id:
          type: string
"""


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    """Write each `relative path: text` below `root` (text dedented); return the first path."""
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        paths.append(path)
    return paths[0]


def write(path: str, text: str) -> Path:
    """Write `text` (dedented) to `path` below the working directory."""
    return write_tree(Path(), {path: text})
