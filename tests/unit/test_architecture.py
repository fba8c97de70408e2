"""ARCHITECTURE.md's layer table is true: each layer of tools/oaskit imports only what it may."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOLKIT = REPO / "tools" / "oaskit"


def _layers() -> dict[str, set[str] | None]:
    """Layer → the oaskit layers it may import (None: everything), read off the table."""
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Layers of `tools/oaskit`", 1)[1].split("\n## ", 1)[0]
    layers: dict[str, set[str] | None] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        name = cells[0].strip("`").removesuffix(".py").rstrip("/")
        allowed = cells[2]
        if allowed == "everything":
            layers[name] = None
        else:
            layers[name] = set(re.findall(r"`([A-Za-z_]+)`", allowed))
    return layers


def _imported_layers(layer: str) -> dict[str, str]:
    """The other oaskit layers `layer` imports, each with one file that does."""
    folder = TOOLKIT / layer
    files = sorted(folder.rglob("*.py")) if folder.is_dir() else [TOOLKIT / f"{layer}.py"]
    found: dict[str, str] = {}
    for source in files:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] == "oaskit" and len(parts) > 1 and parts[1] != layer:
                    found.setdefault(parts[1], source.relative_to(REPO).as_posix())
    return found


def test_table_names_every_layer_when_read() -> None:
    on_disk = {
        path.stem if path.is_file() else path.name
        for path in TOOLKIT.iterdir()
        if (path.suffix == ".py" and path.name != "__init__.py")
        or (path.is_dir() and (path / "__init__.py").exists())
    }

    assert set(_layers()) == on_disk


@pytest.mark.parametrize("layer", sorted(_layers()))
def test_layer_imports_only_what_the_table_allows_when_read(layer: str) -> None:
    allowed = _layers()[layer]
    if allowed is None:
        return
    forbidden = {
        name: where for name, where in _imported_layers(layer).items() if name not in allowed
    }

    assert forbidden == {}
