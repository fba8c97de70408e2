"""House rule 8: every public package exports a sorted `__all__` of names it has."""

from __future__ import annotations

import importlib
import re

import pytest

PACKAGES = [
    "oaskit.spec",
    "oaskit.ir",
    "oaskit.render",
    "oaskit.emit",
    "oaskit.lint",
    "oaskit.fuzz",
    "oaskit.diff",
]


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 (selected in pyproject.toml) enforces: CONSTANTS, Classes, functions.
    if re.fullmatch(r"[A-Z0-9_]+", name) and len(name) > 1:
        return 0, name
    if name[:1].isupper():
        return 1, name
    return 2, name


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_when_package_is_public(package: str) -> None:
    exported = list(importlib.import_module(package).__all__)

    assert exported == sorted(exported, key=_isort_key)
    assert len(exported) == len(set(exported))


@pytest.mark.parametrize("package", PACKAGES)
def test_all_names_exist_when_package_is_public(package: str) -> None:
    module = importlib.import_module(package)

    assert [name for name in module.__all__ if not hasattr(module, name)] == []


@pytest.mark.parametrize("package", PACKAGES)
def test_all_lists_every_public_name_when_package_imports_it(package: str) -> None:
    module = importlib.import_module(package)
    # Submodules imported as a side effect (e.g. `oaskit.spec._load`) are private by their `_`.
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith(package)
    }

    assert public - set(module.__all__) == set()
