"""A spec with more models than SPLIT_MODELS_OVER: a lazily imported models package."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from oaskit.ir import SPLIT_MODELS_OVER
from tests.functional._importable import generated_package

PACKAGE = "many_api"
FILLERS = SPLIT_MODELS_OVER + 10


def _spec() -> dict[str, Any]:
    """One operation over a few related models (one cycle), plus many unrelated models."""
    schemas: dict[str, Any] = {
        "Tree": {
            "type": "object",
            "required": ["name", "kind"],
            "properties": {
                "name": {"type": "string"},
                "kind": {"$ref": "#/components/schemas/Kind"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            },
        },
        # Node and Branch refer to each other: a cycle, so they must share a module.
        "Node": {
            "type": "object",
            "required": ["label"],
            "properties": {
                "label": {"type": "string"},
                "branch": {"$ref": "#/components/schemas/Branch"},
            },
        },
        "Branch": {
            "type": "object",
            "required": ["nodes"],
            "properties": {
                "nodes": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            },
        },
        "Kind": {"type": "string", "enum": ["oak", "elm"]},
    }
    for number in range(FILLERS):
        schemas[f"Filler{number}"] = {
            "type": "object",
            "required": ["value"],
            "properties": {"value": {"type": "integer"}},
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Many", "version": "1"},
        "paths": {
            "/trees/{name}": {
                "get": {
                    "operationId": "getTree",
                    "tags": ["trees"],
                    "parameters": [
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The tree.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Tree"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": schemas},
    }


@pytest.fixture(scope="module")
def package_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The generated package written to a temporary folder that is on sys.path."""
    with generated_package(
        tmp_path_factory.mktemp("lazy"), _spec(), name="many", package=PACKAGE
    ) as root:
        yield root


@pytest.fixture
def client_module(package_root: Path) -> ModuleType:
    """`many_api.client`, freshly imported, so each test sees which models it loads."""
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]
    return importlib.import_module(f"{PACKAGE}.client")


def _model_modules() -> set[str]:
    return {m for m in sys.modules if m.startswith(f"{PACKAGE}.models._")}


def test_models_become_a_package_of_modules_when_spec_has_many(package_root: Path) -> None:
    folder = package_root / PACKAGE / "models"

    assert not (package_root / PACKAGE / "models.py").exists()
    assert (folder / "__init__.py").is_file()
    # Node and Branch form a cycle: one module holds both, and the other models one each.
    modules = [p for p in folder.glob("_*.py") if p.name != "__init__.py"]
    assert len(modules) == FILLERS + 3
    (shared,) = [p for p in modules if "class Node(" in p.read_text(encoding="utf-8")]
    assert "class Branch(" in shared.read_text(encoding="utf-8")


def test_client_imports_no_model_when_imported(client_module: ModuleType) -> None:
    assert _model_modules() == set()


def test_first_call_imports_only_the_models_it_needs_when_made(
    client_module: ModuleType,
) -> None:
    tree = {"name": "t", "kind": "oak", "children": [{"label": "a", "branch": {"nodes": []}}]}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=tree)

    client = client_module.ManyClient("https://example.test", transport=httpx.MockTransport(answer))

    result = client.get_tree("t")

    assert result.children[0].branch.nodes == []
    assert type(result).__name__ == "Tree"
    table = importlib.import_module(f"{PACKAGE}.models")._MODULES
    needed = {table[name] for name in ("Tree", "Node", "Branch", "Kind")}
    assert _model_modules() == {f"{PACKAGE}.models.{module}" for module in needed}
    assert len(needed) == 3


def test_models_resolve_by_import_and_attribute_when_lazy(client_module: ModuleType) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    namespace: dict[str, Any] = {}

    exec(f"from {PACKAGE}.models import Filler7", namespace)

    assert namespace["Filler7"] is models.Filler7
    assert models.Filler7(value=1).value == 1
    assert "Filler7" in dir(models)
    assert len(models.__all__) == FILLERS + 4
    with pytest.raises(AttributeError, match="Nope"):
        _ = models.Nope


def test_split_package_is_mypy_strict_clean_when_checked(
    package_root: Path, tmp_path: Path
) -> None:
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nplugins = pydantic.mypy\n", encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    mypy = subprocess.run(
        [
            str(bin_dir / "mypy"),
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--config-file",
            str(config),
            "-p",
            PACKAGE,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=package_root,
        env={**os.environ, "MYPYPATH": str(package_root)},
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_split_package_is_what_ruff_would_make_of_it_when_checked(package_root: Path) -> None:
    # The modules are split from an already formatted models.py and never formatted again:
    # their import blocks and blank lines must be what ruff's isort and formatter would write.
    ruff = str(Path(sys.executable).parent / "ruff")
    common = ["--isolated", "--line-length", "100", "--target-version", "py311"]
    first_party = ["--config", f"lint.isort.known-first-party = [{PACKAGE!r}]"]
    folder = str(package_root / PACKAGE / "models")
    check = subprocess.run(
        [ruff, "check", *common, *first_party, "--select", "I,F401,E302,E305", folder],
        capture_output=True,
        text=True,
        check=False,
    )
    formatted = subprocess.run(
        [ruff, "format", *common, "--check", "--diff", folder],
        capture_output=True,
        text=True,
        check=False,
    )

    assert check.returncode == 0, check.stdout
    assert formatted.returncode == 0, formatted.stdout
