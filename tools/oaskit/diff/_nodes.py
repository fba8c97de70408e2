"""Small helpers for reading nodes of a bundle that was validated only loosely."""

from __future__ import annotations

from typing import Any

from oaskit.diff._model import Side
from oaskit.spec import Pointer

__all__ = ["is_text", "mapping", "nearest", "sequence"]


def mapping(node: Any) -> dict[str, Any]:
    """`node` when it is a mapping, else an empty one."""
    return node if isinstance(node, dict) else {}


def sequence(node: Any) -> list[Any]:
    """`node` when it is a list, else an empty one."""
    return node if isinstance(node, list) else []


def nearest(side: Side, pointer: Pointer) -> Pointer:
    """`pointer`, or its nearest parent that exists in `side` (for things on one side only)."""
    while pointer and side.node(pointer) is None:
        pointer = pointer[:-1]
    return pointer


def is_text(schema: Pointer) -> bool:
    """Whether the schema at `schema` is a parameter's or header's own `schema`, whose value
    travels as text, rather than the schema of its `content` media type."""
    return not (len(schema) >= 3 and schema[-3] == "content")
