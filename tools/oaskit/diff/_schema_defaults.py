"""Default values: what the server assumes for a member a request leaves out.

A `default` validates nothing (2020-12 validation 9.2: it is an annotation), so changing it
never makes a payload invalid. In a request it still changes what an existing call means
when it omits the member, which no schema comparison can judge: a warning. In a response it
only documents what the server fills in: info.
"""

from __future__ import annotations

import json

from oaskit.diff._model import Direction, Rule
from oaskit.diff._schema_flat import canonical
from oaskit.diff._schema_pair import Pair
from oaskit.errors import Level

__all__ = ["REQUEST_DEFAULT_CHANGED", "RESPONSE_DEFAULT_CHANGED", "RULES", "check_defaults"]

REQUEST_DEFAULT_CHANGED = Rule(
    "request-default-changed",
    "defaults",
    Level.WARNING,
    "A request default changed: calls that leave the member out now mean something else.",
)
RESPONSE_DEFAULT_CHANGED = Rule(
    "response-default-changed",
    "defaults",
    Level.INFO,
    "A response default changed.",
)
RULES: tuple[Rule, ...] = (REQUEST_DEFAULT_CHANGED, RESPONSE_DEFAULT_CHANGED)
_NONE = object()


def _shown(value: object) -> str:
    return "none" if value is _NONE else json.dumps(value, default=str)


def check_defaults(pair: Pair) -> None:
    """Report a `default` added, removed or changed."""
    base, head = pair.base, pair.head
    old = base.keywords["default"][0] if "default" in base.keywords else _NONE
    new = head.keywords["default"][0] if "default" in head.keywords else _NONE
    if old is _NONE and new is _NONE:
        return
    if old is not _NONE and new is not _NONE and canonical(old) == canonical(new):
        return
    request = pair.direction is Direction.REQUEST
    pair.report(
        REQUEST_DEFAULT_CHANGED if request else RESPONSE_DEFAULT_CHANGED,
        f"default {_shown(old)} → {_shown(new)}",
        base=base.at("default"),
        head=head.at("default"),
    )
