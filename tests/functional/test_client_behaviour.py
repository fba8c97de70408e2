"""The generated client's retries, typed errors and ETag helper, against a scripted transport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from generated.connectors import client as connectors_client
from generated.connectors import models
from generated.connectors._runtime import client as connectors_runtime

CONNECTOR = {
    "id": "con_01JD8X4Z5T3V9B2C7N6M0QWERT",
    "organizationId": "org_1",
    "name": "Braze",
    "description": None,
    "provider": "braze",
    "type": "destination",
    "serviceName": None,
    "iconUrl": None,
    "fields": None,
    "http": None,
    "maskedData": {},
    "authMethod": "other",
    "documentationSlug": "braze",
    "creatableViaApi": True,
    "creatableViaConnectLink": True,
    "version": 3,
    "createdAt": "2026-11-23T09:14:02.117Z",
    "createdBy": "prn_1",
    "updatedAt": "2026-11-23T09:14:02.117Z",
    "updatedBy": "prn_1",
}
ENVELOPE = {"code": 200, "message": "success", "data": CONNECTOR, "requestId": "req_0123456789"}
ERROR = {
    "meta": {"request_id": "req_0123456789"},
    "error": {"code": "TOO_MANY_REQUESTS", "message": "Slow down."},
}


def _scripted(responses: list[httpx.Response], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    return httpx.MockTransport(handle)


def _json(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
    )


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the client waited, instead of waiting them."""
    recorded: list[float] = []
    monkeypatch.setattr(connectors_runtime.time, "sleep", recorded.append)
    return recorded


def _client(transport: httpx.MockTransport) -> connectors_client.ConnectorsClient:
    return connectors_client.ConnectorsClient(
        "http://api.test", token="k", transport=transport, retries=2
    )


def test_get_is_retried_when_server_answers_429_with_retry_after(sleeps: list[float]) -> None:
    """An idempotent request waits Retry-After seconds and tries again."""
    seen: list[httpx.Request] = []
    busy = _json(429, ERROR, **{"Retry-After": "3"})
    with _client(_scripted([busy, busy, _json(200, ENVELOPE, ETag='"3"')], seen)) as client:
        envelope = client.get_connector("con_01JD8X4Z5T3V9B2C7N6M0QWERT")
        assert isinstance(envelope, models.ConnectorEnvelope)
        assert client.etag == '"3"'
    assert len(seen) == 3
    assert sleeps == [3.0, 3.0]


def test_post_is_not_retried_when_it_has_no_idempotency_key(sleeps: list[float]) -> None:
    """A create without Idempotency-Key is not safe to repeat: the 429 is raised at once."""
    seen: list[httpx.Request] = []
    body = models.ConnectorCreateRequest.model_validate(
        {"name": "B", "provider": "b", "type": "destination"}
    )
    transport = _scripted([_json(429, ERROR, **{"Retry-After": "1"})], seen)
    with (
        _client(transport) as client,
        pytest.raises(connectors_client.TooManyRequestsError) as raised,
    ):
        client.create_connector(body=body)
    assert len(seen) == 1
    assert raised.value.request_id is None
    assert isinstance(raised.value.error, models.ErrorEnvelope)
    assert raised.value.error.error.code == "TOO_MANY_REQUESTS"


def test_post_is_retried_when_it_carries_an_idempotency_key(sleeps: list[float]) -> None:
    """With an Idempotency-Key the server deduplicates, so the client may retry a 503."""
    seen: list[httpx.Request] = []
    created = _json(201, {**ENVELOPE, "code": 201})
    body = models.ConnectorCreateRequest.model_validate(
        {"name": "B", "provider": "b", "type": "destination"}
    )
    with _client(_scripted([_json(503, ERROR), created], seen)) as client:
        client.create_connector(body=body, idempotency_key="create-b-1")
    assert [r.headers["Idempotency-Key"] for r in seen] == ["create-b-1", "create-b-1"]
    assert sleeps == [0.5]  # no Retry-After: exponential backoff from 0.5 s


def test_error_status_raises_its_own_class_when_documented(sleeps: list[float]) -> None:
    """404 raises NotFoundError (an ApiResponseError) with the parsed envelope and request id."""
    seen: list[httpx.Request] = []
    missing = _json(
        404,
        {**ERROR, "error": {"code": "NOT_FOUND", "message": "No."}},
        **{"X-Request-Id": "req_abcdefgh"},
    )
    with (
        _client(_scripted([missing], seen)) as client,
        pytest.raises(connectors_client.NotFoundError) as raised,
    ):
        client.get_connector("con_x")
    assert isinstance(raised.value, connectors_client.ApiResponseError)
    assert raised.value.status_code == 404
    assert raised.value.request_id == "req_abcdefgh"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), ("", 0.5), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("9999", 60.0)],
)
def test_retry_delay_follows_retry_after_when_given_in_either_form(
    header: str, expected: float
) -> None:
    """Delta seconds or an HTTP date (past → 0); capped at 60 s; absent → backoff."""
    response = httpx.Response(429, headers={"Retry-After": header} if header else {})
    delay: Callable[..., float] = connectors_runtime.retry_delay
    assert delay(response, attempt=0, backoff=0.5) == expected
