"""The two distributions: oaskit alone with what it imports, the service with its own stack.

The package lists in both pyproject.toml files are written out (setuptools' find() cannot map a
package to a folder outside its root), so these tests hold them to the folders on disk.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# The service's stack, which a user of oaskit must not be made to install.
SERVICE_ONLY = {"sqlalchemy", "psycopg", "redis", "cryptography", "alembic", "pydantic-settings"}


def _pyproject(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _packages_below(root: Path, top: str) -> set[str]:
    return {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    assert match is not None, requirement
    return match.group(0).lower().replace("_", "-")


def test_oaskit_lists_every_package_when_built() -> None:
    setuptools = _pyproject(REPO / "pyproject.toml")["tool"]["setuptools"]

    assert set(setuptools["packages"]) == _packages_below(REPO / "tools", "oaskit") | {
        "oaskit.templates"
    }
    assert setuptools["package-dir"] == {"": "tools", "oaskit.templates": "templates"}


def test_oaskit_wheel_carries_no_generic_top_level_package_when_built() -> None:
    packages = _pyproject(REPO / "pyproject.toml")["tool"]["setuptools"]["packages"]

    assert {name.split(".")[0] for name in packages} == {"oaskit"}


def test_service_lists_every_package_when_built() -> None:
    setuptools = _pyproject(REPO / "service" / "pyproject.toml")["tool"]["setuptools"]

    assert set(setuptools["packages"]) == _packages_below(
        REPO / "service", "connectors_service"
    ) | _packages_below(REPO, "generated")


def test_oaskit_depends_on_none_of_the_service_stack_when_installed() -> None:
    project = _pyproject(REPO / "pyproject.toml")["project"]
    names = {_requirement_name(r) for r in project["dependencies"]}
    names |= {_requirement_name(r) for r in project["optional-dependencies"]["server"]}

    assert not names & SERVICE_ONLY


def test_oaskit_imports_only_stdlib_and_its_dependencies_when_run() -> None:
    """Every module tools/oaskit imports at run time is declared (or comes with one that is)."""
    project = _pyproject(REPO / "pyproject.toml")["project"]
    declared = {_requirement_name(r) for r in project["dependencies"]}
    distributions = packages_distributions()
    missing: dict[str, str] = {}
    for source in (REPO / "tools" / "oaskit").rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                if top in sys.stdlib_module_names or top in {"oaskit", "__future__"}:
                    continue
                owners = {d.lower().replace("_", "-") for d in distributions.get(top, [])}
                if not owners & declared:
                    missing[top] = source.relative_to(REPO).as_posix()

    assert missing == {}
