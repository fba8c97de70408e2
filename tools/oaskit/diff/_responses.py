"""Responses of an operation by status: success statuses removed or added, then each kept one.

A status is a code (`200`), a range (`2XX`, OAS 3.1 4.8.16.2) or `default`. A code missing on
one side is compared with the other side's range that covers it. `default` is a success
response when the operation declares no 2xx one: it is then what clients read on success.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oaskit.diff._headers import compare_headers
from oaskit.diff._media import compare_content
from oaskit.diff._model import Comparison, Direction, Rule
from oaskit.diff._nodes import mapping
from oaskit.errors import Level

if TYPE_CHECKING:
    from oaskit.diff._operations import Pair

__all__ = [
    "RULES",
    "STATUS_ADDED",
    "STATUS_REMOVED",
    "SUCCESS_STATUS_ADDED",
    "SUCCESS_STATUS_REMOVED",
    "compare_responses",
]

SUCCESS_STATUS_REMOVED = Rule(
    "response-success-status-removed",
    "responses",
    Level.ERROR,
    "A success status was removed; clients that handle it get another answer.",
)
# A warning, not info: clients generated from base decode only the statuses they know, and a
# new success status reaches them as an unexpected response.
SUCCESS_STATUS_ADDED = Rule(
    "response-success-status-added",
    "responses",
    Level.WARNING,
    "A success status was added; clients generated from base do not decode it.",
)
STATUS_REMOVED = Rule(
    "response-status-removed",
    "responses",
    Level.INFO,
    "A non-success status was removed from the documentation.",
)
STATUS_ADDED = Rule(
    "response-status-added", "responses", Level.INFO, "A non-success status was added."
)
RULES = (SUCCESS_STATUS_REMOVED, SUCCESS_STATUS_ADDED, STATUS_REMOVED, STATUS_ADDED)


def _statuses(responses: object) -> dict[str, str]:
    """Normalised status (`200`, `2XX`, `default`) → the key as written."""
    found: dict[str, str] = {}
    for key in mapping(responses):
        found.setdefault(str(key).upper() if str(key) != "default" else "default", key)
    return found


def _is_success(status: str, statuses: dict[str, str]) -> bool:
    if status == "default":
        return not any(other.startswith("2") for other in statuses)
    return status.startswith("2")


def _counterpart(status: str, statuses: dict[str, str]) -> str | None:
    """The key on the other side that answers `status`: itself, or the range covering it."""
    if status in statuses:
        return statuses[status]
    if len(status) == 3 and status.isdigit() and f"{status[0]}XX" in statuses:
        return statuses[f"{status[0]}XX"]
    if len(status) == 3 and status.endswith("XX"):
        # A range narrowed to codes: clients that handled the range handle them.
        codes = sorted(key for key in statuses if key.startswith(status[0]) and key.isdigit())
        return statuses[codes[0]] if codes else None
    return None


def compare_responses(cmp: Comparison, pair: Pair) -> None:
    """Report statuses removed or added, then compare media types and headers of the rest."""
    label = pair.label
    base_at, head_at = (*pair.base.pointer, "responses"), (*pair.head.pointer, "responses")
    old = _statuses(pair.base.node.get("responses"))
    new = _statuses(pair.head.node.get("responses"))
    for status in sorted(old):
        key = old[status]
        other = _counterpart(status, new)
        if other is None:
            success = _is_success(status, old)
            cmp.report(
                SUCCESS_STATUS_REMOVED if success else STATUS_REMOVED,
                f"{label}: response {key} was removed",
                base=(*base_at, key),
                head=head_at if new else pair.head.pointer,
                operations=[label],
                direction=Direction.RESPONSE,
            )
            continue
        old_at, _ = cmp.base.resolve((*base_at, key))
        new_at, _ = cmp.head.resolve((*head_at, other))
        compare_content(
            cmp,
            old_at,
            new_at,
            direction=Direction.RESPONSE,
            label=label,
            success=_is_success(status, old),
        )
        compare_headers(cmp, old_at, new_at, label=label)
    for status in sorted(new):
        if _counterpart(status, old) is not None:
            continue
        key = new[status]
        success = _is_success(status, new)
        cmp.report(
            SUCCESS_STATUS_ADDED if success else STATUS_ADDED,
            f"{label}: response {key} was added",
            base=base_at if old else pair.base.pointer,
            head=(*head_at, key),
            operations=[label],
            direction=Direction.RESPONSE,
        )
