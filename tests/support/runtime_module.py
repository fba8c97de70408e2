"""A module of the generated runtime (`templates/runtime/`), rendered and imported on its own."""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from oaskit.render._environment import create_environment

__all__ = ["RUNTIME_TEMPLATES", "render_runtime", "runtime_module"]

RUNTIME_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "runtime"


def render_runtime(name: str) -> str:
    """`templates/runtime/<name>.py.jinja` as a generated package gets it, under a test header."""
    template = create_environment().get_template(f"runtime/{name}.py.jinja")
    return template.render(api=types.SimpleNamespace(header="# test"))


@contextmanager
def runtime_module(name: str, folder: Path) -> Iterator[types.ModuleType]:
    """The rendered module written into `folder` and imported, in `sys.modules` while in use
    (dataclasses look their module up there)."""
    path = folder / f"oaskit_runtime_{name}.py"
    path.write_text(render_runtime(name), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[path.stem]
