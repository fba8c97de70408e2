"""DOMAIN.md's order of checks when a request breaks several rules at once, in every dialect.

401 → 429 → 403 → 400 (path, query, headers) → idempotency → 404 → 412 → 415 → 400 (body) →
422 → 409: the body is judged last, so a request for a missing connector is 404 whatever its
body, and a stale If-Match is 412 whatever its body.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from connectors_service.store import Store
from tests.service.conftest import Service

MISSING = "/v1/connectors/con_01J00000000000000000000000"
MALFORMED = b'{"name": '
CREATE: dict[str, Any] = {"name": "Braze", "provider": "braze", "type": "destination"}

# Each a body the router refuses: (content, content type, the status it alone would get).
REFUSED_BODIES = [
    pytest.param(MALFORMED, "application/json", 400, id="malformed-json"),
    pytest.param(b'{"name": 7}', "application/json", 400, id="schema-breaking"),
    pytest.param(b'{"unknownMember": 1}', "application/json", 400, id="unknown-member"),
    pytest.param(b"", "application/json", 400, id="empty"),
    pytest.param(b"{}", "text/plain", 415, id="wrong-media-type"),
]


def _send(
    client: TestClient,
    method: str,
    path: str,
    auth: dict[str, str],
    *,
    content: bytes,
    media_type: str,
    **headers: str,
) -> Any:
    sent = {
        **auth,
        "Content-Type": media_type,
        **{k.replace("_", "-"): v for k, v in headers.items()},
    }
    return client.request(method, path, content=content, headers=sent)


def _created(client: TestClient, auth: dict[str, str]) -> tuple[str, str]:
    response = client.post("/v1/connectors", json=CREATE, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()["data"]["id"], response.headers["ETag"]


@pytest.mark.parametrize(("content", "media_type", "alone"), REFUSED_BODIES)
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_missing_connector_is_404_when_the_body_is_also_refused(
    service: Service, method: str, content: bytes, media_type: str, alone: int
) -> None:
    client = service.client()
    existing, _ = _created(client, service.auth)
    path = f"/v1/connectors/{existing}"
    refused = _send(client, method, path, service.auth, content=content, media_type=media_type)
    assert refused.status_code == alone, refused.text

    response = _send(client, method, MISSING, service.auth, content=content, media_type=media_type)

    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(("content", "media_type", "alone"), REFUSED_BODIES)
def test_stale_if_match_is_412_when_the_body_is_also_refused(
    service: Service, content: bytes, media_type: str, alone: int
) -> None:
    client = service.client()
    connector_id, etag = _created(client, service.auth)
    path = f"/v1/connectors/{connector_id}"

    stale = _send(
        client, "PUT", path, service.auth, content=content, media_type=media_type, If_Match='"99"'
    )
    current = _send(
        client, "PUT", path, service.auth, content=content, media_type=media_type, If_Match=etag
    )

    assert stale.status_code == 412, stale.text
    assert stale.json()["error"]["code"] == "PRECONDITION_FAILED"
    assert current.status_code == alone, current.text


def test_other_organizations_connector_is_404_when_the_body_is_also_refused(
    service: Service, store: Store, new_slug: Any
) -> None:
    client = service.client()
    connector_id, _ = _created(client, service.auth)
    other = store.create_organization(slug=new_slug())
    _, other_key = store.create_api_key(organization_id=other.id)

    response = _send(
        client,
        "PUT",
        f"/v1/connectors/{connector_id}",
        {"Authorization": f"Bearer {other_key}"},
        content=MALFORMED,
        media_type="application/json",
    )

    assert response.status_code == 404, response.text


def test_reused_idempotency_key_is_422_when_the_body_is_refused(service: Service) -> None:
    client = service.client()
    first = client.post(
        "/v1/connectors", json=CREATE, headers={**service.auth, "Idempotency-Key": "order-1"}
    )
    assert first.status_code == 201, first.text

    reused = _send(
        client,
        "POST",
        "/v1/connectors",
        service.auth,
        content=MALFORMED,
        media_type="application/json",
        Idempotency_Key="order-1",
    )

    assert reused.status_code == 422, reused.text
    assert reused.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_unused_idempotency_key_stays_free_when_the_body_is_refused(service: Service) -> None:
    client = service.client()
    headers = {**service.auth, "Idempotency-Key": "order-2"}

    refused = _send(
        client,
        "POST",
        "/v1/connectors",
        service.auth,
        content=MALFORMED,
        media_type="application/json",
        Idempotency_Key="order-2",
    )
    created = client.post("/v1/connectors", json=CREATE, headers=headers)
    replayed = client.post("/v1/connectors", json=CREATE, headers=headers)

    assert refused.status_code == 400, refused.text
    assert created.status_code == 201, created.text
    assert replayed.headers.get("Idempotent-Replayed") == "true"
    assert replayed.json()["data"]["id"] == created.json()["data"]["id"]


def test_patch_idempotency_key_is_checked_before_404_when_the_body_is_refused(
    service: Service,
) -> None:
    client = service.client()
    connector_id, _ = _created(client, service.auth)
    path = f"/v1/connectors/{connector_id}"
    done = client.patch(
        path, json={"description": "x"}, headers={**service.auth, "Idempotency-Key": "p-1"}
    )
    assert done.status_code == 200, done.text

    reused = _send(
        client,
        "PATCH",
        path,
        service.auth,
        content=b"[",
        media_type="application/json",
        Idempotency_Key="p-1",
    )

    assert reused.status_code == 422, reused.text
    assert reused.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_earlier_checks_still_win_when_the_connector_is_missing_and_the_body_refused(
    service: Service,
) -> None:
    client = service.client()
    kwargs: dict[str, Any] = {"content": MALFORMED, "media_type": "application/json"}

    unauthenticated = _send(client, "PUT", MISSING, {"Authorization": "Bearer no"}, **kwargs)
    bad_path = _send(client, "PUT", "/v1/connectors/not%20an%20id", service.auth, **kwargs)

    assert unauthenticated.status_code == 401
    assert bad_path.status_code == 400
    assert bad_path.json()["error"]["code"] == "BAD_REQUEST"


def test_census_unknown_service_name_is_404_when_the_body_is_also_refused(
    service: Service,
) -> None:
    client = service.client()

    response = _send(
        client,
        "PATCH",
        "/api/v1/connectors/nothing_here",
        service.auth,
        content=MALFORMED,
        media_type="application/json",
    )

    assert response.status_code == 404, response.text
    assert response.json() == {"status": "not_found", "message": "Connector not found"}


def test_supermetrics_other_team_or_missing_connector_is_404_when_the_body_is_refused(
    service: Service, store: Store
) -> None:
    client = service.client()
    principal = store.resolve_api_key(service.key)
    assert principal is not None
    own = f"/v1/teams/{principal.team_number}/connector_builder/connectors"
    other = f"/v1/teams/{principal.team_number + 1000}/connector_builder/connectors"
    connector_id, _ = _created(client, service.auth)
    kwargs: dict[str, Any] = {"content": MALFORMED, "media_type": "application/json"}

    answers = {
        "own team, existing connector": _send(
            client, "PUT", f"{own}/{connector_id}", service.auth, **kwargs
        ),
        "own team, missing connector": _send(
            client, "PUT", f"{own}/con_missing", service.auth, **kwargs
        ),
        "other team, update": _send(
            client, "PUT", f"{other}/{connector_id}", service.auth, **kwargs
        ),
        "other team, create": _send(client, "POST", other, service.auth, **kwargs),
        "own team, create": _send(client, "POST", own, service.auth, **kwargs),
    }

    statuses = {name: response.status_code for name, response in answers.items()}
    assert statuses == {
        "own team, existing connector": 400,
        "own team, missing connector": 404,
        "other team, update": 404,
        "other team, create": 404,
        "own team, create": 400,
    }
    assert answers["other team, update"].json()["error"]["code"] == "NOT_FOUND"
