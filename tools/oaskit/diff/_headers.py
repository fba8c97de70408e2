"""Response headers: removed or made optional, and their schemas compared.

Header names compare case-insensitively (RFC 9110 5.1); a `Content-Type` entry "SHALL be
ignored" (OAS 3.1 4.8.17.1). A header is required only when it says so (4.8.21).
"""

from __future__ import annotations

from typing import Any

from oaskit.diff._model import Comparison, Direction, Rule, Side
from oaskit.diff._nodes import is_text, mapping
from oaskit.diff._schemas import compare_schema
from oaskit.errors import Level
from oaskit.spec import Pointer

__all__ = [
    "HEADER_BECAME_OPTIONAL",
    "HEADER_REMOVED",
    "REQUIRED_HEADER_REMOVED",
    "RULES",
    "compare_headers",
]

REQUIRED_HEADER_REMOVED = Rule(
    "response-required-header-removed",
    "headers",
    Level.ERROR,
    "A required response header was removed; clients that read it find nothing.",
)
# An optional header could be absent before, so clients should cope; those that read it when
# it was sent lose what it said, hence a warning.
HEADER_REMOVED = Rule(
    "response-header-removed",
    "headers",
    Level.WARNING,
    "An optional response header was removed.",
)
HEADER_BECAME_OPTIONAL = Rule(
    "response-header-became-optional",
    "headers",
    Level.ERROR,
    "A required response header became optional; clients that rely on it may find nothing.",
)
RULES = (REQUIRED_HEADER_REMOVED, HEADER_REMOVED, HEADER_BECAME_OPTIONAL)


def _headers(side: Side, response: Pointer) -> dict[str, tuple[Pointer, dict[str, Any]]]:
    """Lower-cased name → the resolved Header Object and its pointer."""
    found: dict[str, tuple[Pointer, dict[str, Any]]] = {}
    for name in mapping(mapping(side.node(response)).get("headers")):
        if not isinstance(name, str) or name.lower() == "content-type":
            continue
        pointer, header = side.resolve((*response, "headers", name))
        found.setdefault(name.lower(), (pointer, mapping(header)))
    return found


def _schema(pointer: Pointer, header: dict[str, Any]) -> Pointer | None:
    if "schema" in header:
        return (*pointer, "schema")
    for media, node in mapping(header.get("content")).items():
        if isinstance(node, dict) and "schema" in node:
            return (*pointer, "content", media, "schema")
    return None


def compare_headers(cmp: Comparison, base: Pointer, head: Pointer, *, label: str) -> None:
    """Compare the headers of the Response Objects at `base` and `head` (already resolved)."""
    old, new = _headers(cmp.base, base), _headers(cmp.head, head)
    for name in sorted(old.keys() - new.keys()):
        at, header = old[name]
        required = header.get("required") is True
        cmp.report(
            REQUIRED_HEADER_REMOVED if required else HEADER_REMOVED,
            f"{label}: {'required' if required else 'optional'} response header {name!r}"
            " was removed",
            base=at,
            head=head,
            operations=[label],
            direction=Direction.RESPONSE,
        )
    for name in sorted(old.keys() & new.keys()):
        (old_at, old_header), (new_at, new_header) = old[name], new[name]
        if old_header.get("required") is True and new_header.get("required") is not True:
            cmp.report(
                HEADER_BECAME_OPTIONAL,
                f"{label}: response header {name!r} became optional",
                base=old_at,
                head=new_at,
                operations=[label],
                direction=Direction.RESPONSE,
            )
        old_schema, new_schema = _schema(old_at, old_header), _schema(new_at, new_header)
        if old_schema is not None and new_schema is not None:
            # A header's `schema` value is text on the wire (RFC 9110 5.5), as a parameter's.
            compare_schema(
                cmp,
                old_schema,
                new_schema,
                direction=Direction.RESPONSE,
                operation=label,
                wire_text=is_text(old_schema) and is_text(new_schema),
            )
