"""The Jinja environment: template search path, filters, strict undefined."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from oaskit.ir import Parameter

__all__ = ["BUILTIN_TEMPLATES", "create_environment"]

# The built-in templates live beside the toolkit in this repository's `templates/`.
BUILTIN_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"

_PARAM_CLASSES = {"path": "Path", "query": "Query", "header": "Header", "cookie": "Cookie"}


def _pyrepr(value: Any) -> str:
    """Python source for a literal (strings, numbers, tuples of them)."""
    return repr(value)


def _oneline(value: Any) -> str:
    """Collapse white space; escape what would end a docstring."""
    return " ".join(str(value).split()).replace('"""', "'''").replace("\\", "\\\\").rstrip(".")


def _fastapi_param(parameter: Parameter) -> str:
    """`Path(pattern='…')`: the FastAPI marker that reads and checks a parameter."""
    arguments = []
    if parameter.python_name != parameter.name or parameter.location == "header":
        # Header names are matched exactly as the spec writes them, not through underscores.
        arguments.append(f"alias={parameter.name!r}")
    arguments.extend(f"{key}={value}" for key, value in parameter.constraints)
    return f"{_PARAM_CLASSES[parameter.location]}({', '.join(arguments)})"


def create_environment(overrides: Sequence[Path] = ()) -> jinja2.Environment:
    """An environment that looks in `overrides` first, file by file, then in the built-ins."""
    loader = jinja2.FileSystemLoader([*map(str, overrides), str(BUILTIN_TEMPLATES)])
    environment = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters["pyrepr"] = _pyrepr
    environment.filters["oneline"] = _oneline
    environment.filters["fastapi_param"] = _fastapi_param
    return environment
