"""Compare two sets of component schemas directly with `compare_schema`, without operations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from oaskit.diff._model import Change, Comparison, Direction, Side
from oaskit.diff._schemas import compare_schema
from oaskit.spec import Pointer, bundle_spec

__all__ = ["REQUEST", "RESPONSE", "compare_components", "rules", "sides"]

REQUEST = Direction.REQUEST
RESPONSE = Direction.RESPONSE


def _write(folder: Path, schemas: dict[str, Any], version: str) -> Path:
    path = folder / "openapi.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "openapi": version,
        "info": {"title": "Schemas", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    # JSON is YAML (YAML 1.2 1.3), and needs no dumper that could reorder keys.
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def sides(
    tmp_path: Path, base: dict[str, Any], head: dict[str, Any], *, version: str = "3.1.0"
) -> Comparison:
    """A Comparison of two specs holding only `components/schemas`."""
    return Comparison(
        Side(bundle_spec(_write(tmp_path / "base", base, version))),
        Side(bundle_spec(_write(tmp_path / "head", head, version))),
    )


def compare_components(
    tmp_path: Path,
    base: dict[str, Any],
    head: dict[str, Any],
    *,
    direction: Direction = REQUEST,
    name: str = "X",
    wire_text: bool = False,
    version: str = "3.1.0",
) -> list[Change]:
    """The changes between the schema `name` of `base` and of `head`."""
    cmp = sides(tmp_path, base, head, version=version)
    at: Pointer = ("components", "schemas", name)
    compare_schema(cmp, at, at, direction=direction, operation="POST /x", wire_text=wire_text)
    return cmp.changes


def rules(changes: list[Change]) -> list[tuple[str, str]]:
    """(rule id, level) of each change, in the order found."""
    return [(change.rule.id, change.level.label) for change in changes]
