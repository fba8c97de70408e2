"""How the generated server routes a spec path: names Starlette can read, concrete paths first.

A path key's template expressions may be named anything (OAS 3.1 4.8.8.1 puts no limit on a
name: `{enterprise-team}`, `{flight.id}`, `{name:kind}`), but a Starlette path template reads
only `{identifier}` as a parameter and `{identifier:convertor}` as one with a convertor; any
other name stays literal text that no request matches. Routes get names Starlette reads, and
the server reads each parameter by its route name.
"""

from __future__ import annotations

import re

from oaskit.ir._naming import snake_name, unique

__all__ = ["TEMPLATE_FIELD", "route_template", "specificity"]

# A template expression of a path (OAS 3.1 4.8.8.1): `{name}`; the name is captured. It lies
# within one segment, as its value does (a path parameter's value holds no `/`, OAS 3.1 3.2):
# a `{` and a `}` in different segments are literal text.
TEMPLATE_FIELD = re.compile(r"\{([^{}/]*)\}")
# A name Starlette's `compile_path` reads as a path parameter without a convertor.
_ROUTE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def route_template(path: str) -> tuple[str, dict[str, str]]:
    """`path` as a Starlette path template, and each expression's name → its name in the route.

    A name Starlette reads as it is, used once, stays (`{petId}`), so routes and logs keep the
    spec's names; any other gets a snake-case name no other expression of the path has
    (`{enterprise-team}` → `{enterprise_team}`, `{name:kind}` → `{name_kind}`). The literal text
    between expressions holds no `{…}` (each would be an expression), so Starlette finds no
    parameter or convertor in it. A name used twice (lint reports it) is read from its first
    place.
    """
    pieces = TEMPLATE_FIELD.split(path)
    expressions = pieces[1::2]
    kept = {n for n in expressions if _ROUTE_NAME.fullmatch(n) and expressions.count(n) == 1}
    taken = set(kept)
    names: dict[str, str] = {}
    out = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            out.append(piece)
            continue
        route_name = piece if piece in kept else unique(snake_name(piece), taken)
        names.setdefault(piece, route_name)
        out.append("{" + route_name + "}")
    return "".join(out), names


def specificity(path: str) -> tuple[tuple[int, int], ...]:
    """A sort key that puts concrete paths before the templated ones matching the same URLs.

    "When matching URLs, concrete (non-templated) paths would be matched before their templated
    counterparts" (OAS 3.1 4.8.8). Segment by segment from the left: literal text before a
    segment mixing text and an expression (`{name}:cancel`), which comes before a bare
    expression; between mixed segments, the one with more literal text. Paths with different
    numbers of segments never match the same URL (an expression's value holds no `/`), nor do
    two different literal segments, so those keep the spec's order (the sort is stable).
    """
    key = []
    for segment in path.removeprefix("/").split("/"):
        parts = TEMPLATE_FIELD.split(segment)
        literal = "".join(parts[0::2])
        if len(parts) == 1:
            key.append((0, 0))
        else:
            key.append((1, -len(literal)) if literal else (2, 0))
    return tuple(key)
