"""Every secret masked on every read path of every dialect, at any depth (#16, findings 1-3).

Each test sends secrets, reads them back through every path that shows configuration (the
write's own response, the single read, the list, an idempotent replay) and asserts that no
plaintext and no sealed token is in any response, and that GET → edit → send back keeps them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from connectors_service.domain import MASK, SecretRules
from connectors_service.store import Store
from tests.service.conftest import Service
from tests.service.test_supermetrics import collection, team_of

SEALED = '"$sealed"'
DEEP_SECRET = "hunter2-deep-list"
LISTED_TOKEN = "tok-in-a-list-1"
TOP_SECRET = "brz_live_top_5ecret"

NATIVE: dict[str, Any] = {
    "name": "Deep",
    "provider": "deep",
    "type": "source",
    "fields": [
        {"id": "api_key", "label": "API key", "type": "string", "secret": True},
        {"id": "region", "label": "Region", "type": "string"},
    ],
    "data": {
        "api_key": TOP_SECRET,
        "region": "eu",
        "l": [[{"password": DEEP_SECRET, "user": "ops"}]],
        "api_tokens": [LISTED_TOKEN, "tok-in-a-list-2"],
    },
}
MASKED = {
    "api_key": MASK,
    "region": "eu",
    "l": [[{"password": MASK, "user": "ops"}]],
    "api_tokens": [MASK, MASK],
}
PLAINTEXTS = (TOP_SECRET, DEEP_SECRET, LISTED_TOKEN, "tok-in-a-list-2")


def _assert_clean(response_text: str) -> None:
    for plaintext in PLAINTEXTS:
        assert plaintext not in response_text
    assert SEALED not in response_text


def _native(client: TestClient, service: Service) -> tuple[dict[str, Any], list[str]]:
    created = client.post(
        "/v1/connectors", json=NATIVE, headers={**service.auth, "Idempotency-Key": "deep-1"}
    )
    assert created.status_code == 201, created.text
    connector = created.json()["data"]
    texts = [created.text]
    replay = client.post(
        "/v1/connectors", json=NATIVE, headers={**service.auth, "Idempotency-Key": "deep-1"}
    )
    assert replay.headers.get("Idempotent-Replayed") == "true"
    texts.append(replay.text)
    single = client.get(f"/v1/connectors/{connector['id']}", headers=service.auth)
    listed = client.get("/v1/connectors", headers=service.auth)
    texts += [single.text, listed.text]
    return connector, texts


def test_native_masks_every_secret_on_every_read_path(service: Service) -> None:
    """Findings 1 and 2: the list showed ciphertext; secrets in lists of lists came back."""
    with service.client() as client:
        connector, texts = _native(client, service)
        listed = client.get("/v1/connectors", headers=service.auth).json()["data"]["items"]
        single = client.get(f"/v1/connectors/{connector['id']}", headers=service.auth)
    for text in texts:
        _assert_clean(text)
    assert connector["maskedData"] == MASKED
    assert listed[0]["maskedData"] == MASKED
    assert listed[0]["authMethod"] == "credentials"
    # The list item is the single read of the same connector.
    assert listed[0] == single.json()["data"]


def test_native_round_trip_keeps_every_secret_when_masked_data_is_sent_back(
    service: Service, store: Store
) -> None:
    """Finding 3: GET, send `maskedData` back as `data`: no secret changes, at any depth."""
    with service.client() as client:
        connector, _ = _native(client, service)
        back = client.put(
            f"/v1/connectors/{connector['id']}",
            json={"data": connector["maskedData"]},
            headers=service.auth,
        )
        patched = client.patch(
            f"/v1/connectors/{connector['id']}",
            json={"data": {"l": [[{"password": MASK, "user": "root"}]]}},
            headers=service.auth,
        )
    assert back.status_code == 200, back.text
    # Nothing changed, so the version stays (DOMAIN.md: a no-op keeps version and ETag).
    assert back.json()["data"]["version"] == connector["version"]
    assert patched.status_code == 200, patched.text
    record = store.get_connector(
        organization_id=service.organization_id, connector_id=connector["id"]
    )
    assert record is not None
    data = service.app.state.services.reveal(record).data
    assert data["api_key"] == TOP_SECRET
    assert data["api_tokens"] == [LISTED_TOKEN, "tok-in-a-list-2"]
    assert data["l"] == [[{"password": DEEP_SECRET, "user": "root"}]]
    # At rest, every one of them is sealed: the same walk decides sealing and masking.
    rest = json.dumps(record.data)
    for plaintext in PLAINTEXTS:
        assert plaintext not in rest


@pytest.mark.parametrize(
    "data",
    [
        {"l": [[{"password": MASK}]]},
        {"api_tokens": [MASK]},
        {"nested": {"deeper": [{"secret": MASK}]}},
    ],
)
def test_mask_where_nothing_is_stored_is_secret_not_set_at_any_depth(
    service: Service, data: dict[str, Any]
) -> None:
    """Finding 3: a mask inside a list was accepted on create (201)."""
    body = {"name": "M", "provider": "m", "type": "source", "data": data}
    with service.client() as client:
        response = client.post("/v1/connectors", json=body, headers=service.auth)
    assert response.status_code == 422, response.text
    details = response.json()["error"]["details"]
    assert [d["code"] for d in details] == ["SECRET_NOT_SET"]
    assert details[0]["field"].startswith("/data/")


def test_sealed_shaped_member_in_data_is_refused(service: Service) -> None:
    """`{"$sealed": …}` is how a secret rests; a configuration may not smuggle one in."""
    body = {"name": "S", "provider": "s", "type": "source", "data": {"x": {"$sealed": "v1.k.AA"}}}
    with service.client() as client:
        response = client.post("/v1/connectors", json=body, headers=service.auth)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0] == {
        "field": "/data/x/$sealed",
        "code": "RESERVED_MEMBER",
        "message": "$sealed is reserved for sealed secrets.",
    }


def test_supermetrics_masks_secrets_in_lists_of_lists_on_every_path(
    service: Service, store: Store
) -> None:
    """Finding 2 in Supermetrics' `configuration_json`: create, GET and list."""
    team = team_of(service, store)
    body = {
        "connector": {"name": "Deep", "description": "Lists of lists."},
        "configuration": {"configuration_json": {"l": [[{"password": DEEP_SECRET}]]}},
    }
    with service.client() as client:
        created = client.post(collection(team), json=body, headers=service.auth)
        assert created.status_code == 201, created.text
        identifier = created.json()["connector_identifier"]
        single = client.get(f"{collection(team)}/{identifier}", headers=service.auth)
        listed = client.get(collection(team), headers=service.auth)
    expected = {"l": [[{"password": MASK}]]}
    for response in (created, single):
        _assert_clean(response.text)
        assert response.json()["configuration"]["configuration_json"] == expected
    _assert_clean(listed.text)
    assert listed.json()["connectors"][0]["configuration"]["configuration_json"] == expected


