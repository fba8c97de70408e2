"""The Supermetrics Connector Builder dialect (seed 001) against the reference service."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from jsonschema import Draft202012Validator

from connectors_service.services import Services
from connectors_service.store import Store
from oaskit.spec import bundle_spec
from tests.service.conftest import Service

SPEC = Path(__file__).resolve().parents[2] / "spec" / "supermetrics" / "openapi.yaml"
# A copy of the design seed, kept with the tests (the original lives outside the repository).
SEED = Path(__file__).resolve().parent / "seeds" / "001_e952fd04d2f8dc10.txt"
MASK = "**********"

# Seed 001's request body, byte for byte as the seed documents it.
SEED_BODY = """{
"connector": {
"name": "Updated Connector Name",
"description": "Updated description for the connector"
},
"configuration": {
"configuration_json": {
"auth": {
"type": "oauth2"
}
}
}
}"""

PIPEDRIVE: dict[str, Any] = {
    "connector": {"name": "Pipedrive CRM", "description": "Deals from Pipedrive."},
    "configuration": {
        "configuration_json": {
            "auth": {"type": "api_key", "api_token": "s3cr3t-value-0001"},
            "base_url": "https://acme.pipedrive.com/api/v1",
        }
    },
}


@pytest.fixture(scope="module")
def error_envelope() -> Draft202012Validator:
    """A validator of the spec's ErrorEnvelope, references resolved within the bundled spec."""
    bundle = bundle_spec(SPEC)
    assert not bundle.problems
    return Draft202012Validator({**bundle.data, "$ref": "#/components/schemas/ErrorEnvelope"})


def team_of(service: Service, store: Store) -> int:
    """The team number of the service's organization, as its key resolves."""
    principal = store.resolve_api_key(service.key)
    assert principal is not None
    return principal.team_number


def collection(team: int) -> str:
    """The path of a team's connectors."""
    return f"/v1/teams/{team}/connector_builder/connectors"


def create(client: TestClient, service: Service, team: int, body: dict[str, Any]) -> str:
    """Create a connector through this dialect and return its identifier."""
    response = client.post(collection(team), json=body, headers=service.auth)
    assert response.status_code == 201, response.text
    identifier = response.json()["connector_identifier"]
    assert isinstance(identifier, str)
    return identifier


def assert_error(
    response: Response, validator: Draft202012Validator, *, status: int, code: str
) -> dict[str, Any]:
    """The response is `status` in the spec's ErrorEnvelope with `code`; returns the body."""
    assert response.status_code == status, response.text
    body = response.json()
    validator.validate(body)
    assert body["error"]["code"] == code
    assert body["meta"]["request_id"] == response.headers["X-Request-Id"]
    assert response.headers["Cache-Control"] == "no-store"
    return body  # type: ignore[no-any-return]


def test_seed_update_succeeds_with_204_when_sent_verbatim(service: Service, store: Store) -> None:
    """The seed's own body, sent as PUT, is 204 without a body; the configuration is replaced."""
    assert SEED_BODY in SEED.read_text(encoding="utf-8")
    team = team_of(service, store)
    before = {
        "connector": {"name": "Billing", "description": None},
        "configuration": {
            "configuration_json": {"auth": {"type": "basic", "username": "reporting"}, "page": 5}
        },
    }
    with service.client() as client:
        identifier = create(client, service, team, before)
        path = f"{collection(team)}/{identifier}"
        headers = {**service.auth, "Content-Type": "application/json"}
        response = client.put(path, content=SEED_BODY.encode(), headers=headers)
        assert response.status_code == 204, response.text
        assert response.content == b""
        assert response.headers["Cache-Control"] == "no-store"
        read = client.get(path, headers=service.auth)
    assert read.status_code == 200, read.text
    connector = read.json()
    assert connector["connector_identifier"] == identifier
    assert connector["team_id"] == team
    assert connector["name"] == "Updated Connector Name"
    assert connector["description"] == "Updated description for the connector"
    assert connector["configuration"] == {"configuration_json": {"auth": {"type": "oauth2"}}}


