"""The user's own schemathesis checks: modules of the project under test, imported on request."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from pathlib import Path

from schemathesis.checks import CHECKS

from oaskit.fuzz._errors import FuzzUsageError

# Every module a run has imported, in the order first loaded.
_LOADED: dict[str, None] = {}
# Where schemathesis' own checks are defined; every other registered check is someone's code.
_BUILT_IN = ("schemathesis",)


def load_check_modules(modules: Iterable[str]) -> None:
    """Import each module so its `@schemathesis.check` functions and classes register.

    Modules are the user's code: they are looked up on `sys.path`, to which the working
    directory is added first, the way `python -m` finds a module of the project it runs in.
    """
    for module in modules:
        if module in _LOADED:
            continue
        cwd = str(Path.cwd())
        if cwd not in sys.path:
            sys.path.insert(0, cwd)
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise FuzzUsageError(
                f"cannot import check module {module!r}: {exc}",
                option="check_modules",
                value=module,
            ) from None
        _LOADED[module] = None


def module_checks(modules: Iterable[str]) -> tuple[str, ...]:
    """Names of the registered checks defined in `modules` (or modules inside them), sorted."""
    wanted = tuple(modules)
    return tuple(
        sorted(
            name
            for name in CHECKS.get_all_names()
            if _belongs(CHECKS.get_one(name).__module__, wanted)
        )
    )


def foreign_checks(modules: Iterable[str], *, named: Iterable[str] = ()) -> tuple[str, ...]:
    """Registered checks that are neither schemathesis' own, nor `modules`', nor `named`.

    A check registers process-wide (`schemathesis.check` adds it to one registry), so a check
    module an earlier run (or any import) loaded would otherwise join every later run; a run
    depends on its options alone, as it ignores a stray `schemathesis.toml`.
    """
    keep = set(module_checks((*_BUILT_IN, *modules))) | set(named)
    return tuple(sorted(name for name in CHECKS.get_all_names() if name not in keep))


def _belongs(module: str, modules: tuple[str, ...]) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in modules)
