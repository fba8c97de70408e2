"""U+0000 in text: valid JSON that no store keeps (PostgreSQL refuses it), so never a 500.

A body holding it is 400 `NUL_CHARACTER` at its member (DOMAIN.md, Robustness), in every
dialect; a lookup by a name or id holding it finds nothing, as for any name never stored. Run on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import copy
from typing import Any

from connectors_service.store import Rewrite, Store
from tests.service.conftest import Service
from tests.service.test_native import BRAZE
from tests.service.test_supermetrics import PIPEDRIVE, collection, create, team_of


def test_native_create_is_400_at_the_member_when_text_holds_nul(service: Service) -> None:
    body: dict[str, Any] = copy.deepcopy(BRAZE)
    body["data"]["instance_url"] = "https://x\x00.example"

    with service.client() as client:
        response = client.post("/v1/connectors", json=body, headers=service.auth)

    assert response.status_code == 400, response.text
    assert "NUL_CHARACTER" in response.text
    assert "/data/instance_url" in response.text


def test_store_lookups_find_nothing_when_a_name_or_filter_holds_nul(
    service: Service, store: Store
) -> None:
    organization = store.resolve_api_key(service.key)
    assert organization is not None
    org = organization.organization_id

    def refuse(record: Any) -> Any:
        raise AssertionError("no connector can be read by such a name")

    assert store.get_connector(organization_id=org, connector_id="con\x00") is None
    assert store.get_connector_by_service_name(organization_id=org, service_name="a\x00") is None
    assert store.delete_connector(organization_id=org, connector_id="con\x00") is False
    assert store.list_connectors(organization_id=org, limit=5, provider="\x00") == []
    assert (
        store.rewrite_connector(refuse, organization_id=org, service_name="a\x00")
        is Rewrite.NOT_FOUND
    )


def test_supermetrics_create_and_update_are_400_when_configuration_holds_nul(
    service: Service, store: Store
) -> None:
    team = team_of(service, store)
    body: dict[str, Any] = copy.deepcopy(PIPEDRIVE)
    body["configuration"]["configuration_json"]["base_url"] = "https://a\x00.example"

    with service.client() as client:
        created = client.post(collection(team), json=body, headers=service.auth)
        identifier = create(client, service, team, PIPEDRIVE)
        path = f"{collection(team)}/{identifier}"
        updated = client.put(
            path,
            json={"configuration": {"configuration_json": {"k\x00": "v"}}},
            headers=service.auth,
        )

    assert created.status_code == 400, created.text
    assert "NUL_CHARACTER" in created.text or "NUL character" in created.text
    assert updated.status_code == 400, updated.text