def test_secret_reads_back_masked_when_configuration_has_a_token(
    service: Service, store: Store
) -> None:
    """A secret-named value is masked in the create response, GET and the list."""
    team = team_of(service, store)
    with service.client() as client:
        response = client.post(collection(team), json=PIPEDRIVE, headers=service.auth)
        assert response.status_code == 201, response.text
        identifier = response.json()["connector_identifier"]
        assert response.headers["Location"] == f"{collection(team)}/{identifier}"
        read = client.get(f"{collection(team)}/{identifier}", headers=service.auth)
        listed = client.get(collection(team), headers=service.auth)
    expected = {
        "auth": {"type": "api_key", "api_token": MASK},
        "base_url": "https://acme.pipedrive.com/api/v1",
    }
    assert response.json()["configuration"]["configuration_json"] == expected
    assert read.json()["configuration"]["configuration_json"] == expected
    assert listed.json()["count"] == 1
    assert listed.json()["connectors"][0]["configuration"]["configuration_json"] == expected
    for text in (response.text, read.text, listed.text):
        assert "s3cr3t-value-0001" not in text


def test_secret_is_kept_when_the_masked_configuration_is_sent_back(
    service: Service, store: Store
) -> None:
    """GET's configuration, edited and sent back with PUT, keeps the stored secret."""
    team = team_of(service, store)
    with service.client() as client:
        identifier = create(client, service, team, PIPEDRIVE)
        path = f"{collection(team)}/{identifier}"
        configuration = client.get(path, headers=service.auth).json()["configuration"]
        configuration["configuration_json"]["base_url"] = "https://eu.pipedrive.com/api/v1"
        response = client.put(path, json={"configuration": configuration}, headers=service.auth)
        assert response.status_code == 204, response.text
        read = client.get(path, headers=service.auth).json()
    assert read["name"] == "Pipedrive CRM"
    assert read["configuration"]["configuration_json"]["auth"]["api_token"] == MASK
    services: Services = service.app.state.services
    stored = store.get_connector(organization_id=service.organization_id, connector_id=identifier)
    assert stored is not None
    # Encrypted at rest, the original value once revealed.
    assert "s3cr3t-value-0001" not in json.dumps(stored.data)
    data = services.reveal(stored).data
    assert data["auth"]["api_token"] == "s3cr3t-value-0001"
    assert data["base_url"] == "https://eu.pipedrive.com/api/v1"


def test_secret_is_kept_when_configuration_leaves_it_out(service: Service, store: Store) -> None:
    """An absent secret key keeps the stored value, while public members are replaced."""
    team = team_of(service, store)
    with service.client() as client:
        identifier = create(client, service, team, PIPEDRIVE)
        path = f"{collection(team)}/{identifier}"
        response = client.put(path, json=json.loads(SEED_BODY), headers=service.auth)
        assert response.status_code == 204, response.text
        read = client.get(path, headers=service.auth).json()
    expected = {"auth": {"type": "oauth2", "api_token": MASK}}
    assert read["configuration"]["configuration_json"] == expected


def test_update_is_422_when_the_mask_is_sent_for_a_secret_not_set(
    service: Service, store: Store, error_envelope: Draft202012Validator
) -> None:
    """The mask on create names the member in `description` and never echoes a value."""
    team = team_of(service, store)
    body = {
        "connector": {"name": "Masked", "description": None},
        "configuration": {"configuration_json": {"auth": {"api_token": MASK}}},
    }
    with service.client() as client:
        response = client.post(collection(team), json=body, headers=service.auth)
    error = assert_error(response, error_envelope, status=422, code="UNPROCESSABLE_ENTITY")
    assert error["error"]["description"].startswith(
        "/configuration/configuration_json/auth/api_token: "
    )


def test_request_is_404_when_team_id_is_another_teams(
    service: Service,
    store: Store,
    new_slug: Callable[[], str],
    error_envelope: Draft202012Validator,
) -> None:
    """Another team's id is 404 in the seed envelope, for the list and for a real connector."""
    team = team_of(service, store)
    other = store.create_organization(slug=new_slug())
    assert other.team_number != team
    with service.client() as client:
        identifier = create(client, service, team, PIPEDRIVE)
        responses = [
            client.get(collection(other.team_number), headers=service.auth),
            client.get(f"{collection(other.team_number)}/{identifier}", headers=service.auth),
            client.put(
                f"{collection(other.team_number)}/{identifier}", json={}, headers=service.auth
            ),
            client.delete(f"{collection(other.team_number)}/{identifier}", headers=service.auth),
        ]
        still_there = client.get(f"{collection(team)}/{identifier}", headers=service.auth)
    for response in responses:
        body = assert_error(response, error_envelope, status=404, code="NOT_FOUND")
        assert set(body["error"]) == {"code", "message"}
    assert still_there.status_code == 200


