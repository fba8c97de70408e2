"""The models module oaskit renders for a spec, as text (unformatted), for unit tests."""

from __future__ import annotations

from typing import Any

from oaskit.ir import build_api
from oaskit.render import render_code


def models_source(spec: dict[str, Any], *, package: str = "p", split: bool = True) -> str:
    """The rendered `models.py` (every models module, joined, for a split package)."""
    api = build_api(spec, name="t", source="t.yaml", package=package, split_read_write=split)
    files = render_code(api)
    return "\n".join(text for name, text in files.items() if name.startswith("models"))


def spec_of(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    """A minimal OpenAPI 3.1 document around `schemas` (and `paths`)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas},
    }