def test_census_list_and_get_never_show_a_secret_default(service: Service) -> None:
    """A secret field's default is itself a secret: masked on the single read and the list."""
    body = {
        "connector": {
            "service_name": "deep",
            "label": "Deep",
            "configuration_definition": {
                "api_key": {
                    "id": "api_key",
                    "label": "API key",
                    "type": "string",
                    "secret": True,
                    "default": TOP_SECRET,
                }
            },
        }
    }
    with service.client() as client:
        created = client.post("/api/v1/connectors", json=body, headers=service.auth)
        assert created.status_code in (200, 201), created.text
        single = client.get("/api/v1/connectors/deep", headers=service.auth)
        listed = client.get("/api/v1/connectors", headers=service.auth)
    for response in (created, single, listed):
        _assert_clean(response.text)


def test_mask_treats_a_value_still_sealed_as_a_set_secret() -> None:
    """A read path that forgot to open a record shows the mask, never the token."""
    rules = SecretRules.from_fields(None)
    masked = rules.mask({"anything": {"$sealed": "v1.abc.AAAA"}, "plain": "x"})
    assert masked == {"anything": MASK, "plain": "x"}
    assert rules.has_secrets({"anything": {"$sealed": "v1.abc.AAAA"}})


def test_unset_secret_is_left_out_and_non_string_secret_names_are_values() -> None:
    rules = SecretRules.from_fields([{"id": "key", "secret": True, "type": "string"}])
    assert rules.mask({"key": "", "token_count": 3, "password": None}) == {
        "token_count": 3,
        "password": None,
    }
