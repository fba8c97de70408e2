"""Rules about parameters."""

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


@rule(
    "parameters-are-unique",
    peers=("spectral:operation-parameters", "redocly:operation-parameters-unique"),
)
def parameters_are_unique(bundle: Bundle) -> Found:
    """No `parameters` list declares the same name and location twice (OAS 3.1 4.8.10.1).

    "The list MUST NOT include duplicated parameters. A unique parameter is defined by a
    combination of a name and location" (OAS 3.1 4.8.9.1 and 4.8.10.1; 3.0 4.7.9.1 and
    4.7.10.1). Two declarations of one parameter can disagree on its schema or on whether it
    is required, and a request has one value for it. Header names compare case-insensitively
    (RFC 9110 5.1). An operation's list may override the path item's; only repeats within one
    list are reported.
    """
    spec = index(bundle)
    for pointer, _, item in spec.path_items:
        yield from _duplicates(spec.data, item.get("parameters"), pointer)
    for site in spec.operations:
        yield from _duplicates(spec.data, site.operation.get("parameters"), site.pointer)


@rule(
    "parameter-has-description",
    level=Level.WARNING,
    default=False,
    peers=("spectral:oas3-parameter-description", "redocly:parameter-description"),
)
def parameter_has_description(bundle: Bundle) -> Found:
    """Every parameter has a description.

    A parameter's description (OAS 3.1 4.8.12.2) says what the value means, its units and
    what happens when it is left out; the name and schema rarely say all of that. Optional in
    OAS: a documentation policy, off unless selected.
    """
    for site in index(bundle).parameters:
        if not str(site.parameter.get("description") or "").strip():
            yield site.pointer, f"parameter {site.parameter.get('name')!r} has no description"
