"""Idempotency records: the first use of a key runs the request, later uses replay it."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from connectors_service.store._clock import to_utc_ms
from connectors_service.store._tables import IdempotencyKeyRow

IDEMPOTENCY_TTL = timedelta(hours=24)
# How long an in-flight record holds its key for the request that claimed it. A request ends
# (finished or abandoned) well within it, unless its process died; after it, a retry takes
# the key over instead of meeting 409 until the record expires. Settings' default: 60 s.
IDEMPOTENCY_LEASE = timedelta(seconds=60)

_IN_FLIGHT = "in_flight"
_DONE = "done"
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
# The column widths of IdempotencyKeyRow: PostgreSQL refuses longer values with a DataError,
# which a caller could not tell from an outage, so they are checked up front.
_MAX_LENGTHS = {"organization_id": 40, "method": 16, "path": 1024, "key": 255}
# An insert fails on a row that a concurrent abandon or purge may delete before it is read;
# each retry needs such a delete to land in a window of a few milliseconds.
_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Started:
    """The key was free: an in-flight record now holds it and the caller runs the request.

    `started_at` identifies this claim: `finish` and `abandon` given it leave alone a record
    that another request took over after the lease. It takes no part in equality.
    """

    started_at: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Replay:
    """The key finished with the same request: send this stored response again."""

    status_code: int
    headers: dict[str, str]
    body: str


@dataclass(frozen=True, slots=True)
class InFlight:
    """The same request with this key is still running elsewhere (409 IDEMPOTENCY_KEY_IN_USE)."""


@dataclass(frozen=True, slots=True)
class Reused:
    """The key was used with a different request (422 IDEMPOTENCY_KEY_REUSED)."""


IdempotencyOutcome = Started | Replay | InFlight | Reused


def primary_key(*, organization_id: str, method: str, path: str, key: str) -> dict[str, str]:
    """Validate the four columns that identify an idempotency record, as `filter_by` arguments."""
    columns = {"organization_id": organization_id, "method": method, "path": path, "key": key}
    for name, value in columns.items():
        if not value or len(value) > _MAX_LENGTHS[name]:
            raise ValueError(f"{name} must be 1 to {_MAX_LENGTHS[name]} characters long")
    return columns


def begin(
    sessions: sessionmaker[Session],
    where: Mapping[str, str],
    *,
    request_hash: str,
    now: datetime,
    ttl: timedelta,
    lease: timedelta = IDEMPOTENCY_LEASE,
) -> IdempotencyOutcome:
    """Claim the key for a new request, or say what an earlier use of it means."""
    if not _SHA256_HEX.fullmatch(request_hash):
        raise ValueError("request_hash must be a lower-case sha256 hex digest")
    if ttl <= timedelta(0):
        raise ValueError(f"ttl must be positive, got {ttl}")
    if lease <= timedelta(0):
        raise ValueError(f"lease must be positive, got {lease}")
    now = to_utc_ms(now)
    fresh = {
        "request_hash": request_hash,
        "state": _IN_FLIGHT,
        "status_code": None,
        "headers": None,
        "body": None,
        "created_at": now,
        "expires_at": now + ttl,
        "lease_expires_at": now + lease,
    }
    # Three short transactions, each opened by the statement that matters: SQLite would
    # refuse to upgrade a transaction that read first to a writer while another process
    # writes (SQLITE_BUSY_SNAPSHOT under WAL), and PostgreSQL holds no lock between them.
    for _attempt in range(_ATTEMPTS):
        if _insert(sessions, where, fresh=fresh):
            return Started(now)
        if _take_over_expired(sessions, where, now=now, fresh=fresh):
            return Started(now)
        with sessions() as session:
            row = session.get(IdempotencyKeyRow, dict(where))
            # A row that expired (or lost its lease) after the takeover failed is replaced on
            # the next attempt.
            if row is not None and _live(row, now=now):
                return _outcome(row, request_hash=request_hash)
        # Abandoned, purged or expired between the insert and the read: try again.
    raise RuntimeError(f"idempotency key still contended after {_ATTEMPTS} attempts")


def _insert(
    sessions: sessionmaker[Session], where: Mapping[str, str], *, fresh: Mapping[str, object]
) -> bool:
    try:
        with sessions.begin() as session:
            session.execute(insert(IdempotencyKeyRow).values(**where, **fresh))
    except IntegrityError:
        # The primary key is taken: what the holder means is decided by the caller.
        return False
    return True


def _take_over_expired(
    sessions: sessionmaker[Session],
    where: Mapping[str, str],
    *,
    now: datetime,
    fresh: Mapping[str, object],
) -> bool:
    # One conditional UPDATE: of two processes that find the same expired row, the second
    # re-checks the condition after the first commits (PostgreSQL) or waits for the write lock
    # (SQLite), finds the row fresh, and matches nothing; only one of them starts.
    row = IdempotencyKeyRow
    lease_over = and_(
        row.state == _IN_FLIGHT,
        # A record written before leases existed has none: its holder is long gone.
        or_(row.lease_expires_at.is_(None), row.lease_expires_at < now),
    )
    with sessions.begin() as session:
        result = session.connection().execute(
            update(row)
            .filter_by(**where)
            .where(or_(row.expires_at <= now, lease_over))
            .values(**fresh)
        )
        return result.rowcount == 1


def _live(row: IdempotencyKeyRow, *, now: datetime) -> bool:
    """Whether the record holds its key at `now`: unexpired, and if in flight, within its lease.

    The holder keeps the key through the last instant of its lease (`<`), where the record's
    expiry (`<=`) ends at `expires_at` itself, as `purge` does.
    """
    if to_utc_ms(row.expires_at) <= now:
        return False
    if row.state != _IN_FLIGHT:
        return True
    return row.lease_expires_at is not None and to_utc_ms(row.lease_expires_at) >= now


def _outcome(row: IdempotencyKeyRow, *, request_hash: str) -> IdempotencyOutcome:
    # A different request is refused even while the first one runs: the answer must not
    # depend on timing, and a client that reuses a key for another body has a bug to fix.
    if row.request_hash != request_hash:
        return Reused()
    if row.state != _DONE or row.status_code is None:
        return InFlight()
    return Replay(status_code=row.status_code, headers=dict(row.headers or {}), body=row.body or "")


def held(sessions: sessionmaker[Session], where: Mapping[str, str], *, now: datetime) -> bool:
    """Whether a live record (in flight or done) holds the key at `now`."""
    with sessions() as session:
        row = session.get(IdempotencyKeyRow, dict(where))
        return row is not None and _live(row, now=to_utc_ms(now))


def finish(
    sessions: sessionmaker[Session],
    where: Mapping[str, str],
    *,
    status_code: int,
    headers: Mapping[str, str],
    body: str,
    started_at: datetime | None = None,
) -> None:
    """Store the response of the in-flight request that holds the key."""
    with sessions.begin() as session:
        # Only an in-flight row is finished, and with `started_at` only the one this request
        # claimed: a key purged or taken over meanwhile belongs to another request now, whose
        # response must not be overwritten.
        session.execute(
            update(IdempotencyKeyRow)
            .filter_by(**where, **_claimed(started_at))
            .values(state=_DONE, status_code=status_code, headers=dict(headers), body=body)
        )


def abandon(
    sessions: sessionmaker[Session],
    where: Mapping[str, str],
    *,
    started_at: datetime | None = None,
) -> None:
    """Release an in-flight key so that the same request can be retried."""
    with sessions.begin() as session:
        session.execute(delete(IdempotencyKeyRow).filter_by(**where, **_claimed(started_at)))


def _claimed(started_at: datetime | None) -> dict[str, object]:
    # The claim's `created_at` is its identity: a takeover writes its own.
    if started_at is None:
        return {"state": _IN_FLIGHT}
    return {"state": _IN_FLIGHT, "created_at": to_utc_ms(started_at)}


def purge(sessions: sessionmaker[Session], *, now: datetime) -> int:
    """Delete every record that expired at or before `now`; return how many."""
    with sessions.begin() as session:
        result = session.connection().execute(
            delete(IdempotencyKeyRow).where(IdempotencyKeyRow.expires_at <= to_utc_ms(now))
        )
        return result.rowcount
