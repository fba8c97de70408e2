"""Idempotency records in the store, on SQLite and, when DATABASE_URL says so, on PostgreSQL."""

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol, TypedDict

import pytest
from ulid import ULID

from connectors_service.store import (
    IdempotencyOutcome,
    InFlight,
    Replay,
    Reused,
    Started,
    Store,
)

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
BODY_HASH = hashlib.sha256(b'{"name": "a"}').hexdigest()
OTHER_HASH = hashlib.sha256(b'{"name": "b"}').hexdigest()


class Scope(TypedDict):
    """The four columns that identify an idempotency record."""

    organization_id: str
    method: str
    path: str
    key: str


class Begin(Protocol):
    """`Store.begin_idempotent` bound to one test's key."""

    def __call__(
        self, *, request_hash: str = ..., now: datetime = ..., ttl: timedelta = ...
    ) -> IdempotencyOutcome: ...


@pytest.fixture
def scope() -> Scope:
    """A key no other test uses, since PostgreSQL runs share one table."""
    return {
        "organization_id": f"org_{ULID()}",
        "method": "POST",
        "path": "/v1/connectors",
        "key": str(ULID()),
    }


@pytest.fixture
def begin(store: Store, scope: Scope) -> Begin:
    """`store.begin_idempotent` for the test's key, with the body hash and time as defaults."""

    def call(
        *, request_hash: str = BODY_HASH, now: datetime = NOW, ttl: timedelta = timedelta(hours=24)
    ) -> IdempotencyOutcome:
        return store.begin_idempotent(**scope, request_hash=request_hash, now=now, ttl=ttl)

    return call


def test_begin_starts_when_key_is_new(begin: Begin) -> None:
    assert begin() == Started()


def test_begin_replays_when_same_request_finished(store: Store, scope: Scope, begin: Begin) -> None:
    begin()
    store.finish_idempotent(
        **scope, status_code=201, headers={"Location": "/v1/connectors/c1"}, body='{"id": "c1"}'
    )

    assert begin(now=NOW + timedelta(hours=1)) == Replay(
        status_code=201, headers={"Location": "/v1/connectors/c1"}, body='{"id": "c1"}'
    )


def test_begin_reports_reuse_when_hash_differs_after_finish(
    store: Store, scope: Scope, begin: Begin
) -> None:
    begin()
    store.finish_idempotent(**scope, status_code=201, headers={}, body="{}")

    assert begin(request_hash=OTHER_HASH) == Reused()


def test_begin_reports_reuse_when_hash_differs_while_in_flight(begin: Begin) -> None:
    begin()

    assert begin(request_hash=OTHER_HASH) == Reused()


def test_begin_reports_in_flight_when_same_request_runs(begin: Begin) -> None:
    begin()

    assert begin() == InFlight()


@pytest.mark.parametrize("column", ["organization_id", "method", "path"])
def test_keys_are_independent_when_method_path_or_organization_differ(
    store: Store, scope: Scope, begin: Begin, column: Literal["organization_id", "method", "path"]
) -> None:
    begin()
    other = scope.copy()
    other[column] = "OTHER"

    assert store.begin_idempotent(**other, request_hash=BODY_HASH, now=NOW) == Started()


def test_exactly_one_begin_starts_when_eight_threads_race(store: Store, scope: Scope) -> None:
    barrier = threading.Barrier(8)
    outcomes: list[IdempotencyOutcome] = []
    lock = threading.Lock()

    def claim() -> None:
        barrier.wait()
        outcome = store.begin_idempotent(**scope, request_hash=BODY_HASH, now=NOW)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["InFlight"] * 7 + ["Started"]


def test_begin_starts_again_when_record_expired(store: Store, scope: Scope, begin: Begin) -> None:
    begin(ttl=timedelta(minutes=5))
    store.finish_idempotent(**scope, status_code=201, headers={}, body="{}")

    # At exactly expires_at the record is gone: a different body is a new request, not reuse.
    assert begin(request_hash=OTHER_HASH, now=NOW + timedelta(minutes=5)) == Started()
    assert begin(request_hash=OTHER_HASH, now=NOW + timedelta(minutes=6)) == InFlight()


def test_only_one_begin_takes_over_when_threads_race_for_an_expired_record(
    store: Store, scope: Scope, begin: Begin
) -> None:
    begin(ttl=timedelta(minutes=5))
    later = NOW + timedelta(hours=1)
    barrier = threading.Barrier(8)
    outcomes: list[IdempotencyOutcome] = []
    lock = threading.Lock()

    def claim() -> None:
        barrier.wait()
        outcome = store.begin_idempotent(**scope, request_hash=BODY_HASH, now=later)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count(Started()) == 1
    assert outcomes.count(InFlight()) == 7


def test_abandon_frees_the_key_when_request_failed(
    store: Store, scope: Scope, begin: Begin
) -> None:
    begin()
    store.abandon_idempotent(**scope)

    assert begin(request_hash=OTHER_HASH) == Started()


def test_abandon_keeps_the_record_when_request_finished(
    store: Store, scope: Scope, begin: Begin
) -> None:
    begin()
    store.finish_idempotent(**scope, status_code=200, headers={}, body="ok")
    store.abandon_idempotent(**scope)

    assert begin() == Replay(status_code=200, headers={}, body="ok")


def test_finish_changes_nothing_when_key_was_abandoned(
    store: Store, scope: Scope, begin: Begin
) -> None:
    begin()
    store.abandon_idempotent(**scope)
    store.finish_idempotent(**scope, status_code=201, headers={}, body="late")

    assert begin() == Started()


def test_purge_deletes_only_expired_records(store: Store, scope: Scope) -> None:
    fresh = scope.copy()
    fresh["key"] = str(ULID())
    store.begin_idempotent(**scope, request_hash=BODY_HASH, now=NOW, ttl=timedelta(minutes=1))
    store.begin_idempotent(**fresh, request_hash=BODY_HASH, now=NOW, ttl=timedelta(days=400))

    # Other tests' rows may share a PostgreSQL table, so the count is a lower bound there.
    assert store.purge_idempotent(now=NOW + timedelta(minutes=1)) >= 1
    assert store.begin_idempotent(**scope, request_hash=OTHER_HASH, now=NOW) == Started()
    assert store.begin_idempotent(**fresh, request_hash=BODY_HASH, now=NOW) == InFlight()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"request_hash": "not-a-digest"}, "request_hash"),
        ({"ttl": timedelta(0)}, "ttl"),
        ({"key": ""}, "key"),
        ({"key": "k" * 256}, "key"),
        ({"path": "/" * 1025}, "path"),
    ],
)
def test_begin_raises_when_arguments_are_invalid(
    store: Store, scope: Scope, change: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {**scope, "request_hash": BODY_HASH, "now": NOW, **change}

    with pytest.raises(ValueError, match=message):
        store.begin_idempotent(**arguments)  # type: ignore[arg-type]
