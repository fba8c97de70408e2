"""JSON Merge Patch, exactly the algorithm of RFC 7396 section 2."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["merge_patch"]


def merge_patch(target: Any, patch: Any) -> Any:
    """`target` after `patch`; neither argument is changed.

    A patch that is not an object replaces the target; an object merges member by member into
    the target, or into `{}` when the target is not an object, where `null` removes a member.
    So nulls inside an object the target does not have yet are dropped, not kept as values.
    """
    if not isinstance(patch, Mapping):
        return patch
    result: dict[str, Any] = dict(target) if isinstance(target, Mapping) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result
