"""`compare`: every change between two bundled contracts, from a client's point of view."""

from __future__ import annotations

from datetime import UTC, date, datetime

from oaskit.diff._bodies import compare_body
from oaskit.diff._deprecation import compare_deprecation
from oaskit.diff._model import Change, Comparison, Side
from oaskit.diff._operations import compare_operations, operations
from oaskit.diff._parameters import compare_parameters
from oaskit.diff._responses import compare_responses
from oaskit.diff._security import compare_schemes, compare_security
from oaskit.diff._servers import compare_servers
from oaskit.spec import Bundle, format_pointer

__all__ = ["compare"]


def compare(base: Bundle, head: Bundle, *, today: date | None = None) -> list[Change]:
    """The changes from `base` to `head`, in a stable order.

    `today` decides whether a deprecated operation's sunset has passed (RFC 8594); it defaults
    to the current date in UTC.
    """
    cmp = Comparison(Side(base), Side(head))
    day = today if today is not None else datetime.now(UTC).date()
    compare_servers(cmp)
    pairs = compare_operations(cmp, today=day)
    for pair in pairs:
        compare_deprecation(cmp, pair)
        compare_parameters(cmp, pair)
        compare_body(cmp, pair)
        compare_responses(cmp, pair)
    compare_security(cmp, pairs)
    compare_schemes(cmp, operations(cmp.base))
    return sorted(cmp.changes, key=_order)


def _order(change: Change) -> tuple[str, str, str, str, str]:
    return (
        min(change.operations, default=""),
        format_pointer(change.base) if change.base is not None else "",
        format_pointer(change.head) if change.head is not None else "",
        change.rule.id,
        change.message,
    )
