"""Identifiers and timestamps as the store writes them."""

import re
from datetime import UTC, datetime

from ulid import ULID

_PREFIX = re.compile(r"^[a-z]{1,10}$")


def new_id(prefix: str) -> str:
    """Return `<prefix>_<ULID>`; ids made later sort after ids made earlier."""
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"id prefix must match {_PREFIX.pattern}, got {prefix!r}")
    # python-ulid 4 increments the random part within one millisecond, so ids made by this
    # process are strictly increasing and keyset pagination by id follows creation order.
    return f"{prefix}_{ULID()}"


def utc_now() -> datetime:
    """Return the current UTC time truncated to milliseconds."""
    return to_utc_ms(datetime.now(UTC))


def to_utc_ms(value: datetime) -> datetime:
    """Convert an aware datetime to UTC truncated to milliseconds, the precision stored."""
    if value.tzinfo is None:
        # A naive datetime has no defined instant; guessing a zone would shift timestamps.
        raise ValueError("naive datetime: pass a timezone-aware value")
    utc = value.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond - utc.microsecond % 1000)
