"""Rules about paths and path parameters.

Which paths can answer one URL: each path segment is a pattern of literal text and template
expressions, an expression standing for one or more characters other than `/` (a path
parameter's value holds no unescaped `/`, OAS 3.1 3.2). Two paths are compared segment by
segment on the sets of values their patterns match, so `/v1/{name}:cancel` and `/v1/{name}`
are neither identical nor ambiguous: the first is the more specific where both match.
"""

from __future__ import annotations

import enum
import re
from collections import defaultdict, deque
from functools import lru_cache
from typing import Any

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index, resolve
from oaskit.spec import Bundle, Pointer, fragment_message, query_message

__all__ = [
    "path_has_no_fragment",
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


@rule(
    "path-parameters-are-declared",
    peers=("spectral:path-params", "redocly:path-parameters-defined"),
)
def path_parameters_are_declared(bundle: Bundle) -> Found:
    """Each `{name}` of a path is a declared path parameter, and each one declared is used.

    "Each template expression in the path MUST correspond to a path parameter that is
    included in the Path Item itself and/or in each of the Path Item's Operations" (OAS 3.1
    and 3.0 3.2), and a path parameter's name "MUST correspond to a template expression
    occurring within the path field in the Paths Object" (OAS 3.1 4.8.12.2, 3.0 4.7.12.2).
    When they disagree no client can fill in the URL: a template has no value, or a value has
    no place. A name used twice in one path is reported too, as one parameter cannot stand in
    two places. A Path Item without operations needs no parameters (OAS 3.1 3.2).
    """
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


@rule(
    "path-parameters-are-named",
    peers=("spectral:path-declarations-must-exist", "redocly:path-declaration-must-exist"),
)
def path_parameters_are_named(bundle: Bundle) -> Found:
    """No path template holds an empty `{}`.

    Every template expression must correspond to a path parameter of that name (OAS 3.1 and
    3.0 3.2); `{}` names none, so no declared parameter can fill it and no client can build
    the URL. An error for that reason, as in Redocly.
    """
    for pointer, path, _ in index(bundle).path_items:
        if "{}" in path:
            yield pointer, f"path {path!r} has an empty parameter `{{}}`"


@rule(
    "path-has-no-trailing-slash",
    level=Level.WARNING,
    peers=("spectral:path-keys-no-trailing-slash", "redocly:no-path-trailing-slash"),
)
def path_has_no_trailing_slash(bundle: Bundle) -> Found:
    """No path other than `/` ends with a slash.

    `/pets/` and `/pets` are different URLs (RFC 3986 6.2.3 leaves them distinct), and servers
    disagree on whether one redirects to the other; a spec that writes one of them invites
    clients to call the other. A warning: some APIs do serve the slashed form.
    """
    for pointer, path, _ in index(bundle).path_items:
        if len(path) > 1 and path.endswith("/"):
            yield pointer, f"path {path!r} ends with a slash"


@rule(
    "path-has-no-query",
    peers=("spectral:path-not-include-query", "redocly:path-not-include-query"),
    at_key=True,
)
def path_has_no_query(bundle: Bundle) -> Found:
    """No path holds a query string; query parameters are declared as parameters.

    A path is appended to the server URL to make the operation's URL (OAS 3.1 4.8.8.1) and
    query parameters are Parameter Objects `in: query` (4.8.12.1), with a schema, a style and
    a required flag. A `?` in the path hides them from every tool that reads parameters, and
    two paths that differ only in their query string describe the same resource twice. An
    error, as in Redocly's recommended rules: a client sends the `?` percent-encoded, to a path
    the API does not have, so `oaskit regen` refuses such a path.
    """
    for pointer, path, _ in index(bundle).path_items:
        message = query_message(path)
        if message is not None:
            yield pointer, message


@rule("path-has-no-fragment", at_key=True)
def path_has_no_fragment(bundle: Bundle) -> Found:
    """No path holds a fragment (`#`).

    A path is appended to the server URL to make the operation's URL (OAS 3.1 4.8.8.1), and a
    `#` in a URL starts the fragment, which clients keep to themselves: it is never sent to the
    server (RFC 3986 3.5, RFC 9110 7.1). Specs converted from APIs that choose the operation by
    a query value write it as a fragment (`/#Action=DescribeInstances`), so every such path is
    the same URL to the server and none of their operations can be told apart. A client sends
    the `#` percent-encoded, to a path the API does not have, so `oaskit regen` refuses such a
    path. No peer: Spectral and Redocly accept these keys.
    """
    for pointer, path, _ in index(bundle).path_items:
        message = fragment_message(path)
        if message is not None:
            yield pointer, message


class _Relation(enum.Enum):
    """How the sets of values two segment patterns match compare."""

    EQUAL = "equal"
    NARROWER = "narrower"  # the first matches only values the second matches, not all of them
    WIDER = "wider"
    OVERLAP = "overlap"  # some value matches both, and each matches one the other does not
    DISJOINT = "disjoint"


# A segment pattern: literal characters, and None for a template expression's value.
_Pattern = tuple[str | None, ...]


def _segments(path: str) -> tuple[str, ...]:
    """The path's segments; a trailing slash is a last, empty segment (`/a/` is not `/a`)."""
    return tuple(path.removeprefix("/").split("/"))


def _shape(path: str) -> tuple[str, ...]:
    """The path's segments with every template expression reduced to `{}`."""
    return tuple(_TEMPLATE.sub("{}", part) for part in _segments(path))


def _pattern(segment: str) -> _Pattern:
    """`segment` (`{name}:cancel`) as characters and None (one or more of any but `/`)."""
    out: list[str | None] = []
    for position, part in enumerate(_TEMPLATE.split(segment)):
        # `re.split` with one group alternates text and expression names: odd places are names.
        out.extend([None] if position % 2 else part)
    return tuple(out)


def _relation(one: str, two: str) -> _Relation:
    """How the values matched by segment `one` (from `_shape`) compare with those of `two`."""
    if one == two:
        return _Relation.EQUAL
    if "{" not in one and "{" not in two:
        return _Relation.DISJOINT  # two different literals
    # A lone expression matches every non-empty segment; only a trailing slash's "" escapes it.
    if one == "{}":
        return _Relation.DISJOINT if two == "" else _Relation.WIDER
    if two == "{}":
        return _Relation.DISJOINT if one == "" else _Relation.NARROWER
    return _mixed_relation(one, two)


# Mixed segments (`{name}:cancel`) are few in a spec and recur; a bounded cache keeps them.
@lru_cache(maxsize=4096)
def _mixed_relation(one: str, two: str) -> _Relation:
    both, only_mine, only_theirs = _compare(_pattern(one), _pattern(two))
    if both is None:
        return _Relation.DISJOINT
    if only_mine and only_theirs:
        return _Relation.OVERLAP
    if only_theirs:
        return _Relation.NARROWER
    if only_mine:
        return _Relation.WIDER
    return _Relation.EQUAL


# Positions in a pattern, each with whether the expression there has read a character yet.
_States = frozenset[tuple[int, bool]]
_START: _States = frozenset({(0, False)})
# How a shared value shows a character that neither pattern names.
_FILLERS = "xyzqw0123456789"


def _compare(mine: _Pattern, theirs: _Pattern) -> tuple[str | None, bool, bool]:
    """A shortest value both patterns match (None if none), and whether one matches only either.

    Both patterns run as automata over the characters either names plus one for any other;
    every reachable pair of state sets is visited once, breadth first (segments are short, so
    few pairs exist). The other character is written as the first of `_FILLERS` neither names.
    """
    named = {c for c in (*mine, *theirs) if c is not None}
    other = next(c for c in _FILLERS if c not in named)
    start = (_START, _START)
    seen = {start}
    todo = deque([(start, "")])
    both: str | None = None
    only_mine = only_theirs = False
    while todo:
        (here_mine, here_theirs), text = todo.popleft()
        done_mine, done_theirs = _accepts(mine, here_mine), _accepts(theirs, here_theirs)
        if done_mine and done_theirs and both is None:
            both = text
        only_mine |= done_mine and not done_theirs
        only_theirs |= done_theirs and not done_mine
        for character in (*sorted(named), ""):
            step = (_step(mine, here_mine, character), _step(theirs, here_theirs, character))
            if step not in seen and (step[0] or step[1]):
                seen.add(step)
                todo.append((step, text + (character or other)))
    return both, only_mine, only_theirs


def _shared_value(one: str, two: str) -> str:
    """A value of segment `one` that segment `two` matches too (they must overlap).

    A lone expression matches the other segment as written, so that one is shown.
    """
    if _TEMPLATE.fullmatch(one):
        return two
    if _TEMPLATE.fullmatch(two) or _TEMPLATE.sub("{}", one) == _TEMPLATE.sub("{}", two):
        return one
    shared, _, _ = _compare(_pattern(one), _pattern(two))
    return shared or one


def _accepts(pattern: _Pattern, states: _States) -> bool:
    end = len(pattern)
    # An expression at the end, having matched a character, may stop there.
    return any(at == end or (at == end - 1 and grown) for at, grown in states)


def _step(pattern: _Pattern, states: _States, character: str) -> _States:
    """The states after reading `character` ("" stands for any character neither names)."""
    out: set[tuple[int, bool]] = set()
    for at, grown in states:
        # An expression that has matched a character may end, letting the next item read it.
        positions = [(at, grown)]
        while positions:
            here, here_grown = positions.pop()
            if here >= len(pattern):
                continue
            item = pattern[here]
            if item is None:
                out.add((here, True))  # the expression reads `character` and may go on
                if here_grown:
                    positions.append((here + 1, False))
            elif item == character:
                out.add((here + 1, False))
    return frozenset(out)


@rule("paths-are-distinct", peers=("spectral:path-params", "redocly:no-identical-paths"))
def paths_are_distinct(bundle: Bundle) -> Found:
    """No two paths differ only in the names of their parameters (OAS 3.1 4.8.8.2).

    "Templated paths with the same hierarchy but different templated names MUST NOT exist as
    they are identical" (OAS 3.1 4.8.8.1; 3.0 4.7.8.1): `/pets/{id}` and `/pets/{petId}` match
    the same URLs, so one of them can never be reached. Literal text beside an expression
    counts: `/v1/{name}:cancel` and `/v1/{name}` are different paths, as are `/files/{id}.json`
    and `/files/{id}`.
    """
    first: dict[tuple[str, ...], str] = {}
    for pointer, path, _ in index(bundle).path_items:
        shape = _shape(path)
        if shape in first:
            yield pointer, f"path {path!r} is identical to {first[shape]!r} but for names"
        else:
            first[shape] = path


@rule("paths-are-unambiguous", peers=("redocly:no-ambiguous-paths",))
def paths_are_unambiguous(bundle: Bundle) -> Found:
    """No two paths can match the same URL with neither being more specific.

    Where two paths match one URL, "concrete (non-templated) paths would be matched before
    their templated counterparts" (OAS 3.1 4.8.8.1, 3.0 4.7.8.1), and a segment whose pattern
    matches fewer values is the more concrete one (`/pets/mine` before `/pets/{id}`,
    `{name}:cancel` before `{name}`). When each path is the more specific in a different
    segment (`/{entity}/me` and `/books/{id}`, OAS 3.1 4.8.8.2's example of "ambiguous
    resolution"), or the patterns of one segment overlap without either containing the other
    (`{a}.json` and `v{b}`), "it's up to the tooling to decide which one to use": the spec
    does not say which operation answers `/books/me`.
    """
    # Same number of segments only: a template expression never spans a `/`.
    buckets: dict[int, list[tuple[Pointer, str, tuple[str, ...]]]] = defaultdict(list)
    for pointer, path, _ in index(bundle).path_items:
        shape = _shape(path)
        buckets[len(shape)].append((pointer, path, shape))
    for bucket in buckets.values():
        for later, (pointer, path, shape) in enumerate(bucket):
            for _, other_path, other in bucket[:later]:
                if shape != other and _ambiguous(shape, other):
                    shared = "/" + "/".join(
                        _shared_value(mine, theirs)
                        for mine, theirs in zip(_segments(path), _segments(other_path), strict=True)
                    )
                    yield (
                        pointer,
                        f"path {path!r} is ambiguous with {other_path!r}: both match {shared!r}",
                    )


def _ambiguous(one: tuple[str, ...], two: tuple[str, ...]) -> bool:
    narrower = wider = False
    for mine, theirs in zip(one, two, strict=True):
        relation = _relation(mine, theirs)
        if relation is _Relation.DISJOINT:
            return False
        narrower |= relation in (_Relation.NARROWER, _Relation.OVERLAP)
        wider |= relation in (_Relation.WIDER, _Relation.OVERLAP)
    return narrower and wider
