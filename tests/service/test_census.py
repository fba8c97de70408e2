"""The Census dialect (seed 004) of the reference service, over the shared store."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from connectors_service.store import Store
from tests.service.conftest import Service

BASE = "/api/v1/connectors"

# Seed 004's request body, verbatim.
SEED_REQUEST = """{
  "connector": {
    "label": "Braze",
    "icon_url": "https://example.com/icon.png",
    "configuration_definition": {
      "your_field_id": {
        "id": "my_id",
        "label": "Api Token",
        "type": "string",
        "default": "<string>",
        "user_editable": true,
        "secret": true,
        "required": true,
        "placeholder": "Enter your API token"
      }
    },
    "data": {
      "url": "https://example.com",
      "headers": {
        "Authorization": "Bearer {{ api_token }}"
      }
    }
  }
}"""

# The secret default of the seed's field, and a secret stored through the native dialect.
SEED_SECRET = "<string>"
NATIVE_SECRET = "s3cr3t-native-token-value"

BRAZE: dict[str, Any] = {
    "connector": {
        "service_name": "braze",
        "label": "Braze",
        "icon_url": "https://example.com/icon.png",
        "configuration_definition": {
            "instance_url": {
                "label": "Endpoint URL",
                "type": "string",
                "required": True,
                "placeholder": "https://rest.iad-01.braze.com",
                "matches": "^https://rest\\.(iad|fra)-\\d\\d\\.braze\\.(com|eu)$",
                "read_more": "https://www.braze.com/docs/api/basics/",
                "input_type": "textbox",
            },
            "api_token": {
                "label": "Api Token",
                "type": "string",
                "secret": True,
                "required": True,
                "placeholder": "Enter your API token",
            },
            "batch": {"label": "Batch size", "type": "float", "possible_values": [50, 100]},
        },
        "data": {
            "url": "https://rest.iad-01.braze.com/users/track",
            "headers": {"Authorization": "Bearer {{ api_token }}"},
        },
    }
}


def _create(client: TestClient, service: Service, body: dict[str, Any]) -> httpx.Response:
    response: httpx.Response = client.post(BASE, json=body, headers=service.auth)
    return response


def _minimal(service_name: str, label: str = "Acme") -> dict[str, Any]:
    return {"connector": {"service_name": service_name, "label": label}}


def _assert_error(response: httpx.Response, status: int, kind: str = "error") -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"status", "message"}
    assert body["status"] == kind
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Request-Id"]
    return body


def _native_id(client: TestClient, service: Service, service_name: str) -> str:
    listing = client.get("/v1/connectors", params={"limit": 100}, headers=service.auth)
    assert listing.status_code == 200, listing.text
    items = listing.json()["data"]["items"]
    return next(str(i["id"]) for i in items if i["serviceName"] == service_name)


def test_seed_request_is_updated_when_sent_as_patch_to_an_existing_type(service: Service) -> None:
    """Seed 004's own request, sent to a type that exists, returns the seed's response shape."""
    with service.client() as client:
        assert _create(client, service, _minimal("braze", "Old label")).status_code == 201
        response = client.patch(
            f"{BASE}/braze",
            content=SEED_REQUEST,
            headers={**service.auth, "Content-Type": "application/json"},
        )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "updated",
        "data": {
            "documentation_slug": "braze",
            "label": "Braze",
            "service_name": "braze",
            "auth_method": "credentials",
            "creatable_via_api": True,
            "creatable_via_connect_link": True,
            "configuration_fields": {
                "fields": [
                    {
                        "id": "my_id",
                        "rules": "required",
                        "label": "Api Token",
                        "type": "string",
                        "placeholder": "Enter your API token",
                        "matches": None,
                        "is_password_type_field": True,
                        "possible_values": None,
                        "read_more": None,
                        "hint": None,
                        "input_type": "password",
                    }
                ]
            },
        },
    }
    assert SEED_SECRET not in response.text
    assert response.headers["Cache-Control"] == "no-store"


def test_type_reads_back_the_same_when_created_then_got_and_listed(service: Service) -> None:
    """Create → get → list agree, with Census names and the derived members."""
    with service.client() as client:
        created = _create(client, service, BRAZE)
        got = client.get(f"{BASE}/braze", headers=service.auth)
        listed = client.get(BASE, headers=service.auth)
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == "/api/v1/connectors/braze"
    assert created.json()["status"] == "created"
    data = created.json()["data"]
    fields = {f["id"]: f for f in data["configuration_fields"]["fields"]}
    assert list(fields) == ["instance_url", "api_token", "batch"]
    assert fields["instance_url"]["input_type"] == "textbox"
    assert (
        fields["instance_url"]["matches"]
        == BRAZE["connector"]["configuration_definition"]["instance_url"]["matches"]
    )
    assert fields["instance_url"]["read_more"] == "https://www.braze.com/docs/api/basics/"
    assert fields["api_token"]["is_password_type_field"] is True
    assert fields["api_token"]["input_type"] == "password"
    assert fields["batch"] | {} == {
        **fields["batch"],
        "type": "number",
        "rules": None,
        "possible_values": [50, 100],
        "input_type": "select",
    }
    assert data["auth_method"] == "credentials"
    assert got.status_code == 200, got.text
    assert got.json() == {"status": "success", "data": data}
    assert listed.status_code == 200, listed.text
    assert listed.json() == {
        "status": "success",
        "data": [data],
        "pagination": {
            "page": 1,
            "per_page": 25,
            "total_records": 1,
            "last_page": 1,
            "next_page": None,
            "prev_page": None,
        },
    }


def test_pages_are_numbered_when_types_span_several_pages(service: Service) -> None:
    """`page`/`per_page` page through types; `order` flips them; a page past the end is empty."""
    with service.client() as client:
        for name in ("alpha", "bravo", "charlie"):
            assert _create(client, service, _minimal(name)).status_code == 201
        first = client.get(BASE, params={"per_page": 2, "order": "asc"}, headers=service.auth)
        second = client.get(
            BASE, params={"page": 2, "per_page": 2, "order": "asc"}, headers=service.auth
        )
        newest = client.get(BASE, params={"per_page": 1}, headers=service.auth)
        past = client.get(BASE, params={"page": 9, "per_page": 2}, headers=service.auth)
    names = [[c["service_name"] for c in r.json()["data"]] for r in (first, second, newest)]
    assert names == [["alpha", "bravo"], ["charlie"], ["charlie"]]
    assert first.json()["pagination"] == {
        "page": 1,
        "per_page": 2,
        "total_records": 3,
        "last_page": 2,
        "next_page": 2,
        "prev_page": None,
    }
    assert second.json()["pagination"]["next_page"] is None
    assert second.json()["pagination"]["prev_page"] == 1
    assert past.json()["data"] == []
    assert past.json()["pagination"] | {} == {
        **past.json()["pagination"],
        "page": 9,
        "last_page": 2,
        "next_page": None,
        "prev_page": 8,
    }


def test_native_connector_is_visible_when_it_has_a_service_name(service: Service) -> None:
    """A connector created natively with serviceName is read here; one without is not listed."""
    native = {
        "name": "Acme",
        "provider": "acme",
        "type": "source",
        "serviceName": "acme",
        "fields": [
            {"id": "api_token", "label": "Token", "type": "string", "secret": True},
            {"id": "region", "label": "Region", "type": "string", "inputType": "text"},
        ],
        "data": {"api_token": NATIVE_SECRET, "region": "eu"},
    }
    anonymous = {"name": "No service name", "provider": "acme", "type": "source"}
    with service.client() as client:
        assert client.post("/v1/connectors", json=native, headers=service.auth).status_code == 201
        assert (
            client.post("/v1/connectors", json=anonymous, headers=service.auth).status_code == 201
        )
        got = client.get(f"{BASE}/acme", headers=service.auth)
        listed = client.get(BASE, headers=service.auth)
    assert got.status_code == 200, got.text
    data = got.json()["data"]
    assert (data["label"], data["service_name"], data["auth_method"]) == (
        "Acme",
        "acme",
        "credentials",
    )
    inputs = [f["input_type"] for f in data["configuration_fields"]["fields"]]
    assert inputs == ["password", "textbox"]
    assert [c["service_name"] for c in listed.json()["data"]] == ["acme"]
    assert listed.json()["pagination"]["total_records"] == 1
    assert NATIVE_SECRET not in got.text + listed.text


def test_census_type_is_visible_natively_when_created_here(service: Service) -> None:
    """A type created here is a native connector: provider = service_name, type destination."""
    with service.client() as client:
        assert _create(client, service, BRAZE).status_code == 201
        connector_id = _native_id(client, service, "braze")
        got = client.get(f"/v1/connectors/{connector_id}", headers=service.auth)
    assert got.status_code == 200, got.text
    connector = got.json()["data"]
    assert (connector["name"], connector["provider"], connector["type"]) == (
        "Braze",
        "braze",
        "destination",
    )
    assert connector["iconUrl"] == "https://example.com/icon.png"
    assert connector["http"] == BRAZE["connector"]["data"]
    fields = {f["id"]: f for f in connector["fields"]}
    assert fields["batch"]["type"] == "number"
    assert fields["batch"]["enum"] == [50, 100]
    assert fields["instance_url"]["inputType"] == "text"
    assert fields["instance_url"]["readMoreUrl"] == "https://www.braze.com/docs/api/basics/"
    assert fields["api_token"]["secret"] is True


def test_members_are_kept_when_an_update_leaves_them_out(service: Service) -> None:
    """Absent members keep their value; `null` clears `configuration_definition` and `data`."""
    with service.client() as client:
        assert _create(client, service, BRAZE).status_code == 201
        same = client.patch(f"{BASE}/braze", json={"connector": {}}, headers=service.auth)
        renamed = client.patch(
            f"{BASE}/braze", json={"connector": {"label": "Braze EU"}}, headers=service.auth
        )
        cleared = client.patch(
            f"{BASE}/braze",
            json={"connector": {"configuration_definition": None, "data": None}},
            headers=service.auth,
        )
    assert same.status_code == 200, same.text
    assert same.json()["status"] == "updated"
    assert len(same.json()["data"]["configuration_fields"]["fields"]) == 3
    assert renamed.json()["data"]["label"] == "Braze EU"
    assert (
        renamed.json()["data"]["configuration_fields"]
        == same.json()["data"]["configuration_fields"]
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["data"]["configuration_fields"] == {"fields": []}
    assert cleared.json()["data"]["auth_method"] == "other"


def test_create_is_conflict_when_the_service_name_is_taken(service: Service) -> None:
    """A second type with the same service name is 409 in the Census envelope."""
    with service.client() as client:
        assert _create(client, service, _minimal("braze")).status_code == 201
        response = _create(client, service, _minimal("braze"))
    body = _assert_error(response, 409)
    assert "braze" in body["message"]


def test_type_is_not_found_when_the_service_name_is_unknown(service: Service) -> None:
    """GET and PATCH of an unknown service name are 404 with status `not_found`."""
    with service.client() as client:
        got = client.get(f"{BASE}/nothing_here", headers=service.auth)
        patched = client.patch(f"{BASE}/nothing_here", json={"connector": {}}, headers=service.auth)
    for response in (got, patched):
        _assert_error(response, 404, "not_found")


def test_request_is_unauthorized_when_no_token_is_sent(service: Service) -> None:
    """No token is 401 in the Census envelope with `WWW-Authenticate: Bearer`."""
    with service.client() as client:
        response = client.get(BASE)
    _assert_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_body_is_bad_request_when_json_is_malformed(service: Service) -> None:
    """Malformed JSON is 400 in the Census envelope."""
    with service.client() as client:
        response = client.post(
            BASE,
            content=b'{"connector": {',
            headers={**service.auth, "Content-Type": "application/json"},
        )
    _assert_error(response, 400)


def test_body_is_bad_request_when_a_required_member_is_missing(service: Service) -> None:
    """Schema problems are listed in the message, located in the Census body."""
    with service.client() as client:
        response = _create(client, service, {"connector": {"service_name": "braze"}})
    body = _assert_error(response, 400)
    assert "/connector/label: This member is required." in body["message"]


def test_body_is_bad_request_when_service_name_is_sent_in_an_update(service: Service) -> None:
    """`service_name` is fixed at creation: in an update body it is an unknown member."""
    with service.client() as client:
        assert _create(client, service, _minimal("braze")).status_code == 201
        response = client.patch(
            f"{BASE}/braze", json={"connector": {"service_name": "other"}}, headers=service.auth
        )
    body = _assert_error(response, 400)
    assert "/connector/service_name" in body["message"]


def test_path_is_bad_request_when_the_service_name_is_malformed(service: Service) -> None:
    """A service name of the wrong shape is 400, not 404."""
    with service.client() as client:
        response = client.get(f"{BASE}/Not-A-Name", headers=service.auth)
    _assert_error(response, 400)


def test_body_is_unsupported_when_not_sent_as_json(service: Service) -> None:
    """A form body is 415 in the Census envelope."""
    with service.client() as client:
        response = client.post(
            BASE,
            content=json.dumps(_minimal("braze")),
            headers={**service.auth, "Content-Type": "application/x-www-form-urlencoded"},
        )
    _assert_error(response, 415)


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_write_is_unprocessable_when_a_credential_header_is_literal(
    service: Service, method: str
) -> None:
    """A literal `Authorization` value is 422; the message names the header, not the value."""
    literal = "Bearer abc-literal-token"
    template = {"url": "https://example.com", "headers": {"Authorization": literal}}
    with service.client() as client:
        if method == "POST":
            body = _minimal("braze")
            body["connector"]["data"] = template
            response = _create(client, service, body)
        else:
            assert _create(client, service, _minimal("braze")).status_code == 201
            response = client.patch(
                f"{BASE}/braze", json={"connector": {"data": template}}, headers=service.auth
            )
    body = _assert_error(response, 422)
    assert "/connector/data/headers/Authorization" in body["message"]
    assert "abc-literal-token" not in response.text


def test_field_problem_is_located_by_its_key_when_a_definition_breaks_a_rule(
    service: Service,
) -> None:
    """Cross-member rules are 422, reported at the definition's key with Census member names."""
    definition = {
        "port": {"label": "Port", "type": "integer", "secret": True},
        "region": {"label": "Region", "type": "string", "possible_values": ["us"], "default": "eu"},
    }
    body = _minimal("braze")
    body["connector"]["configuration_definition"] = definition
    with service.client() as client:
        response = _create(client, service, body)
    message = _assert_error(response, 422)["message"]
    assert "/connector/configuration_definition/port/secret" in message
    assert "/connector/configuration_definition/region/default" in message


