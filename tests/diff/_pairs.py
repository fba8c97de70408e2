"""Write a pair of small inline specs to a temporary folder and compare them."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

from oaskit.diff._compare import compare
from oaskit.diff._model import Change
from oaskit.spec import bundle_spec

__all__ = ["compare_texts", "found", "spec"]


def spec(text: str) -> str:
    """A whole OpenAPI 3.1 document: `openapi` and `info`, then `text` (dedented)."""
    return 'openapi: 3.1.0\ninfo: {title: Pair, version: "1"}\n' + textwrap.dedent(text)


def compare_texts(
    tmp_path: Path, base_yaml: str, head_yaml: str, *, today: date | None = None
) -> list[Change]:
    """Compare two specs given as (indented) YAML text, each bundled from its own folder."""
    sides = []
    for name, text in (("base", base_yaml), ("head", head_yaml)):
        path = tmp_path / name / "openapi.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        sides.append(bundle_spec(path))
    return compare(sides[0], sides[1], today=today)


def found(changes: list[Change]) -> list[tuple[Any, ...]]:
    """Each change as (rule id, level label, base pointer, head pointer), for assertions."""
    return [(change.rule.id, change.level.label, change.base, change.head) for change in changes]
