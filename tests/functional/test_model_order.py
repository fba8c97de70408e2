"""Models import when a default names an enum that datamodel-codegen defines further down."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from oaskit.pipeline import generate_package

PACKAGE = "order_api"

# `Alpha.kind` defaults to a member of the inline enum `Kind`, which sorts after `Alpha`:
# datamodel-codegen writes `kind: Kind = Kind.slow` above `class Kind` (Adyen's spec does this).
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Order", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "Alpha": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["fast", "slow"], "default": "slow"}
                },
            },
        }
    },
}


def test_model_with_enum_default_imports_and_validates_when_enum_sorts_after_it(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "order.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    files = generate_package(spec, name="order", package=PACKAGE, source="order.json")
    for name, text in files.items():
        target = tmp_path / PACKAGE / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    models_source = files["models.py"]
    assert models_source.index("class Kind(") < models_source.index("class Alpha(")
    sys.path.insert(0, str(tmp_path))
    try:
        models = importlib.import_module(f"{PACKAGE}.models")
        assert models.Alpha().kind is models.Kind.slow
        assert models.Alpha.model_validate_json('{"kind": "fast"}').kind is models.Kind.fast
        with pytest.raises(ValueError, match="kind"):
            models.Alpha.model_validate_json('{"kind": "walk"}')
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]
