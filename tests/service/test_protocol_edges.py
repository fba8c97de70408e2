"""Protocol edges (#16, findings 5, 9, 10): methods, slashes, numbers, merge patch, contention."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors_service.domain import MASK, SecretRules, merge_patch
from connectors_service.store import Rewrite, Store
from tests.service.conftest import Service
from tests.service.test_supermetrics import collection, team_of

MINIMAL: dict[str, Any] = {"name": "Edge", "provider": "edge", "type": "source"}


def _error_code(dialect: str, body: dict[str, Any]) -> str | None:
    if dialect == "native":
        return str(body["error"]["code"])
    if dialect == "supermetrics":
        return str(body["error"]["code"])
    return None  # Census errors carry a status and a message only


@pytest.mark.parametrize(
    ("dialect", "path", "allow"),
    [
        ("native", "/v1/connectors", "GET, POST"),
        ("native", "/v1/connectors/con_x", "GET, PUT, DELETE, PATCH"),
        ("census", "/api/v1/connectors", "GET, POST"),
        ("supermetrics", "/v1/teams/1/connector_builder/connectors", "GET, POST"),
    ],
)
@pytest.mark.parametrize("method", ["FOO", "HEAD", "TRACE", "OPTIONS"])
def test_undocumented_method_is_405_with_the_documented_allow(
    service: Service, dialect: str, path: str, allow: str, method: str
) -> None:
    """Finding 9: `FOO` got an `Allow` of the methods that are *not* allowed, code BAD_REQUEST."""
    with service.client() as client:
        response = client.request(method, path, headers=service.auth)
    assert response.status_code == 405, response.text
    assert response.headers["Allow"] == allow
    assert response.headers["X-Request-Id"]
    if method != "HEAD":
        code = _error_code(dialect, response.json())
        assert code in (None, "METHOD_NOT_ALLOWED")


def test_concrete_route_wins_over_a_templated_routes_405(service: Service) -> None:
    """POST /v1/connectors/{id}/test is real; `/v1/connectors/{id}` has no POST (405)."""
    with service.client() as client:
        created = client.post("/v1/connectors", json=MINIMAL, headers=service.auth)
        identifier = created.json()["data"]["id"]
        tested = client.post(f"/v1/connectors/{identifier}/test", headers=service.auth)
        refused = client.post(f"/v1/connectors/{identifier}", headers=service.auth)
    # The real route answered (a connector without a template is not testable), not a 405.
    assert tested.status_code == 422, tested.text
    assert tested.json()["error"]["details"][0]["code"] == "NOT_TESTABLE"
    assert refused.status_code == 405


@pytest.mark.parametrize(
    "path", ["/v1/connectors/", "/api/v1/connectors/", "/v1/teams/1/connector_builder/connectors/"]
)
def test_trailing_slash_is_404_and_never_a_redirect(service: Service, path: str) -> None:
    """Finding 9: a 307 whose Location came from the Host header (`http://evil.example/…`)."""
    with service.client() as client:
        response = client.get(
            path, headers={**service.auth, "Host": "evil.example"}, follow_redirects=False
        )
    assert response.status_code == 404, response.text
    assert "Location" not in response.headers
    assert "evil.example" not in response.text


@pytest.mark.parametrize(
    "raw", ['{"x": NaN}', '{"x": Infinity}', '{"x": -Infinity}', '{"x": 1e999}', '{"x": [-1E400]}']
)
def test_non_finite_number_is_400_in_the_native_envelope(service: Service, raw: str) -> None:
    """Finding 5: NaN, Infinity and 1e999 in `data` were a 500 on PostgreSQL."""
    body = json.dumps({**MINIMAL, "data": {"placeholder": 0}}).replace('{"placeholder": 0}', raw)
    with service.client() as client:
        response = client.post(
            "/v1/connectors",
            content=body,
            headers={**service.auth, "Content-Type": "application/json"},
        )
    assert response.status_code == 400, response.text
    detail = response.json()["error"]["details"][0]
    assert detail["code"] == "NON_FINITE_NUMBER"
    assert detail["field"].startswith("/data/x")


def test_non_finite_number_is_400_in_census_and_supermetrics(
    service: Service, store: Store
) -> None:
    census = '{"connector": {"service_name": "nan", "label": "N", "data": {"url": NaN}}}'
    team = team_of(service, store)
    supermetrics = (
        '{"connector": {"name": "N", "description": "d"},'
        ' "configuration": {"configuration_json": {"n": 1e999}}}'
    )
    headers = {**service.auth, "Content-Type": "application/json"}
    with service.client() as client:
        first = client.post("/api/v1/connectors", content=census, headers=headers)
        second = client.post(collection(team), content=supermetrics, headers=headers)
    assert first.status_code == 400, first.text
    assert first.json()["status"] == "error"
    assert second.status_code == 400, second.text
    assert "NON_FINITE" in second.text or second.json()["error"]["code"] == "BAD_REQUEST"


def test_exponent_inside_a_string_is_not_a_number(service: Service) -> None:
    """The fast check only looks; a string that spells `1e999` or `NaN` is text."""
    body = {**MINIMAL, "description": "1e999 NaN Infinity", "data": {"v": "1E400"}}
    with service.client() as client:
        response = client.post("/v1/connectors", json=body, headers=service.auth)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"description": "a\x00b"}, "/description"),
        ({"data": {"k": ["ok", "a\x00b"]}}, "/data/k/1"),
        ({"data": {"k\x00": 1}}, "/data/k\x00"),
    ],
)
def test_nul_character_is_400_at_its_member(
    service: Service, body: dict[str, Any], pointer: str
) -> None:
    """Finding 5: NUL in `description` was a 500 on PostgreSQL."""
    with service.client() as client:
        response = client.post("/v1/connectors", json={**MINIMAL, **body}, headers=service.auth)
    assert response.status_code == 400, response.text
    detail = response.json()["error"]["details"][0]
    assert detail == {
        "field": pointer,
        "code": "NUL_CHARACTER",
        "message": "Text may not hold the NUL character.",
    }


# RFC 7396 Appendix A, every example: (original, patch, result).
RFC_7396_APPENDIX_A: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("original", "patch", "result"), RFC_7396_APPENDIX_A)
def test_merge_patch_gives_rfc_7396_appendix_a(original: Any, patch: Any, result: Any) -> None:
    before = json.dumps(original)
    assert merge_patch(original, patch) == result
    assert json.dumps(original) == before  # the target is not changed in place


_OBJECT_CASES = [case for case in RFC_7396_APPENDIX_A if all(isinstance(v, dict) for v in case)]


@pytest.mark.parametrize(("original", "patch", "result"), _OBJECT_CASES)
def test_patch_of_data_gives_rfc_7396_appendix_a_through_the_api(
    service: Service, original: dict[str, Any], patch: dict[str, Any], result: dict[str, Any]
) -> None:
    with service.client() as client:
        created = client.post(
            "/v1/connectors", json={**MINIMAL, "data": original}, headers=service.auth
        )
        assert created.status_code == 201, created.text
        identifier = created.json()["data"]["id"]
        patched = client.patch(
            f"/v1/connectors/{identifier}",
            json={"data": patch},
            headers={**service.auth, "Content-Type": "application/merge-patch+json"},
        )
    assert patched.status_code == 200, patched.text
    assert patched.json()["data"]["maskedData"] == result


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet="abc", max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), inner, max_size=3)
    ),
    max_leaves=12,
)
_OBJECTS = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), _JSON, max_size=4)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(stored=_OBJECTS, patch=_OBJECTS)
def test_data_patch_is_rfc_7396_when_nothing_is_secret(
    stored: dict[str, Any], patch: dict[str, Any]
) -> None:
    """Without secrets, the secret-aware patch of `data` is exactly RFC 7396."""
    assert SecretRules.from_fields(None).patch(stored, patch) == merge_patch(stored, patch)


def test_http_patch_drops_nulls_inside_a_new_object(service: Service) -> None:
    """Finding 10: nulls inside `http.headers` of a connector without `http` were a 400."""
    patch = {"http": {"url": "https://api.example.com/x", "headers": {"X-A": None, "X-B": "1"}}}
    with service.client() as client:
        created = client.post("/v1/connectors", json=MINIMAL, headers=service.auth)
        identifier = created.json()["data"]["id"]
        patched = client.patch(f"/v1/connectors/{identifier}", json=patch, headers=service.auth)
        removed = client.patch(
            f"/v1/connectors/{identifier}",
            json={"http": {"headers": {"X-B": None}}},
            headers=service.auth,
        )
    assert patched.status_code == 200, patched.text
    assert patched.json()["data"]["http"] == {
        "url": "https://api.example.com/x",
        "headers": {"X-B": "1"},
    }
    assert removed.status_code == 200, removed.text
    assert removed.json()["data"]["http"] == {"url": "https://api.example.com/x", "headers": {}}


def test_http_patch_that_leaves_no_url_is_422_for_the_merged_whole(service: Service) -> None:
    """The merged result is validated as a whole: headers alone make no template. The patch
    met its schema and only what is stored decides, so 422 (DOMAIN.md's 400/422 split)."""
    with service.client() as client:
        created = client.post("/v1/connectors", json=MINIMAL, headers=service.auth)
        identifier = created.json()["data"]["id"]
        patched = client.patch(
            f"/v1/connectors/{identifier}",
            json={"http": {"headers": {"X-B": "1"}}},
            headers=service.auth,
        )
    assert patched.status_code == 422, patched.text
    detail = patched.json()["error"]["details"][0]
    assert (detail["field"], detail["code"]) == ("/http/url", "INVALID_MERGED_TEMPLATE")


def test_secret_rules_patch_keeps_secret_when_masked_inside_a_new_list() -> None:
    rules = SecretRules.from_fields(None)
    stored = {"l": [{"password": "p1"}, {"password": "p2"}]}
    patched = rules.patch(stored, {"l": [{"password": MASK}, {"password": "new"}]})
    assert patched == {"l": [{"password": "p1"}, {"password": "new"}]}


def test_write_that_loses_every_race_is_503_with_retry_after(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 9: PATCH without If-Match under contention gave 503 without Retry-After."""
    with service.client() as client:
        created = client.post("/v1/connectors", json=MINIMAL, headers=service.auth)
        identifier = created.json()["data"]["id"]
        store = service.app.state.services.store
        monkeypatch.setattr(store, "rewrite_connector", lambda *_a, **_k: Rewrite.STALE)
        response = client.patch(
            f"/v1/connectors/{identifier}", json={"name": "Other"}, headers=service.auth
        )
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert int(response.headers["Retry-After"]) >= 1


def test_patch_accepts_null_where_merge_patch_gives_it_meaning(service: Service) -> None:
    """`data: null` deletes every value, `headers: null` every header (RFC 7396 section 2)."""
    body = {
        **MINIMAL,
        "http": {"url": "https://api.example.com/x", "headers": {"X-A": "1"}},
        "data": {"password": "p", "region": "eu"},
    }
    with service.client() as client:
        created = client.post("/v1/connectors", json=body, headers=service.auth)
        identifier = created.json()["data"]["id"]
        patched = client.patch(
            f"/v1/connectors/{identifier}",
            json={"data": None, "http": {"headers": None}},
            headers=service.auth,
        )
    assert patched.status_code == 200, patched.text
    assert patched.json()["data"]["maskedData"] == {}
    assert patched.json()["data"]["authMethod"] == "other"
    assert patched.json()["data"]["http"] == {"url": "https://api.example.com/x"}


def test_deeply_nested_body_is_400_not_500(service: Service) -> None:
    """Nesting past Python's recursion limit, holding a NaN, is refused like any bad body."""
    nested = "[" * 100_000 + "NaN" + "]" * 100_000
    body = json.dumps({**MINIMAL, "data": {"x": 0}}).replace('{"x": 0}', '{"x": ' + nested + "}")
    with service.client() as client:
        response = client.post(
            "/v1/connectors",
            content=body,
            headers={**service.auth, "Content-Type": "application/json"},
        )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "BAD_REQUEST"
