"""Behaviour of the native dialect as DOMAIN.md specifies it, through the HTTP interface."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from connectors_service.store import Store
from tests.service.conftest import MakeApp, Service

# Copies of the design seeds, kept with the tests (the originals live outside the repository).
SEEDS = Path(__file__).resolve().parent / "seeds"
MASK = "**********"
BRAZE: dict[str, Any] = {
    "name": "Braze",
    "provider": "braze",
    "type": "destination",
    "fields": [
        {"id": "instance_url", "label": "Endpoint", "type": "string", "required": True},
        {"id": "api_token", "label": "API token", "type": "string", "secret": True},
    ],
    "http": {
        "url": "https://rest.iad-01.braze.com/users/track",
        "headers": {"Authorization": "Bearer {{ api_token }}"},
    },
    "data": {"instance_url": "https://rest.iad-01.braze.com", "api_token": "brz_live_s3cr3t_51H8"},
}
SECRET = "brz_live_s3cr3t_51H8"


def _create(
    client: TestClient, auth: dict[str, str], body: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = client.post("/v1/connectors", json=body or BRAZE, headers=auth)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def _stored_data(service: Service, store: Store, connector_id: str) -> dict[str, Any]:
    record = store.get_connector(organization_id=service.organization_id, connector_id=connector_id)
    assert record is not None
    services = service.app.state.services
    data: dict[str, Any] = services.reveal(record).data
    return data


def test_seed_000_request_succeeds_when_sent_as_written(service: Service) -> None:
    """Seed 000: `PUT /v1/connectors/{id}` with `{}` answers 200 in the success envelope."""
    seed = (SEEDS / "000_7cd8265609cebe21.txt").read_text(encoding="utf-8")
    assert "-d '{}'" in seed  # the seed's own request body
    client = service.client()
    created = _create(client, service.auth)
    response = client.put(
        f"/v1/connectors/{created['id']}",
        content=b"{}",
        headers={**service.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"code", "data", "message", "requestId"}
    assert (body["code"], body["message"]) == (200, "success")
    assert body["requestId"] == response.headers["X-Request-Id"]
    seed_members = {
        "createdAt",
        "createdBy",
        "description",
        "id",
        "maskedData",
        "name",
        "organizationId",
    }
    assert seed_members | {"provider", "type", "updatedAt", "updatedBy"} <= set(body["data"])
    # A write that changes nothing keeps version and ETag.
    assert body["data"]["version"] == created["version"] == 1
    assert response.headers["ETag"] == '"1"'


def test_secret_never_changes_when_masked_data_is_sent_back(service: Service, store: Store) -> None:
    """GET, send maskedData back as data with PUT and with PATCH: the stored secret stays."""
    client = service.client()
    created = _create(client, service.auth)
    assert created["maskedData"]["api_token"] == MASK
    read = client.get(f"/v1/connectors/{created['id']}", headers=service.auth).json()["data"]
    put = client.put(
        f"/v1/connectors/{created['id']}", json={"data": read["maskedData"]}, headers=service.auth
    )
    assert put.status_code == 200, put.text
    patch = client.patch(
        f"/v1/connectors/{created['id']}",
        content=json.dumps({"data": read["maskedData"]}),
        headers={**service.auth, "Content-Type": "application/merge-patch+json"},
    )
    assert patch.status_code == 200, patch.text
    assert _stored_data(service, store, created["id"])["api_token"] == SECRET
    # Sending back the whole read body is accepted too: read-only members are ignored.
    whole = {k: v for k, v in read.items() if k != "maskedData"} | {"data": read["maskedData"]}
    assert (
        client.put(f"/v1/connectors/{created['id']}", json=whole, headers=service.auth).status_code
        == 200
    )
    assert _stored_data(service, store, created["id"])["api_token"] == SECRET


def test_secret_write_rules_hold_when_values_are_empty_null_or_new(
    service: Service, store: Store
) -> None:
    """`""` keeps, `null` deletes, a new string replaces; the mask with nothing stored is 422."""
    client = service.client()
    created = _create(client, service.auth)
    url = f"/v1/connectors/{created['id']}"
    client.put(url, json={"data": {"api_token": ""}}, headers=service.auth)
    assert _stored_data(service, store, created["id"])["api_token"] == SECRET
    client.put(url, json={"data": {"api_token": "rotated_value_9"}}, headers=service.auth)
    assert _stored_data(service, store, created["id"])["api_token"] == "rotated_value_9"
    client.put(url, json={"data": {"api_token": None}}, headers=service.auth)
    assert "api_token" not in _stored_data(service, store, created["id"])
    refused = client.put(url, json={"data": {"api_token": MASK}}, headers=service.auth)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["code"] == "SECRET_NOT_SET"


def test_secrets_are_encrypted_when_stored(service: Service, store: Store) -> None:
    """The stored row holds no plaintext secret."""
    client = service.client()
    created = _create(client, service.auth)
    record = store.get_connector(
        organization_id=service.organization_id, connector_id=created["id"]
    )
    assert record is not None
    assert SECRET not in json.dumps(record.data)


def test_rules_are_422_with_every_violation_when_definitions_break_them(service: Service) -> None:
    """Each broken rule is one detail: immutable members, definitions, literal secret headers."""
    client = service.client()
    created = _create(client, service.auth)
    response = client.put(
        f"/v1/connectors/{created['id']}",
        json={
            "provider": "other",
            "fields": [
                {"id": "n", "label": "N", "type": "integer", "secret": True, "default": "x"},
                # The stored token would read back in clear: a downgrade, refused.
                {"id": "api_token", "label": "API token", "type": "string", "secret": False},
            ],
            "http": {"url": "https://example.com", "headers": {"Authorization": "Bearer literal"}},
        },
        headers=service.auth,
    )
    assert response.status_code == 422
    codes = sorted(d["code"] for d in response.json()["error"]["details"])
    assert codes == [
        "IMMUTABLE_FIELD",
        "INVALID_FIELD_DEFINITION",
        "INVALID_FIELD_DEFINITION",
        "LITERAL_SECRET_IN_HEADER",
        "SECRET_DOWNGRADE",
    ]


def test_other_organizations_connector_is_404_when_read_written_or_deleted(
    service: Service, store: Store, new_slug: Callable[[], str]
) -> None:
    """Another organization's connector is not found, never forbidden."""
    client = service.client()
    created = _create(client, service.auth)
    other = store.create_organization(slug=new_slug())
    _, other_key = store.create_api_key(organization_id=other.id)
    auth = {"Authorization": f"Bearer {other_key}"}
    url = f"/v1/connectors/{created['id']}"
    patch_headers = {**auth, "Content-Type": "application/merge-patch+json"}
    responses = [
        client.get(url, headers=auth),
        client.put(url, json={"name": "x"}, headers=auth),
        client.patch(url, content=b'{"name": "x"}', headers=patch_headers),
        client.delete(url, headers=auth),
        client.post(f"{url}/test", headers=auth),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    assert all(r.json()["error"]["code"] == "NOT_FOUND" for r in responses)
    assert client.get("/v1/connectors", headers=auth).json()["data"]["items"] == []


def test_no_update_is_lost_when_fifty_writers_use_if_match(service: Service) -> None:
    """Concurrent PATCHes with If-Match: each success is a distinct version; none is lost."""
    created = _create(service.client(), service.auth)
    url = f"/v1/connectors/{created['id']}"
    successes: list[int] = []
    lock = threading.Lock()

    def writer(index: int) -> None:
        client = service.client()
        for _ in range(200):
            current = client.get(url, headers=service.auth)
            etag = current.headers["ETag"]
            data = current.json()["data"]["maskedData"]
            response = client.patch(
                url,
                content=json.dumps(
                    {"data": {f"writer_{index}": index, "api_token": data["api_token"]}}
                ),
                headers={
                    **service.auth,
                    "If-Match": etag,
                    "Content-Type": "application/merge-patch+json",
                },
            )
            if response.status_code == 200:
                with lock:
                    successes.append(response.json()["data"]["version"])
                return
            assert response.status_code == 412, response.text

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = service.client().get(url, headers=service.auth).json()["data"]
    assert len(successes) == 50
    assert sorted(successes) == list(range(2, 52))
    assert final["version"] == 51
    assert all(final["maskedData"][f"writer_{i}"] == i for i in range(50))


def test_idempotency_key_replays_when_sent_again(service: Service) -> None:
    """Same key and body: the stored response, replayed; another body: 422."""
    client = service.client()
    headers = {**service.auth, "Idempotency-Key": "create-braze-1"}
    first = client.post("/v1/connectors", json=BRAZE, headers=headers)
    again = client.post("/v1/connectors", json=BRAZE, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["data"] == first.json()["data"]
    assert again.json()["requestId"] == again.headers["X-Request-Id"]
    other = client.post("/v1/connectors", json={**BRAZE, "name": "Other"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    listed = client.get("/v1/connectors", headers=service.auth).json()["data"]["items"]
    assert len(listed) == 1


def test_pages_are_stable_when_connectors_are_added_between_them(service: Service) -> None:
    """Cursor pagination: no item is repeated or skipped while new ones are inserted."""
    client = service.client()
    ids = [_create(client, service.auth, {**BRAZE, "name": f"C{i}"})["id"] for i in range(5)]
    first = client.get("/v1/connectors?limit=2", headers=service.auth).json()["data"]
    _create(client, service.auth, {**BRAZE, "name": "late"})
    second = client.get(
        f"/v1/connectors?limit=2&cursor={first['nextCursor']}", headers=service.auth
    ).json()["data"]
    seen = [item["id"] for item in first["items"] + second["items"]]
    assert seen == ids[:4]
    bad = client.get("/v1/connectors?cursor=not-a-cursor", headers=service.auth)
    assert bad.status_code == 400


def test_conditional_requests_answer_304_and_412_when_etags_say_so(service: Service) -> None:
    """If-None-Match with the current ETag is 304; If-Match with an old one is 412."""
    client = service.client()
    created = _create(client, service.auth)
    url = f"/v1/connectors/{created['id']}"
    assert client.get(url, headers={**service.auth, "If-None-Match": '"1"'}).status_code == 304
    client.put(url, json={"name": "Renamed"}, headers=service.auth)
    stale = client.delete(url, headers={**service.auth, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.delete(url, headers={**service.auth, "If-Match": '"2"'}).status_code == 204
    assert client.delete(url, headers=service.auth).status_code == 404


def test_errors_use_the_envelope_when_requests_are_malformed(service: Service) -> None:
    """Malformed JSON 400, media type 415, body too large 413, unknown route 404, method 405."""
    client = service.client()
    json_headers = {**service.auth, "Content-Type": "application/json"}
    cases = [
        (client.post("/v1/connectors", content=b"{nope", headers=json_headers), 400),
        (
            client.post(
                "/v1/connectors",
                content=b"{}",
                headers={**service.auth, "Content-Type": "text/plain"},
            ),
            415,
        ),
        (
            client.post("/v1/connectors", content=b"x" * (1024 * 1024 + 1), headers=json_headers),
            413,
        ),
        (client.get("/v1/nowhere", headers=service.auth), 404),
        (client.post("/v1/connectors/con_x", headers=service.auth), 405),
        (client.get("/v1/connectors", headers={"Authorization": "Bearer wrong"}), 401),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        body = response.json()
        assert set(body) == {"meta", "error"}
        assert body["meta"]["request_id"] == response.headers["X-Request-Id"]
        assert response.headers["Cache-Control"] == "no-store"
        assert "X-RateLimit-Limit" in response.headers
    assert cases[4][0].headers["Allow"] == "GET, PUT, DELETE, PATCH"
    assert cases[5][0].headers["WWW-Authenticate"] == "Bearer"


def test_request_id_is_echoed_when_well_formed_and_replaced_otherwise(service: Service) -> None:
    """X-Request-Id: kept when it matches the pattern, else a generated req_<ULID>."""
    client = service.client()
    kept = client.get("/v1/connectors", headers={**service.auth, "X-Request-Id": "trace-12345678"})
    replaced = client.get("/v1/connectors", headers={**service.auth, "X-Request-Id": "bad id!"})
    assert kept.headers["X-Request-Id"] == "trace-12345678"
    assert replaced.headers["X-Request-Id"].startswith("req_")


def test_rate_limit_answers_429_with_retry_after_when_exceeded(
    make_app: MakeApp, store: Store, new_slug: Callable[[], str]
) -> None:
    """The organization's limit per minute: 429 TOO_MANY_REQUESTS with Retry-After past it."""
    app = make_app(rate_limit_per_minute=3)
    organization = store.create_organization(slug=new_slug())
    _, key = store.create_api_key(organization_id=organization.id)
    client = TestClient(app, raise_server_exceptions=False)
    statuses = [
        client.get("/v1/connectors", headers={"Authorization": f"Bearer {key}"}) for _ in range(5)
    ]
    assert [r.status_code for r in statuses][:3] == [200, 200, 200]
    limited = statuses[3]
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "TOO_MANY_REQUESTS"
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["X-RateLimit-Remaining"] == "0"


def test_missing_scope_is_403_when_key_is_read_only(service: Service, store: Store) -> None:
    """A read-only key reads but cannot write."""
    _, read_only = store.create_api_key(
        organization_id=service.organization_id, scopes=("connectors:read",)
    )
    client = service.client()
    auth = {"Authorization": f"Bearer {read_only}"}
    assert client.get("/v1/connectors", headers=auth).status_code == 200
    refused = client.post("/v1/connectors", json=BRAZE, headers=auth)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "FORBIDDEN"


def test_test_endpoint_reports_steps_when_configuration_is_incomplete(service: Service) -> None:
    """POST /test: configuration fails when a required value is missing; connection is skipped."""
    client = service.client()
    created = _create(client, service.auth, {**BRAZE, "data": {"api_token": SECRET}})
    result = client.post(f"/v1/connectors/{created['id']}/test", headers=service.auth).json()[
        "data"
    ]
    steps = {step["name"]: step["status"] for step in result["steps"]}
    assert result["status"] == "failed"
    assert steps == {
        "definition": "passed",
        "configuration": "failed",
        "template": "passed",
        "connection": "skipped",
    }


@pytest.mark.parametrize("shape", ["flat", "vendor"])
def test_create_accepts_both_body_shapes_when_posted(service: Service, shape: str) -> None:
    """The flat body and the vendor `{connector, configuration}` body create the same connector."""
    body: dict[str, Any] = BRAZE
    if shape == "vendor":
        body = {
            "connector": {
                "label": "Braze",
                "provider": "braze",
                "type": "destination",
                "configuration_definition": {
                    "api_token": {"label": "API token", "type": "string", "secret": True}
                },
                "data": {
                    "url": "https://example.com",
                    "headers": {"Authorization": "Bearer {{ api_token }}"},
                },
            },
            "configuration": {"configuration_json": {"api_token": SECRET}},
        }
    created = _create(service.client(), service.auth, body)
    assert created["name"] == "Braze"
    assert created["maskedData"]["api_token"] == MASK
    assert created["authMethod"] == "credentials"
    assert SECRET not in json.dumps(created)


def test_secret_never_appears_in_responses_or_logs_when_used_everywhere(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    """Create, read, list, update, patch, test and fail with a secret: it is never echoed."""
    caplog.set_level("DEBUG")
    client = service.client()
    created = _create(client, service.auth)
    url = f"/v1/connectors/{created['id']}"
    patch_headers = {**service.auth, "Content-Type": "application/merge-patch+json"}
    responses = [
        client.get(url, headers=service.auth),
        client.get("/v1/connectors", headers=service.auth),
        client.put(
            url, json={"data": {"api_token": SECRET, "instance_url": 5}}, headers=service.auth
        ),
        client.patch(
            url, content=json.dumps({"data": {"api_token": SECRET}}), headers=patch_headers
        ),
        client.post(f"{url}/test", headers=service.auth),
        client.post("/v1/connectors", json={**BRAZE, "name": ""}, headers=service.auth),
        client.put(
            url,
            json={"http": {"url": "https://e.com", "headers": {"Cookie": SECRET}}},
            headers=service.auth,
        ),
        client.get(f"/v1/connectors?cursor={SECRET}", headers=service.auth),
    ]
    assert {r.status_code for r in responses} >= {200, 400, 422}
    for response in responses:
        assert SECRET not in response.text
        assert SECRET not in str(response.headers)
    # The test client's own logger (httpx) prints the URLs this test sends; the service's do not.
    service_records = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert any(r.name == "connectors_service.access" for r in service_records)
    assert all(SECRET not in record.getMessage() for record in service_records)