def test_write_is_forbidden_when_the_token_lacks_the_write_scope(
    service: Service, store: Store
) -> None:
    """A read-only token may list but not create: 403 in the Census envelope."""
    _, key = store.create_api_key(
        organization_id=service.organization_id, scopes=["connectors:read"]
    )
    headers = {"Authorization": f"Bearer {key}"}
    with service.client() as client:
        listed = client.get(BASE, headers=headers)
        created = client.post(BASE, json=_minimal("braze"), headers=headers)
    assert listed.status_code == 200, listed.text
    _assert_error(created, 403)


def test_unknown_route_is_not_found_when_under_the_census_prefix(service: Service) -> None:
    """Errors of any path under /api/ use the Census envelope."""
    with service.client() as client:
        missing = client.get("/api/v1/nothing", headers=service.auth)
        not_allowed = client.delete(f"{BASE}/braze", headers=service.auth)
    _assert_error(missing, 404, "not_found")
    _assert_error(not_allowed, 405)
    assert not_allowed.headers["Allow"] == "GET, PATCH"


def test_secrets_never_appear_when_types_are_read_in_any_way(service: Service) -> None:
    """No response of this dialect carries a secret value or a secret default."""
    with service.client() as client:
        assert _create(client, service, _minimal("braze")).status_code == 201
        connector_id = _native_id(client, service, "braze")
        patched = client.patch(
            f"{BASE}/braze",
            content=SEED_REQUEST,
            headers={**service.auth, "Content-Type": "application/json"},
        )
        native = client.patch(
            f"/v1/connectors/{connector_id}",
            json={"data": {"my_id": NATIVE_SECRET}},
            headers=service.auth,
        )
        assert native.status_code == 200, native.text
        relabelled = client.patch(
            f"{BASE}/braze", json={"connector": {"label": "Braze 2"}}, headers=service.auth
        )
        refused = client.patch(
            f"{BASE}/braze",
            json={
                "connector": {
                    "configuration_definition": {"my_id": {"label": "Api Token", "type": "string"}}
                }
            },
            headers=service.auth,
        )
        responses = [
            patched,
            relabelled,
            refused,
            client.get(f"{BASE}/braze", headers=service.auth),
            client.get(BASE, headers=service.auth),
        ]
    # Turning the field that holds a stored secret into a public one is refused.
    _assert_error(refused, 422)
    assert "/connector/configuration_definition/my_id/secret" in refused.json()["message"]
    for response in responses:
        assert NATIVE_SECRET not in response.text
        assert SEED_SECRET not in response.text
