"""What every dialect's handlers share: preconditions, idempotency, store calls off the loop."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, TypeVar

from starlette.concurrency import run_in_threadpool

from connectors_service.domain import DomainError, Violation
from connectors_service.store import InFlight, Replay, Reused, Started, Store, utc_now

__all__ = ["StoredResponse", "off_loop", "refuse_held_key", "request_hash", "run_idempotent"]

T = TypeVar("T")


async def off_loop(function: Callable[[], T]) -> T:
    """Run a blocking store call in the thread pool, keeping the event loop free."""
    return await run_in_threadpool(function)


def request_hash(payload: Any) -> str:
    """A stable digest of a request body, to tell a retry from a different request."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class _Identity(TypedDict):
    organization_id: str
    method: str
    path: str
    key: str


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response as an idempotency record keeps it."""

    status: int
    headers: Mapping[str, str]
    body: str


async def run_idempotent(
    store: Store,
    *,
    organization_id: str,
    method: str,
    path: str,
    key: str | None,
    payload: Any,
    run: Callable[[], Awaitable[StoredResponse]],
) -> tuple[StoredResponse, bool]:
    """Run the request once per key: (response, replayed). DOMAIN.md, Idempotency-Key."""
    if key is None:
        return await run(), False
    digest = request_hash(payload)
    identity = _Identity(organization_id=organization_id, method=method, path=path, key=key)
    outcome = await off_loop(
        lambda: store.begin_idempotent(**identity, request_hash=digest, now=utc_now())
    )
    if isinstance(outcome, Replay):
        return StoredResponse(outcome.status_code, outcome.headers, outcome.body), True
    if isinstance(outcome, InFlight):
        raise DomainError(
            409, "IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is still running."
        )
    if isinstance(outcome, Reused):
        raise _key_reused()
    assert isinstance(outcome, Started)
    # This claim's own start: a request that outlived its lease and was taken over must not
    # finish or release the claim of the one that took over.
    started_at = outcome.started_at
    try:
        response = await run()
    except BaseException:
        # Only successful results are kept; after an error the key may be used again.
        await off_loop(lambda: store.abandon_idempotent(**identity, started_at=started_at))
        raise
    await off_loop(
        lambda: store.finish_idempotent(
            **identity,
            started_at=started_at,
            status_code=response.status,
            headers=dict(response.headers),
            body=response.body,
        )
    )
    return response, False


async def refuse_held_key(
    store: Store, *, organization_id: str, method: str, path: str, key: str
) -> None:
    """422 IDEMPOTENCY_KEY_REUSED when a live record holds `key`: for a body that was refused.

    Only valid requests are ever recorded, so a refused body is always another body than the
    one the key was first used with, whether that request finished or is still running.
    """
    identity = _Identity(organization_id=organization_id, method=method, path=path, key=key)
    if await off_loop(lambda: store.idempotency_key_held(**identity, now=utc_now())):
        raise _key_reused()


def _key_reused() -> DomainError:
    violation = Violation(
        "header.Idempotency-Key",
        "IDEMPOTENCY_KEY_REUSED",
        "This key was used with a different body.",
    )
    return DomainError(
        422,
        "IDEMPOTENCY_KEY_REUSED",
        "The Idempotency-Key was used with another body.",
        [violation],
    )
