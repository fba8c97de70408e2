"""Rules about parameters.

Rules, their default level and their peers (Spectral `spectral:oas`; Redocly `recommended`);
"off" marks a rule that runs only when selected:

- `parameters-are-unique` (error): Spectral operation-parameters; Redocly
  operation-parameters-unique.
- `parameter-has-description` (warning, off): Spectral oas3-parameter-description (off).
"""

from __future__ import annotations

from typing import Any

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index, resolve
from oaskit.spec import Bundle, Pointer

__all__ = ["parameter_has_description", "parameters_are_unique"]


def _duplicates(data: dict[str, Any], parameters: Any, base: Pointer) -> Found:
    seen: set[tuple[str, str]] = set()
    for position, entry in enumerate(parameters if isinstance(parameters, list) else []):
        _, parameter = resolve(data, entry)
        if not isinstance(parameter, dict):
            continue
        name, where = parameter.get("name"), parameter.get("in")
        if not isinstance(name, str) or not isinstance(where, str):
            continue
        # Header names are case-insensitive (RFC 9110 5.1), so `X-Id` and `x-id` are one.
        key = (name.lower() if where == "header" else name, where)
        if key in seen:
            yield (*base, "parameters", position), f"{where} parameter {name!r} is declared twice"
        seen.add(key)


@rule("parameters-are-unique")
def parameters_are_unique(bundle: Bundle) -> Found:
    """No `parameters` list declares the same name and location twice (OAS 3.1 4.8.10.1)."""
    spec = index(bundle)
    for pointer, _, item in spec.path_items:
        yield from _duplicates(spec.data, item.get("parameters"), pointer)
    for site in spec.operations:
        yield from _duplicates(spec.data, site.operation.get("parameters"), site.pointer)


@rule("parameter-has-description", level=Level.WARNING, default=False)
def parameter_has_description(bundle: Bundle) -> Found:
    """Every parameter has a description."""
    for site in index(bundle).parameters:
        if not str(site.parameter.get("description") or "").strip():
            yield site.pointer, f"parameter {site.parameter.get('name')!r} has no description"
