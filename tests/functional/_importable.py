"""A package generated from an inline spec into a temporary folder, importable while in use."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from oaskit.pipeline import generate_package

__all__ = ["generated_package"]


@contextmanager
def generated_package(
    root: Path, spec: dict[str, Any], *, name: str, package: str, **options: Any
) -> Iterator[Path]:
    """Generate `package` from `spec` below `root`, put `root` on sys.path, and undo both.

    `options` go to `generate_package` (`validation_status="422"`). On exit the package's
    modules leave `sys.modules`, so the next test imports them afresh.
    """
    spec_path = root / f"{name}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    files = generate_package(
        spec_path, name=name, package=package, source=spec_path.name, **options
    )
    for relative, text in files.items():
        target = root / package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        yield root
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
            del sys.modules[module]