def test_connector_is_shared_when_created_through_the_other_dialect(
    service: Service, store: Store
) -> None:
    """Created natively it reads here; created here it reads natively, with provider and type."""
    team = team_of(service, store)
    native = {
        "name": "Native one",
        "provider": "acme",
        "type": "destination",
        "data": {"region": "eu"},
    }
    with service.client() as client:
        created = client.post("/v1/connectors", json=native, headers=service.auth)
        assert created.status_code == 201, created.text
        native_id = created.json()["data"]["id"]
        read_here = client.get(f"{collection(team)}/{native_id}", headers=service.auth)
        ours = create(client, service, team, PIPEDRIVE)
        read_natively = client.get(f"/v1/connectors/{ours}", headers=service.auth)
    assert read_here.status_code == 200, read_here.text
    assert read_here.json()["name"] == "Native one"
    assert read_here.json()["configuration"] == {"configuration_json": {"region": "eu"}}
    assert read_natively.status_code == 200, read_natively.text
    data = read_natively.json()["data"]
    assert data["name"] == "Pipedrive CRM"
    assert (data["provider"], data["type"]) == ("supermetrics", "source")
    assert data["maskedData"]["auth"]["api_token"] == MASK


def test_delete_is_404_when_repeated(
    service: Service, store: Store, error_envelope: Draft202012Validator
) -> None:
    """The first DELETE is 204 without a body; the second is 404, and so is a GET."""
    team = team_of(service, store)
    with service.client() as client:
        path = f"{collection(team)}/{create(client, service, team, PIPEDRIVE)}"
        first = client.delete(path, headers=service.auth)
        second = client.delete(path, headers=service.auth)
        read = client.get(path, headers=service.auth)
    assert first.status_code == 204
    assert first.content == b""
    assert_error(second, error_envelope, status=404, code="NOT_FOUND")
    assert_error(read, error_envelope, status=404, code="NOT_FOUND")


def test_request_succeeds_when_the_key_is_sent_as_x_api_key(service: Service, store: Store) -> None:
    """The spec's second scheme, `X-API-Key`, authenticates reads and writes."""
    team = team_of(service, store)
    headers = {"X-API-Key": service.key}
    with service.client() as client:
        created = client.post(collection(team), json=PIPEDRIVE, headers=headers)
        listed = client.get(collection(team), headers=headers)
    assert created.status_code == 201, created.text
    assert listed.status_code == 200, listed.text
    assert listed.json()["count"] == 1


def test_request_is_401_when_unauthenticated(
    service: Service, store: Store, error_envelope: Draft202012Validator
) -> None:
    """No key, an unknown key or an unknown X-API-Key: 401 with `WWW-Authenticate: Bearer`."""
    team = team_of(service, store)
    with service.client() as client:
        responses = [
            client.get(collection(team)),
            client.get(collection(team), headers={"Authorization": "Bearer nope-nope-nope"}),
            client.post(collection(team), json=PIPEDRIVE, headers={"X-API-Key": "nope-nope"}),
        ]
    for response in responses:
        assert_error(response, error_envelope, status=401, code="UNAUTHORIZED")
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_request_is_403_when_the_key_lacks_the_write_scope(
    service: Service, store: Store, error_envelope: Draft202012Validator
) -> None:
    """A read-only key reads, but cannot create."""
    team = team_of(service, store)
    _, key = store.create_api_key(
        organization_id=service.organization_id, scopes=["connectors:read"]
    )
    headers = {"Authorization": f"Bearer {key}"}
    with service.client() as client:
        listed = client.get(collection(team), headers=headers)
        created = client.post(collection(team), json=PIPEDRIVE, headers=headers)
    assert listed.status_code == 200
    assert_error(created, error_envelope, status=403, code="FORBIDDEN")


def test_body_is_400_when_json_is_malformed(
    service: Service, store: Store, error_envelope: Draft202012Validator
) -> None:
    """A body that is not JSON is 400 BAD_REQUEST in the seed envelope."""
    team = team_of(service, store)
    headers = {**service.auth, "Content-Type": "application/json"}
    with service.client() as client:
        response = client.post(collection(team), content=b'{"connector": ', headers=headers)
    assert_error(response, error_envelope, status=400, code="BAD_REQUEST")


def test_body_is_400_when_connector_lacks_its_description(
    service: Service, store: Store, error_envelope: Draft202012Validator
) -> None:
    """`connector` needs both members; the missing one is named in `description`."""
    team = team_of(service, store)
    with service.client() as client:
        identifier = create(client, service, team, PIPEDRIVE)
        response = client.put(
            f"{collection(team)}/{identifier}",
            json={"connector": {"name": "Only a name"}},
            headers=service.auth,
        )
    body = assert_error(response, error_envelope, status=400, code="BAD_REQUEST")
    assert "/connector/description" in body["error"]["description"]


