"""The in-process memory of valid API keys: how long a key is remembered, and what never is."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from connectors_service.keycache import KeyCache
from connectors_service.store import Principal, Store
from tests.service.conftest import MakeApp

NewSlug = Callable[[], str]

KEY = "ck_" + "k" * 43
PRINCIPAL = Principal(
    organization_id="org_1",
    principal_id="prn_1",
    team_number=1,
    scopes=frozenset({"connectors:read"}),
)


class FakeClock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_key_is_remembered_until_ttl_after_its_lookup_when_used_meanwhile() -> None:
    clock = FakeClock()
    cache = KeyCache(5.0, clock=clock)
    cache.put(KEY, PRINCIPAL)

    clock.now += 4.9
    assert cache.get(KEY) == PRINCIPAL
    # Use does not extend the entry: a revoked key works at most `ttl` after its lookup.
    clock.now += 0.1
    assert cache.get(KEY) is None


def test_nothing_is_remembered_when_ttl_is_zero() -> None:
    cache = KeyCache(0.0)
    cache.put(KEY, PRINCIPAL)

    assert cache.get(KEY) is None


def test_other_keys_are_not_found_when_one_is_remembered() -> None:
    cache = KeyCache(5.0)
    cache.put(KEY, PRINCIPAL)

    assert cache.get(KEY[:-1] + "x") is None


def test_memory_stays_bounded_when_more_keys_than_entries_are_used() -> None:
    clock = FakeClock()
    cache = KeyCache(5.0, max_entries=3, clock=clock)
    for index in range(3):
        cache.put(f"{KEY}{index}", PRINCIPAL)
    clock.now += 5.0
    cache.put(f"{KEY}3", PRINCIPAL)

    # The expired entries made room; the new key is there.
    assert cache.get(f"{KEY}3") == PRINCIPAL
    for index in range(4, 10):
        cache.put(f"{KEY}{index}", PRINCIPAL)
    remembered = [index for index in range(10) if cache.get(f"{KEY}{index}") is not None]
    assert 1 <= len(remembered) <= 3


def test_negative_ttl_is_refused() -> None:
    with pytest.raises(ValueError, match="ttl"):
        KeyCache(-1.0)


def test_revoked_key_is_refused_when_the_cache_is_off(
    make_app: MakeApp, store: Store, new_slug: NewSlug
) -> None:
    app = make_app(rate_limit_per_minute=1_000_000, api_key_cache_seconds=0)
    client = TestClient(app, raise_server_exceptions=False)
    organization = store.create_organization(slug=new_slug())
    info, key = store.create_api_key(organization_id=organization.id)

    assert client.get("/v1/connectors", headers=_bearer(key)).status_code == 200
    store.revoke_api_key(info.id)
    assert client.get("/v1/connectors", headers=_bearer(key)).status_code == 401


def test_revoked_key_works_until_ttl_when_the_cache_remembers_it(
    make_app: MakeApp, store: Store, new_slug: NewSlug
) -> None:
    app = make_app(rate_limit_per_minute=1_000_000, api_key_cache_seconds=3600)
    client = TestClient(app, raise_server_exceptions=False)
    organization = store.create_organization(slug=new_slug())
    info, key = store.create_api_key(organization_id=organization.id)
    unknown = "ck_" + "u" * 43

    assert client.get("/v1/connectors", headers=_bearer(unknown)).status_code == 401
    assert client.get("/v1/connectors", headers=_bearer(key)).status_code == 200
    # Refused keys are never remembered; valid ones are.
    assert app.state.services.keys.get(unknown) is None
    assert app.state.services.keys.get(key) is not None
    store.revoke_api_key(info.id)
    # The documented trade: within the TTL this process still accepts the revoked key.
    assert client.get("/v1/connectors", headers=_bearer(key)).status_code == 200


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
