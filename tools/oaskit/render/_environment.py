"""The Jinja environment: template search path, filters, strict undefined."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from oaskit.ir import Parameter

__all__ = ["BUILTIN_TEMPLATES", "create_environment"]

# The built-in templates are package data (`oaskit.templates`, the repository's `templates/`), so
# they are found from an installed wheel as from this repository.
BUILTIN_TEMPLATES = Path(str(files("oaskit.templates")))


def _pyrepr(value: Any) -> str:
    """Python source for a literal (strings, numbers, tuples of them)."""
    return repr(value)


def _oneline(value: Any) -> str:
    """Collapse white space; escape what would end a docstring."""
    return " ".join(str(value).split()).replace('"""', "'''").replace("\\", "\\\\").rstrip(".")


def _parameter_annotation(parameter: Parameter) -> str:
    """`Annotated[str, Field(pattern='…')]`: a parameter's type with its constraints."""
    if not parameter.constraints:
        return parameter.annotation
    arguments = ", ".join(f"{key}={value}" for key, value in parameter.constraints)
    return f"Annotated[{parameter.annotation}, Field({arguments})]"


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
    environment.filters["parameter_annotation"] = _parameter_annotation
    return environment
