"""Small specs for the CLI tests, written into the working directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

__all__ = ["CLEAN_SPEC", "write"]

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


def write(path: str, text: str) -> Path:
    """Write `text` (dedented) to `path` below the working directory."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(text), encoding="utf-8")
    return target
