"""Enumerated values: `enum` and `const` (a one-value enum, 2020-12 validation 6.1.3).

A value added to a response enum is breaking here, not a warning as in some peers: oaskit's
generated clients parse an enum into a `StrEnum` or a `Literal`, and an unknown value fails
validation before user code sees it.
"""

from __future__ import annotations

import json
from typing import Any

from oaskit.diff._model import Rule
from oaskit.diff._schema_flat import canonical
from oaskit.diff._schema_pair import Pair, directional

__all__ = ["ENUM", "ENUM_VALUES", "RULES", "check_enums"]

ENUM_VALUES = directional("enums", "enum-value", narrowed="removed", widened="added")
# An enum appearing where any value was allowed narrows; one disappearing widens.
ENUM = directional("enums", "enum", narrowed="added", widened="removed")
RULES: tuple[Rule, ...] = (*ENUM_VALUES.rules, *ENUM.rules)
# Messages list at most this many values.
_SHOWN = 5


def _show(values: list[Any]) -> str:
    shown = ", ".join(json.dumps(value, default=str) for value in values[:_SHOWN])
    more = len(values) - _SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def check_enums(pair: Pair) -> None:
    """Report enum values removed or added, and an enum added or dropped as a whole."""
    base, head = pair.base, pair.head
    if base.values is None and head.values is None:
        return
    if base.composed or head.composed:
        return
    if base.values is None or head.values is None:
        added = head.values is not None
        values = head.values if head.values is not None else base.values or []
        pair.report(
            pair.pick(ENUM, narrowed=added, widened=not added),
            f"enum [{_show(values)}] {'added' if added else 'removed'}",
            base=base.values_at or base.pointer,
            head=head.values_at or head.pointer,
        )
        return
    wire = pair.wire_text
    old = {canonical(value, wire_text=wire) for value in base.values}
    new = {canonical(value, wire_text=wire) for value in head.values}
    gone = [value for value in base.values if canonical(value, wire_text=wire) not in new]
    new_values = [value for value in head.values if canonical(value, wire_text=wire) not in old]
    if gone:
        pair.report(
            pair.pick(ENUM_VALUES, narrowed=True, widened=False),
            f"enum value{'s' if len(gone) > 1 else ''} {_show(gone)} removed",
            base=base.values_at,
            head=head.values_at,
        )
    if new_values:
        pair.report(
            pair.pick(ENUM_VALUES, narrowed=False, widened=True),
            f"enum value{'s' if len(new_values) > 1 else ''} {_show(new_values)} added",
            base=base.values_at,
            head=head.values_at,
        )