def test_body_is_415_when_the_content_type_is_not_json(
    service: Service, store: Store, error_envelope: Draft202012Validator
) -> None:
    """A JSON body sent as text/plain is 415 UNSUPPORTED_MEDIA_TYPE."""
    team = team_of(service, store)
    headers = {**service.auth, "Content-Type": "text/plain"}
    with service.client() as client:
        response = client.post(collection(team), content=json.dumps(PIPEDRIVE), headers=headers)
    assert_error(response, error_envelope, status=415, code="UNSUPPORTED_MEDIA_TYPE")


def test_configuration_is_413_when_larger_than_64_kib(
    service: Service, store: Store, error_envelope: Draft202012Validator
) -> None:
    """The spec answers an oversized configuration_json with 413, not 422."""
    team = team_of(service, store)
    body = {
        "connector": {"name": "Big", "description": None},
        "configuration": {"configuration_json": {"blob": "x" * (65 * 1024)}},
    }
    with service.client() as client:
        response = client.post(collection(team), json=body, headers=service.auth)
    error = assert_error(response, error_envelope, status=413, code="PAYLOAD_TOO_LARGE")
    assert error["error"]["description"].startswith("/configuration/configuration_json: ")


def test_path_is_400_when_team_id_is_not_an_integer(
    service: Service, error_envelope: Draft202012Validator
) -> None:
    """A malformed path parameter is 400 in the seed envelope, not the native one."""
    with service.client() as client:
        response = client.get(collection(0).replace("/0/", "/abc/"), headers=service.auth)
    body = assert_error(response, error_envelope, status=400, code="BAD_REQUEST")
    assert "path.team_id" in body["error"]["description"]


def test_method_is_405_with_allow_when_not_documented(
    service: Service, store: Store, error_envelope: Draft202012Validator
) -> None:
    """PATCH is not part of this dialect: 405 with `Allow`, in the seed envelope."""
    team = team_of(service, store)
    with service.client() as client:
        response = client.patch(f"{collection(team)}/con_x", json={}, headers=service.auth)
    assert_error(response, error_envelope, status=405, code="METHOD_NOT_ALLOWED")
    assert response.headers["Allow"] == "GET, PUT, DELETE"


def test_list_pages_with_limit_and_offset_when_the_team_has_several(
    service: Service, store: Store
) -> None:
    """`count` is the team's total; pages come oldest first."""
    team = team_of(service, store)
    with service.client() as client:
        ids = [
            create(
                client,
                service,
                team,
                {"connector": {"name": f"C{n}", "description": None}},
            )
            for n in range(3)
        ]
        page = client.get(collection(team), params={"limit": 2, "offset": 1}, headers=service.auth)
    assert page.status_code == 200, page.text
    assert page.json()["count"] == 3
    assert [c["connector_identifier"] for c in page.json()["connectors"]] == ids[1:]


def test_update_keeps_version_when_nothing_changes(service: Service, store: Store) -> None:
    """`{}` is a valid no-op: 204, and the stored version stays."""
    team = team_of(service, store)
    with service.client() as client:
        identifier = create(client, service, team, PIPEDRIVE)
        response = client.put(f"{collection(team)}/{identifier}", json={}, headers=service.auth)
    assert response.status_code == 204
    stored = store.get_connector(organization_id=service.organization_id, connector_id=identifier)
    assert stored is not None
    assert stored.version == 1


def test_connector_is_404_when_it_belongs_to_another_organization(
    service: Service,
    store: Store,
    new_slug: Callable[[], str],
    error_envelope: Draft202012Validator,
) -> None:
    """The caller's own team id with another organization's connector id is not found."""
    team = team_of(service, store)
    other = store.create_organization(slug=new_slug())
    _, other_key = store.create_api_key(organization_id=other.id)
    with service.client() as client:
        created = client.post(
            collection(other.team_number),
            json=PIPEDRIVE,
            headers={"Authorization": f"Bearer {other_key}"},
        )
        assert created.status_code == 201, created.text
        identifier = created.json()["connector_identifier"]
        response = client.get(f"{collection(team)}/{identifier}", headers=service.auth)
    assert_error(response, error_envelope, status=404, code="NOT_FOUND")


def test_unknown_route_is_404_in_the_seed_envelope_when_under_teams(
    service: Service, error_envelope: Draft202012Validator
) -> None:
    """Paths under `/v1/teams/` belong to this dialect, even those no operation serves."""
    with service.client() as client:
        response = client.get("/v1/teams/1/connector_builder/other", headers=service.auth)
    assert_error(response, error_envelope, status=404, code="NOT_FOUND")
