"""Rules about paths and path parameters.

Rules, their default level and their peers (Spectral `spectral:oas`; Redocly `recommended`);
"off" marks a rule that runs only when selected:

- `path-parameters-are-declared` (error): Spectral path-params; Redocly path-parameters-defined.
- `path-parameters-are-named` (warning): Spectral path-declarations-must-exist; Redocly
  path-declaration-must-exist.
- `path-has-no-trailing-slash` (warning): Spectral path-keys-no-trailing-slash; Redocly
  no-path-trailing-slash.
- `path-has-no-query` (warning): Spectral path-not-include-query; Redocly path-not-include-query.
- `paths-are-distinct` (error): Redocly no-identical-paths.
- `paths-are-unambiguous` (warning): Redocly no-ambiguous-paths.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index, resolve
from oaskit.spec import Bundle, Pointer

__all__ = [
    "path_has_no_query",
    "path_has_no_trailing_slash",
    "path_parameters_are_declared",
    "path_parameters_are_named",
    "paths_are_distinct",
    "paths_are_unambiguous",
]

_TEMPLATE = re.compile(r"\{([^{}]*)\}")


def _path_parameters(
    data: dict[str, Any], parameters: Any, base: Pointer
) -> dict[str, tuple[Pointer, dict[str, Any]]]:
    """Path parameters of a `parameters` list by name, each at its (possibly `$ref`) entry."""
    found: dict[str, tuple[Pointer, dict[str, Any]]] = {}
    for position, entry in enumerate(parameters if isinstance(parameters, list) else []):
        _, parameter = resolve(data, entry)
        if isinstance(parameter, dict) and parameter.get("in") == "path":
            name = parameter.get("name")
            if isinstance(name, str):
                found.setdefault(name, ((*base, "parameters", position), parameter))
    return found


@rule("path-parameters-are-declared")
def path_parameters_are_declared(bundle: Bundle) -> Found:
    """Each `{name}` of a path is a declared path parameter, and each one declared is used."""
    spec = index(bundle)
    operations = defaultdict(list)
    for site in spec.operations:
        operations[site.pointer[:-1]].append(site)
    for pointer, path, item in spec.path_items:
        names = _TEMPLATE.findall(path)
        for name in {n for n in names if n and names.count(n) > 1}:
            yield pointer, f"path parameter {name!r} is used more than once in the path"
        templated = set(names)
        shared = _path_parameters(spec.data, item.get("parameters"), pointer)
        for name, (at, _) in shared.items():
            if name not in templated:
                yield at, f"path parameter {name!r} does not appear in the path {path!r}"
        for site in operations[pointer]:
            own = _path_parameters(spec.data, site.operation.get("parameters"), site.pointer)
            for name, (at, _) in own.items():
                if name not in templated:
                    yield at, f"path parameter {name!r} does not appear in the path {path!r}"
            declared = shared.keys() | own.keys()
            for name in sorted(n for n in templated if n and n not in declared):
                yield (
                    site.pointer,
                    f"path parameter {name!r} of {path!r} is not declared for "
                    f"{site.method.upper()}",
                )


@rule("path-parameters-are-named", level=Level.WARNING)
def path_parameters_are_named(bundle: Bundle) -> Found:
    """No path template holds an empty `{}`."""
    for pointer, path, _ in index(bundle).path_items:
        if "{}" in path:
            yield pointer, f"path {path!r} has an empty parameter `{{}}`"


@rule("path-has-no-trailing-slash", level=Level.WARNING)
def path_has_no_trailing_slash(bundle: Bundle) -> Found:
    """No path other than `/` ends with a slash."""
    for pointer, path, _ in index(bundle).path_items:
        if len(path) > 1 and path.endswith("/"):
            yield pointer, f"path {path!r} ends with a slash"


@rule("path-has-no-query", level=Level.WARNING)
def path_has_no_query(bundle: Bundle) -> Found:
    """No path holds a query string; query parameters are declared as parameters."""
    for pointer, path, _ in index(bundle).path_items:
        if "?" in path:
            yield pointer, f"path {path!r} holds a query string; declare `in: query` parameters"


def _shape(path: str) -> tuple[str, ...]:
    """The path's segments with every templated segment reduced to `{}`."""
    return tuple("{}" if "{" in part else part for part in path.strip("/").split("/"))


@rule("paths-are-distinct")
def paths_are_distinct(bundle: Bundle) -> Found:
    """No two paths differ only in the names of their parameters (OAS 3.1 4.8.8.2)."""
    first: dict[tuple[str, ...], str] = {}
    for pointer, path, _ in index(bundle).path_items:
        shape = _shape(path)
        if shape in first:
            yield pointer, f"path {path!r} is identical to {first[shape]!r} but for names"
        else:
            first[shape] = path


@rule("paths-are-unambiguous", level=Level.WARNING)
def paths_are_unambiguous(bundle: Bundle) -> Found:
    """No two paths can match the same URL with neither being more specific."""
    # Same length only: paths of different depth never match one URL. Within a bucket a pair is
    # ambiguous when each has a literal where the other has a parameter (`/{a}/b` vs `/a/{b}`).
    buckets: dict[int, list[tuple[Pointer, str, tuple[str, ...]]]] = defaultdict(list)
    for pointer, path, _ in index(bundle).path_items:
        shape = _shape(path)
        buckets[len(shape)].append((pointer, path, shape))
    for bucket in buckets.values():
        for later, (pointer, path, shape) in enumerate(bucket):
            for _, other_path, other in bucket[:later]:
                if _ambiguous(shape, other):
                    yield pointer, f"path {path!r} is ambiguous with {other_path!r}"


def _ambiguous(one: tuple[str, ...], two: tuple[str, ...]) -> bool:
    literal_here = literal_there = False
    for mine, theirs in zip(one, two, strict=True):
        if mine != "{}" and theirs != "{}":
            if mine != theirs:
                return False
        elif mine != "{}":
            literal_here = True
        elif theirs != "{}":
            literal_there = True
    return literal_here and literal_there
