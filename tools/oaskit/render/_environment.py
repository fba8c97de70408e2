"""The Jinja environment: template search path, filters, strict undefined."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from oaskit.ir import comment, docstring, docstring_line, literal

__all__ = ["BUILTIN_TEMPLATES", "create_environment"]

# The built-in templates are package data (`oaskit.templates`, the repository's `templates/`), so
# they are found from an installed wheel as from this repository.
BUILTIN_TEMPLATES = Path(str(files("oaskit.templates")))


def _pyrepr(value: Any) -> str:
    """Python source for a literal (strings, numbers, tuples of them)."""
    return literal(value)


def _oneline(value: Any) -> str:
    """One line of docstring text: white space collapsed, no trailing period, escaped."""
    return docstring(" ".join(str(value).split()).rstrip("."))


def _docstring(value: Any) -> str:
    """Text inside a triple-quoted docstring, on one line, escaped."""
    return docstring(str(value))


def _docline(value: Any) -> str:
    """One line of a multi-line docstring, its leading spaces kept, escaped."""
    return docstring_line(str(value))


def _comment(value: Any) -> str:
    """The rest of a `#` comment line, escaped."""
    return comment(str(value))


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
    # Every spec string in a template passes one of these (house rule 15); `tests/security`
    # checks that no other `{{ … }}` in the built-in templates prints text from a spec.
    environment.filters["docstring"] = _docstring
    environment.filters["docline"] = _docline
    environment.filters["comment"] = _comment
    return environment
