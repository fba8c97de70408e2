"""Media types of a request body or response (`content` maps): removed, added, schemas compared.

Media types compare case-insensitively and without spaces around parameters (RFC 9110 8.3.1).
"""

from __future__ import annotations

from typing import Any

from oaskit.diff._model import Comparison, Direction, Rule
from oaskit.diff._nodes import mapping
from oaskit.diff._schemas import compare_schema
from oaskit.errors import Level
from oaskit.spec import Pointer

__all__ = [
    "ERROR_RESPONSE_MEDIA_TYPE_REMOVED",
    "REQUEST_MEDIA_TYPE_ADDED",
    "REQUEST_MEDIA_TYPE_REMOVED",
    "RESPONSE_MEDIA_TYPE_ADDED",
    "RESPONSE_MEDIA_TYPE_REMOVED",
    "RULES",
    "compare_content",
]

REQUEST_MEDIA_TYPE_REMOVED = Rule(
    "request-media-type-removed",
    "media-types",
    Level.ERROR,
    "A request body media type was removed; clients sending it are refused (415).",
)
REQUEST_MEDIA_TYPE_ADDED = Rule(
    "request-media-type-added",
    "media-types",
    Level.INFO,
    "A request body media type was added.",
)
RESPONSE_MEDIA_TYPE_REMOVED = Rule(
    "response-media-type-removed",
    "media-types",
    Level.ERROR,
    "A success response media type was removed; clients asking for it get another or a 406.",
)
ERROR_RESPONSE_MEDIA_TYPE_REMOVED = Rule(
    "error-response-media-type-removed",
    "media-types",
    Level.WARNING,
    "An error response media type was removed; clients parsing error bodies lose them.",
)
RESPONSE_MEDIA_TYPE_ADDED = Rule(
    "response-media-type-added",
    "media-types",
    Level.INFO,
    "A response media type was added; clients choose it only by asking (Accept).",
)
RULES = (
    REQUEST_MEDIA_TYPE_REMOVED,
    REQUEST_MEDIA_TYPE_ADDED,
    RESPONSE_MEDIA_TYPE_REMOVED,
    ERROR_RESPONSE_MEDIA_TYPE_REMOVED,
    RESPONSE_MEDIA_TYPE_ADDED,
)


def _keys(content: Any) -> dict[str, str]:
    """Normalised media type → the key as written."""
    found: dict[str, str] = {}
    for key in mapping(content):
        if isinstance(key, str):
            normal = ";".join(part.strip() for part in key.lower().split(";"))
            found.setdefault(normal, key)
    return found


def _covers(media_range: str, media: str) -> bool:
    """Whether `media_range` (`*/*`, `type/*` or a type) matches `media` (RFC 9110 12.5.1)."""
    wanted, kind = media_range.split(";")[0], media.split(";")[0]
    if wanted in ("*/*", kind):
        return True
    return wanted.endswith("/*") and kind.split("/")[0] == wanted[:-2]


def _counterparts(
    old: dict[str, str], new: dict[str, str], *, direction: Direction
) -> dict[str, str]:
    """Base media type → the head one that stands for it.

    The same type first. Else, in a request, a head range that still accepts it (OAS 3.1
    4.8.14.1: the most specific key applies); in a response, a base range is kept by any head
    type inside it, since clients accepted the whole range.
    """
    kept: dict[str, str] = {}
    for normal in old:
        if normal in new:
            kept[normal] = normal
            continue
        if direction is Direction.REQUEST:
            candidates = [other for other in new if _covers(other, normal)]
        else:
            candidates = [other for other in new if "*" in normal and _covers(normal, other)]
        if candidates:
            # The most specific key: fewest wildcards (`type/*` before `*/*`).
            kept[normal] = min(candidates, key=lambda other: (other.count("*"), other))
    return kept


def compare_content(
    cmp: Comparison,
    base: Pointer,
    head: Pointer,
    *,
    direction: Direction,
    label: str,
    success: bool = True,
) -> None:
    """Compare the `content` maps under the objects at `base` and `head` (already resolved)."""
    old = _keys(mapping(cmp.base.node(base)).get("content"))
    new = _keys(mapping(cmp.head.node(head)).get("content"))
    where = "request body" if direction is Direction.REQUEST else "response"
    kept = _counterparts(old, new, direction=direction)
    for normal in sorted(old.keys() - kept.keys()):
        if direction is Direction.REQUEST:
            rule = REQUEST_MEDIA_TYPE_REMOVED
        else:
            rule = RESPONSE_MEDIA_TYPE_REMOVED if success else ERROR_RESPONSE_MEDIA_TYPE_REMOVED
        cmp.report(
            rule,
            f"{label}: {where} media type {old[normal]!r} was removed",
            base=(*base, "content", old[normal]),
            head=(*head, "content") if new else head,
            operations=[label],
            direction=direction,
        )
    for normal in sorted(new.keys() - old.keys()):
        rule = (
            REQUEST_MEDIA_TYPE_ADDED
            if direction is Direction.REQUEST
            else RESPONSE_MEDIA_TYPE_ADDED
        )
        cmp.report(
            rule,
            f"{label}: {where} media type {new[normal]!r} was added",
            base=(*base, "content") if old else base,
            head=(*head, "content", new[normal]),
            operations=[label],
            direction=direction,
        )
    for normal, other in sorted(kept.items()):
        old_at = (*base, "content", old[normal], "schema")
        new_at = (*head, "content", new[other], "schema")
        if cmp.base.node(old_at) is not None and cmp.head.node(new_at) is not None:
            compare_schema(cmp, old_at, new_at, direction=direction, operation=label)
