"""The generated async client against the reference service: pages, ETags, typed errors."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from generated.connectors import client as connectors_client
from generated.connectors import models
from tests.service.conftest import Service


def test_iterator_follows_cursor_when_listing_across_pages(service: Service) -> None:
    """iter_list_connectors yields every connector once, in order, across pages of two."""

    async def scenario() -> tuple[list[str], list[str]]:
        transport = httpx.ASGITransport(app=service.app)
        async with connectors_client.AsyncConnectorsClient(
            "http://test", token=service.key, transport=transport
        ) as api:
            created = []
            for index in range(5):
                body = models.ConnectorCreateRequest.model_validate(
                    {"name": f"C{index}", "provider": "braze", "type": "destination"}
                )
                created.append((await api.create_connector(body=body)).data.id)
            listed = [c.id async for c in api.iter_list_connectors(limit=2)]
            return created, listed

    created, listed = asyncio.run(scenario())
    assert listed == created


def test_etag_helper_round_trips_when_updating_with_if_match(service: Service) -> None:
    """client.etag after a read is the If-Match of the next write; a stale one raises 412."""

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=service.app)
        async with connectors_client.AsyncConnectorsClient(
            "http://test", token=service.key, transport=transport
        ) as api:
            body = models.ConnectorCreateRequest.model_validate(
                {"name": "E", "provider": "braze", "type": "destination"}
            )
            connector_id = (await api.create_connector(body=body)).data.id
            await api.get_connector(connector_id)
            stale = api.etag
            rename = models.ConnectorUpdateRequest.model_validate({"name": "E2"})
            updated = await api.update_connector(connector_id, body=rename, if_match=stale)
            assert updated.data.version == 2
            with pytest.raises(connectors_client.PreconditionFailedError):
                await api.update_connector(
                    connector_id,
                    body=models.ConnectorUpdateRequest.model_validate({"name": "E3"}),
                    if_match=stale,
                )

    asyncio.run(scenario())
