"""Request bodies: added, removed, required or not (OAS 3.1 4.8.13: `required` defaults to false).

Media types and their schemas are compared by `_media`, in the request direction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oaskit.diff._media import compare_content
from oaskit.diff._model import Comparison, Direction, Rule
from oaskit.diff._nodes import mapping
from oaskit.errors import Level

if TYPE_CHECKING:
    from oaskit.diff._operations import Pair

__all__ = [
    "BODY_ADDED",
    "BODY_ADDED_REQUIRED",
    "BODY_BECAME_OPTIONAL",
    "BODY_BECAME_REQUIRED",
    "BODY_REMOVED",
    "RULES",
    "compare_body",
]

BODY_ADDED_REQUIRED = Rule(
    "request-body-added-required",
    "request-bodies",
    Level.ERROR,
    "A required request body was added; existing clients send none.",
)
BODY_ADDED = Rule(
    "request-body-added", "request-bodies", Level.INFO, "An optional request body was added."
)
BODY_BECAME_REQUIRED = Rule(
    "request-body-became-required",
    "request-bodies",
    Level.ERROR,
    "The request body became required; clients that omit it are refused.",
)
BODY_BECAME_OPTIONAL = Rule(
    "request-body-became-optional",
    "request-bodies",
    Level.INFO,
    "The request body became optional.",
)
# A warning like a removed parameter: clients still send the body and the server ignores it,
# so the call succeeds but what the body said is lost.
BODY_REMOVED = Rule(
    "request-body-removed",
    "request-bodies",
    Level.WARNING,
    "The request body was removed; what clients send is ignored.",
)
RULES = (BODY_ADDED_REQUIRED, BODY_ADDED, BODY_BECAME_REQUIRED, BODY_BECAME_OPTIONAL, BODY_REMOVED)


def compare_body(cmp: Comparison, pair: Pair) -> None:
    """Report the request body changes of one operation, then its media types and schemas."""
    label = pair.label
    has_old, has_new = "requestBody" in pair.base.node, "requestBody" in pair.head.node
    old_at, old = cmp.base.resolve((*pair.base.pointer, "requestBody"))
    new_at, new = cmp.head.resolve((*pair.head.pointer, "requestBody"))
    old_required = has_old and mapping(old).get("required") is True
    new_required = has_new and mapping(new).get("required") is True
    if not has_old and not has_new:
        return
    if not has_old:
        cmp.report(
            BODY_ADDED_REQUIRED if new_required else BODY_ADDED,
            f"{label}: {'a required' if new_required else 'an optional'} request body was added",
            base=pair.base.pointer,
            head=new_at,
            operations=[label],
            direction=Direction.REQUEST,
        )
        return
    if not has_new:
        cmp.report(
            BODY_REMOVED,
            f"{label}: the request body was removed",
            base=old_at,
            head=pair.head.pointer,
            operations=[label],
            direction=Direction.REQUEST,
        )
        return
    if old_required != new_required:
        cmp.report(
            BODY_BECAME_REQUIRED if new_required else BODY_BECAME_OPTIONAL,
            f"{label}: the request body became {'required' if new_required else 'optional'}",
            base=old_at,
            head=new_at,
            operations=[label],
            direction=Direction.REQUEST,
        )
    compare_content(cmp, old_at, new_at, direction=Direction.REQUEST, label=label)
