"""Credentials per security requirement, non-string headers and cookie names, in process.

A package is generated from an inline spec, its server runs over a recording implementation and
its async client talks to it through an ASGI transport: the server sees exactly what each
operation's security requirement asks for (OAS 3.1 4.8.30), header parameters that are not
strings in `style: simple` (4.8.12.4), and cookies whose names are not RFC 6265 tokens.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from tests.functional._importable import generated_package

PACKAGE = "secured_api"
SEEN = {
    "200": {
        "description": "What the server saw.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def _get(operation_id: str, security: list[dict[str, list[str]]] | None, **extra: Any) -> Any:
    operation: dict[str, Any] = {"operationId": operation_id, "responses": SEEN, **extra}
    if security is not None:
        operation["security"] = security
    return {"get": operation}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Secured", "version": "1"},
    "security": [{"bearer": []}],
    "paths": {
        "/query": _get("byQuery", [{"queryKey": []}]),
        "/cookie": _get(
            "byCookie",
            [{"sessionCookie": []}],
            parameters=[{"name": "theme", "in": "cookie", "schema": {"type": "string"}}],
        ),
        "/two-headers": _get("byTwoHeaders", [{"tenantKey": [], "userKey": []}]),
        "/basic": _get("byBasic", [{"basic": []}]),
        "/bearer": _get("byBearer", None),
        "/either": _get("byEither", [{"bearer": []}, {"basic": []}]),
        "/oauth": _get("byOauth", [{"oauth": ["read"]}, {"oidc": []}]),
        "/public": _get("public", []),
        "/headers": _get(
            "echoHeaders",
            [],
            parameters=[
                {"name": "X-Count", "in": "header", "schema": {"type": "integer"}},
                {"name": "X-Ratio", "in": "header", "schema": {"type": "number"}},
                {"name": "X-Flag", "in": "header", "schema": {"type": "boolean"}},
                {
                    "name": "X-Tags",
                    "in": "header",
                    "schema": {"type": "array", "items": {"type": "string"}},
                },
                {
                    "name": "X-Sizes",
                    "in": "header",
                    "schema": {"type": "array", "items": {"type": "integer"}},
                },
                {"name": "a b;c=d", "in": "cookie", "schema": {"type": "string"}},
                {"name": "on", "in": "cookie", "schema": {"type": "boolean"}},
            ],
        ),
    },
    "components": {
        "securitySchemes": {
            "queryKey": {"type": "apiKey", "in": "query", "name": "api_key"},
            "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session id"},
            "tenantKey": {"type": "apiKey", "in": "header", "name": "X-Tenant-Key"},
            "userKey": {"type": "apiKey", "in": "header", "name": "X-User-Key"},
            "basic": {"type": "http", "scheme": "basic"},
            "bearer": {"type": "http", "scheme": "bearer"},
            "oauth": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "https://auth.test/token",
                        "scopes": {"read": "Read."},
                    }
                },
            },
            "oidc": {
                "type": "openIdConnect",
                "openIdConnectUrl": "https://auth.test/.well-known/openid-configuration",
            },
            "mtls": {"type": "mutualTLS"},
        }
    },
}

# Every place a credential of SPEC can arrive.
_CREDENTIAL_HEADERS = ("authorization", "x-tenant-key", "x-user-key")


class Recorder:
    """Admits every request and answers with the credentials and parameters it arrived with."""

    def __init__(self, server: ModuleType) -> None:
        self.server = server
        self.schemes: list[str] = []

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        self.schemes.append(scheme)

    def render_error(self, request: Request, error: Any) -> Response:
        return JSONResponse({"code": error.code}, status_code=error.status)

    def _seen(self, request: Request, **parameters: Any) -> Any:
        headers = {k: request.headers[k] for k in _CREDENTIAL_HEADERS if k in request.headers}
        seen = {
            "headers": headers,
            "query": dict(request.query_params),
            "cookies": dict(request.cookies),
            "parameters": parameters,
        }
        return self.server.Reply(status=200, body=seen)

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        # One handler for every operation: the generated router calls it by operation name.
        async def handler(request: Request, **parameters: Any) -> Any:
            return self._seen(request, **parameters)

        return handler


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, Any]]:
    """The generated client module and the app over a Recorder."""
    root = tmp_path_factory.mktemp("secured")
    with generated_package(root, SPEC, name="secured", package=PACKAGE):
        server = importlib.import_module(f"{PACKAGE}.server")
        client = importlib.import_module(f"{PACKAGE}.client")
        yield client, server.create_app(Recorder(server))


def _call(
    secured: tuple[ModuleType, Any], operation: str, /, *args: Any, **options: Any
) -> dict[str, Any]:
    module, app = secured
    parameters = options.pop("parameters", {})

    async def scenario() -> dict[str, Any]:
        async with module.AsyncSecuredClient(
            "http://test", transport=httpx.ASGITransport(app=app), **options
        ) as client:
            result: dict[str, Any] = await getattr(client, operation)(*args, **parameters)
            return result

    return asyncio.run(scenario())


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def everything(secured: tuple[ModuleType, Any]) -> Any:
    """Credentials for every scheme SPEC declares."""
    return secured[0].Credentials(
        query_key="q-key",
        session_cookie="s-key",
        tenant_key="t-key",
        user_key="u-key",
        basic=("ann", "pw:1"),
        bearer="b-token",
        oauth="o-token",
        oidc="i-token",
    )


@pytest.mark.parametrize(
    ("operation", "headers", "query", "cookies"),
    [
        ("by_query", {}, {"api_key": "q-key"}, {}),
        ("by_cookie", {}, {}, {"session%20id": "s-key"}),
        ("by_two_headers", {"x-tenant-key": "t-key", "x-user-key": "u-key"}, {}, {}),
        ("by_basic", {"authorization": _basic("ann", "pw:1")}, {}, {}),
        ("by_bearer", {"authorization": "Bearer b-token"}, {}, {}),
        ("by_either", {"authorization": "Bearer b-token"}, {}, {}),
        ("by_oauth", {"authorization": "Bearer o-token"}, {}, {}),
        ("public", {}, {}, {}),
    ],
)
def test_server_receives_exactly_the_credentials_the_operation_requires_when_all_are_given(
    secured: tuple[ModuleType, Any],
    everything: Any,
    operation: str,
    headers: dict[str, str],
    query: dict[str, str],
    cookies: dict[str, str],
) -> None:
    seen = _call(secured, operation, credentials=everything)

    assert (seen["headers"], seen["query"], seen["cookies"]) == (headers, query, cookies)


def test_cookie_credential_joins_cookie_parameters_when_both_are_sent(
    secured: tuple[ModuleType, Any], everything: Any
) -> None:
    seen = _call(secured, "by_cookie", credentials=everything, parameters={"theme": "dark"})

    assert seen["cookies"] == {"theme": "dark", "session%20id": "s-key"}
    assert seen["parameters"] == {"theme": "dark"}


def test_next_alternative_is_sent_when_the_first_lacks_a_credential(
    secured: tuple[ModuleType, Any],
) -> None:
    credentials = secured[0].Credentials(basic=("ann", "pw"), oidc="i-token")

    either = _call(secured, "by_either", credentials=credentials)
    oauth = _call(secured, "by_oauth", credentials=credentials)

    assert either["headers"] == {"authorization": _basic("ann", "pw")}
    assert oauth["headers"] == {"authorization": "Bearer i-token"}


def test_nothing_is_sent_when_an_alternative_is_only_partly_given(
    secured: tuple[ModuleType, Any],
) -> None:
    credentials = secured[0].Credentials(tenant_key="t-key", bearer="b-token")

    seen = _call(secured, "by_two_headers", credentials=credentials)

    assert seen["headers"] == {}


def test_token_keyword_stands_for_every_bearer_style_scheme_when_given(
    secured: tuple[ModuleType, Any],
) -> None:
    bearer = _call(secured, "by_bearer", token="legacy")
    oauth = _call(secured, "by_oauth", token="legacy")
    public = _call(secured, "public", token="legacy")

    assert bearer["headers"] == oauth["headers"] == {"authorization": "Bearer legacy"}
    assert public["headers"] == {}


def test_api_key_keyword_fills_the_header_scheme_of_its_name_when_declared(
    secured: tuple[ModuleType, Any],
) -> None:
    credentials = secured[0].Credentials(user_key="u-key")

    seen = _call(secured, "by_two_headers", credentials=credentials, api_key=("x-tenant-key", "t"))

    assert seen["headers"] == {"x-tenant-key": "t", "x-user-key": "u-key"}


def test_credentials_never_show_when_printed(secured: tuple[ModuleType, Any]) -> None:
    credentials = secured[0].Credentials(bearer="secret-token", basic=("ann", "secret-pw"))

    assert "secret" not in repr(credentials)


def test_basic_user_id_with_a_colon_is_refused_when_sent(secured: tuple[ModuleType, Any]) -> None:
    credentials = secured[0].Credentials(basic=("a:b", "pw"))

    with pytest.raises(ValueError, match="colon"):
        _call(secured, "by_basic", credentials=credentials)


def test_non_string_header_and_cookie_parameters_round_trip_when_sent(
    secured: tuple[ModuleType, Any],
) -> None:
    sent = {
        "x_count": 3,
        "x_ratio": 0.5,
        "x_flag": False,
        "x_tags": ["a", "b c"],
        "x_sizes": [1, 2],
        "a_b_c_d": "x;y=z",
        "on": True,
    }

    seen = _call(secured, "echo_headers", parameters=sent)

    assert seen["parameters"] == sent
    assert seen["cookies"] == {"a%20b%3Bc%3Dd": "x%3By%3Dz", "on": "true"}


def test_client_module_has_no_credential_field_for_mutual_tls(
    secured: tuple[ModuleType, Any],
) -> None:
    fields = secured[0].Credentials.__dataclass_fields__

    assert "mtls" not in fields
    assert list(fields) == [
        "query_key",
        "session_cookie",
        "tenant_key",
        "user_key",
        "basic",
        "bearer",
        "oauth",
        "oidc",
    ]


def _validating_spec(*statuses: str) -> dict[str, Any]:
    body = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}
    responses: dict[str, Any] = {"204": {"description": "Done."}}
    responses.update({status: {"description": "Invalid."} for status in statuses})
    return {
        "openapi": "3.1.0",
        "info": {"title": "Checked", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "addThing",
                    "parameters": [{"name": "n", "in": "query", "schema": {"type": "integer"}}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    },
                    "responses": responses,
                }
            }
        },
        "components": {"schemas": {"Thing": body}},
    }


class Accepting:
    """Admits everything; refuses nothing itself."""

    def __init__(self, server: ModuleType) -> None:
        self.server = server

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        return None

    def render_error(self, request: Request, error: Any) -> Response:
        return JSONResponse({"code": error.code}, status_code=error.status)

    async def add_thing(self, request: Request, *, n: int | None, body: Any) -> Any:
        return self.server.Reply(status=204)


def _statuses(root: Path, spec: dict[str, Any], **options: Any) -> list[tuple[int, str]]:
    with generated_package(root, spec, name="checked", package="checked_api", **options):
        server = importlib.import_module("checked_api.server")
        app = server.create_app(Accepting(server))

        async def scenario() -> list[tuple[int, str]]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                found = []
                for params, content in [
                    ({}, b'{"n": "x"}'),
                    ({}, b"{nope"),
                    ({}, b""),
                    ({"n": "x"}, b'{"n": 1}'),
                    ({}, b'{"n": 1}'),
                ]:
                    response = await http.post(
                        "/things",
                        params=params,
                        content=content,
                        headers={"Content-Type": "application/json"},
                    )
                    code = response.json()["code"] if response.content else ""
                    found.append((response.status_code, code))
                return found

        return asyncio.run(scenario())


@pytest.mark.parametrize(
    ("documented", "options", "status"),
    [
        (("422",), {}, 422),
        (("400",), {}, 400),
        (("400", "422"), {}, 400),
        ((), {}, 400),
        (("400",), {"validation_status": "422"}, 422),
        (("422",), {"validation_status": "400"}, 400),
    ],
)
def test_invalid_request_gets_the_documented_validation_status_when_served(
    tmp_path: Path, documented: tuple[str, ...], options: dict[str, str], status: int
) -> None:
    code = "UNPROCESSABLE_CONTENT" if status == 422 else "BAD_REQUEST"

    found = _statuses(tmp_path, _validating_spec(*documented), **options)

    assert found == [(status, code)] * 4 + [(204, "")]
