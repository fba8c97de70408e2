"""An in-flight Idempotency-Key holds its key for a lease; after it, a retry takes it over.

A process that dies mid-request leaves its record in flight. Within the lease a retry is 409
IDEMPOTENCY_KEY_IN_USE (the request may still be running); after it the record is taken to
be abandoned and the retry runs. The store's clock is moved rather than waited for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypedDict

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from ulid import ULID

import connectors_service.dialects._common
from connectors_service.store import InFlight, Replay, Started, Store, utc_now
from connectors_service.store._tables import IdempotencyKeyRow
from tests.service.conftest import MakeApp

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
BODY_HASH = hashlib.sha256(b'{"name": "a"}').hexdigest()
OTHER_HASH = hashlib.sha256(b'{"name": "b"}').hexdigest()
LEASE = timedelta(seconds=60)


class Scope(TypedDict):
    """The four columns that identify an idempotency record."""

    organization_id: str
    method: str
    path: str
    key: str


def _scope() -> Scope:
    # A key no other test uses: PostgreSQL runs share one table.
    return {
        "organization_id": f"org_{ULID()}",
        "method": "POST",
        "path": "/v1/connectors",
        "key": str(ULID()),
    }


def test_in_flight_record_is_409_within_its_lease(store: Store) -> None:
    scope = _scope()
    store.begin_idempotent(**scope, request_hash=BODY_HASH, now=NOW)

    # The holder keeps the key through the last instant of its lease.
    for later in (timedelta(seconds=1), LEASE - timedelta(milliseconds=1), LEASE):
        assert store.begin_idempotent(**scope, request_hash=BODY_HASH, now=NOW + later) == (
            InFlight()
        )


def test_in_flight_record_is_taken_over_when_its_lease_has_run_out(store: Store) -> None:
    scope = _scope()
    store.begin_idempotent(**scope, request_hash=BODY_HASH, now=NOW)
    later = NOW + LEASE + timedelta(milliseconds=1)

    taken = store.begin_idempotent(**scope, request_hash=BODY_HASH, now=later)

    assert taken == Started()
    # The new holder has a lease of its own.
    assert store.begin_idempotent(**scope, request_hash=BODY_HASH, now=later) == InFlight()


def test_takeover_is_not_key_reuse_when_the_dead_request_had_another_body(store: Store) -> None:
    scope = _scope()
    store.begin_idempotent(**scope, request_hash=OTHER_HASH, now=NOW)

    later = NOW + 2 * LEASE
    assert not store.idempotency_key_held(**scope, now=later)
    assert store.begin_idempotent(**scope, request_hash=BODY_HASH, now=later) == Started()


def test_finished_record_is_replayed_long_after_the_lease(store: Store) -> None:
    scope = _scope()
    store.begin_idempotent(**scope, request_hash=BODY_HASH, now=NOW)
    store.finish_idempotent(**scope, status_code=201, headers={}, body="{}")

    assert store.begin_idempotent(
        **scope, request_hash=BODY_HASH, now=NOW + timedelta(hours=23)
    ) == Replay(status_code=201, headers={}, body="{}")


def test_late_finish_and_abandon_of_the_dead_holder_leave_the_new_claim_alone(
    store: Store,
) -> None:
    scope = _scope()
    first = store.begin_idempotent(**scope, request_hash=BODY_HASH, now=NOW)
    later = NOW + 2 * LEASE
    second = store.begin_idempotent(**scope, request_hash=BODY_HASH, now=later)
    assert isinstance(first, Started)
    assert isinstance(second, Started)

    store.abandon_idempotent(**scope, started_at=first.started_at)
    store.finish_idempotent(
        **scope, status_code=500, headers={}, body="late", started_at=first.started_at
    )
    assert store.begin_idempotent(**scope, request_hash=BODY_HASH, now=later) == InFlight()

    store.finish_idempotent(
        **scope, status_code=201, headers={}, body="ours", started_at=second.started_at
    )
    assert store.begin_idempotent(**scope, request_hash=BODY_HASH, now=later) == Replay(
        status_code=201, headers={}, body="ours"
    )


def test_lease_comes_from_the_store_when_not_given(engine: Engine) -> None:
    store = Store(engine, idempotency_lease=timedelta(seconds=5))
    scope = _scope()
    store.begin_idempotent(**scope, request_hash=BODY_HASH, now=NOW)

    assert store.begin_idempotent(
        **scope, request_hash=BODY_HASH, now=NOW + timedelta(seconds=5)
    ) == (InFlight())
    assert store.begin_idempotent(
        **scope, request_hash=BODY_HASH, now=NOW + timedelta(seconds=6)
    ) == (Started())


def test_service_takes_over_a_dead_request_after_the_configured_lease(
    make_app: MakeApp,
    store: Store,
    engine: Engine,
    new_slug: Callable[[], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(idempotency_lease_seconds=5, rate_limit_per_minute=1_000_000)
    organization = store.create_organization(slug=new_slug())
    _, key = store.create_api_key(organization_id=organization.id)
    client = TestClient(app)
    idempotency_key = str(ULID())
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": idempotency_key}
    body = {"name": "Leased", "provider": "braze", "type": "destination"}
    first = client.post("/v1/connectors", json=body, headers=headers)
    assert first.status_code == 201, first.text
    # The process that ran it died before storing its response: the record is still in
    # flight, as `begin` left it.
    with engine.begin() as connection:
        connection.execute(
            update(IdempotencyKeyRow)
            .filter_by(organization_id=organization.id, key=idempotency_key)
            .values(state="in_flight", status_code=None, headers=None, body=None)
        )
    started = utc_now()

    def clock(seconds: float) -> None:
        monkeypatch.setattr(
            connectors_service.dialects._common,
            "utc_now",
            lambda: started + timedelta(seconds=seconds),
        )

    clock(4)
    in_use = client.post("/v1/connectors", json=body, headers=headers)
    clock(6)
    retried = client.post("/v1/connectors", json=body, headers=headers)
    replayed = client.post("/v1/connectors", json=body, headers=headers)

    assert in_use.status_code == 409, in_use.text
    assert in_use.json()["error"]["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert retried.status_code == 201, retried.text
    assert "Idempotent-Replayed" not in retried.headers
    assert replayed.status_code == 201
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json()["data"] == retried.json()["data"]
