"""The service's own specs and docs pages, through the test client: routes, media types,
caching, the error envelope, and refusal of every path that is not a known file."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from importlib import resources
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Route
from starlette.types import Message

from connectors_service.docs import SPEC_NAMES
from tests.service.conftest import MakeApp, Service

FORMATS = {"json": "application/json", "yaml": "application/yaml"}
SPEC_URLS = [f"/openapi/{name}.{ext}" for name in SPEC_NAMES for ext in FORMATS]
PAGE_URLS = ["/docs", *(f"/docs/{name}" for name in SPEC_NAMES)]
ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "docs.js": "text/javascript; charset=utf-8",
    "docs.css": "text/css; charset=utf-8",
}
# Each as the server receives it, undecoded; none may reach a file outside the allow-list.
TRAVERSALS = [
    "/docs/assets/../../etc/passwd",
    "/docs/assets/..%2F..%2F..%2Fetc%2Fpasswd",
    "/docs/assets/%2e%2e/%2e%2e/etc/passwd",
    "/docs/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/docs/assets/..%5C..%5Cetc%5Cpasswd",
    "/docs/assets/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "/docs/assets/..",
    "/docs/assets/%2e%2e",
    "/docs/assets//etc/passwd",
    "/docs/assets/docs.js%00",
    "/docs/assets/./docs.js",
    "/docs/assets/static%2Fdocs.js",
    "/docs/assets/__init__.py",
    "/docs/assets/_assets.py",
    "/docs/..%2F..%2Fetc%2Fpasswd",
    "/docs/../../etc/passwd",
    "/openapi/..%2F..%2Fetc%2Fpasswd.json",
    "/openapi/..%2Fconnectors%2Fopenapi.json",
    "/openapi/../connectors/openapi.json",
]


@pytest.fixture
def client(service: Service) -> TestClient:
    """A client without an API key: the docs are public."""
    return service.client()


def _bundled(name: str) -> bytes:
    return resources.files(f"generated.{name}").joinpath("openapi.json").read_bytes()


def _assert_envelope_404(status: int, headers: Any, body: bytes) -> None:
    assert status == 404
    assert headers["content-type"] == "application/json"
    envelope = json.loads(body)
    assert envelope["error"]["code"] == "NOT_FOUND"
    assert envelope["meta"]["request_id"] == headers["x-request-id"]
    assert b"root:" not in body


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_json_spec_is_the_bundled_file_when_fetched(client: TestClient, name: str) -> None:
    response = client.get(f"/openapi/{name}.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == _bundled(name)
    assert response.json()["openapi"].startswith("3.1")


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_yaml_spec_is_the_same_document_when_parsed(client: TestClient, name: str) -> None:
    response = client.get(f"/openapi/{name}.yaml")

    assert response.status_code == 200
    # RFC 9512 2.1.
    assert response.headers["content-type"] == "application/yaml"
    document = yaml.safe_load(response.content)
    assert document == json.loads(_bundled(name))
    # Key order is the JSON's, so the YAML reads in the same order.
    assert list(document) == list(json.loads(_bundled(name)))


@pytest.mark.parametrize("url", SPEC_URLS + PAGE_URLS + [f"/docs/assets/{a}" for a in ASSET_TYPES])
def test_caching_headers_are_set_when_any_docs_resource_is_fetched(
    client: TestClient, url: str
) -> None:
    response = client.get(url)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    etag = response.headers["etag"]
    # RFC 9110 8.8.3: a strong entity tag is a quoted string.
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert len(etag) > 2
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]
    assert client.get(url).headers["etag"] == etag


@pytest.mark.parametrize("url", SPEC_URLS + PAGE_URLS + ["/docs/assets/docs.js"])
def test_conditional_get_is_304_when_the_etag_matches(client: TestClient, url: str) -> None:
    etag = client.get(url).headers["etag"]

    for condition in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get(url, headers={"If-None-Match": condition})
        assert response.status_code == 304, condition
        assert response.content == b""
        # RFC 9110 15.4.5: what a 200 would have said about caching.
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == "no-cache"
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("url", SPEC_URLS + PAGE_URLS + ["/docs/assets/swagger-ui.css"])
def test_head_has_the_get_headers_and_no_body_when_sent(client: TestClient, url: str) -> None:
    got = client.get(url)
    head = client.head(url)

    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    for name in ("content-type", "etag", "cache-control", "x-content-type-options"):
        assert head.headers[name] == got.headers[name]
    assert head.headers.get("content-security-policy") == got.headers.get("content-security-policy")


@pytest.mark.parametrize(
    "url",
    [
        "/openapi/nope.json",
        "/openapi/nope.yaml",
        "/openapi/connectors.yml",
        "/openapi/connectors",
        "/docs/nope",
        "/docs/assets/nope.js",
        "/docs/assets/swagger-ui-bundle.js.map",
        "/docs/",
    ],
)
def test_unknown_name_is_404_in_the_native_envelope_when_requested(
    client: TestClient, url: str
) -> None:
    response = client.get(url)

    _assert_envelope_404(response.status_code, response.headers, response.content)


@pytest.mark.parametrize("raw_path", TRAVERSALS)
def test_traversal_is_refused_when_the_path_leaves_the_assets(
    service: Service, raw_path: str
) -> None:
    # Sent below any HTTP client, which would normalise `..` away before sending; the scope
    # is what uvicorn builds: `path` percent-decoded, `raw_path` as received.
    status, headers, body = asyncio.run(_call(service.app, raw_path))

    _assert_envelope_404(status, headers, body)


def test_docs_are_served_without_a_key_when_the_rate_limit_is_spent(make_app: MakeApp) -> None:
    client = TestClient(make_app(rate_limit_per_minute=1), raise_server_exceptions=False)
    client.get("/v1/connectors")
    assert client.get("/v1/connectors").status_code == 401

    for url in SPEC_URLS + PAGE_URLS + ["/docs/assets/docs.js"]:
        assert client.get(url).status_code == 200, url


def test_dialect_routes_share_no_prefix_with_the_docs_when_mounted(service: Service) -> None:
    routes = list(_routes(service.app.routes))
    docs = {
        route.path for route in routes if route.endpoint.__module__ == "connectors_service.docs"
    }
    others = {route.path for route in routes} - docs

    assert docs == {
        "/openapi/{name}.json",
        "/openapi/{name}.yaml",
        "/docs",
        "/docs/assets/{file}",
        "/docs/{name}",
    }
    assert others
    assert [path for path in others if path.startswith(("/openapi", "/docs"))] == []
    for spec in SPEC_NAMES:
        paths = json.loads(_bundled(spec))["paths"]
        assert [path for path in paths if path.startswith(("/openapi", "/docs"))] == []


def _routes(routes: Iterable[BaseRoute]) -> Iterator[Route]:
    # FastAPI 0.16x keeps an included router whole, as one route holding it; no router is
    # included with a prefix, so each route's own path is the one it answers.
    for route in routes:
        inner = getattr(route, "original_router", None)
        if isinstance(inner, APIRouter):
            yield from _routes(inner.routes)
        elif isinstance(route, Route):
            yield route


class _Page(HTMLParser):
    """Every tag with its attributes, and the text of each script element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.mark.parametrize("url", PAGE_URLS)
def test_pages_are_html_under_a_strict_policy_when_served(client: TestClient, url: str) -> None:
    response = client.get(url)

    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    page = _parse(response.text)
    # No inline script, style or handler: the policy would refuse them anyway.
    assert page.script_text == []
    assert [tag for tag, _ in page.tags if tag == "style"] == []
    assert [
        (tag, name)
        for tag, attrs in page.tags
        for name in attrs
        if name == "style" or name.startswith("on")
    ] == []


@pytest.mark.parametrize("url", PAGE_URLS)
def test_every_page_reference_is_served_here_when_followed(client: TestClient, url: str) -> None:
    page = _parse(client.get(url).text)
    base = f"http://testserver{url}"
    references = [
        value
        for _, attrs in page.tags
        for name, value in attrs.items()
        if name in {"src", "href", "data-spec-url"} and value is not None
    ]

    assert references
    for reference in references:
        target = urlsplit(urljoin(base, reference))
        # Relative, and resolving to this server: no CDN, no other origin.
        assert not urlsplit(reference).scheme, reference
        assert not urlsplit(reference).netloc, reference
        assert target.netloc == "testserver"
        assert client.get(target.path).status_code == 200, (url, reference)


def test_index_links_every_dialect_when_served(client: TestClient) -> None:
    page = _parse(client.get("/docs").text)
    links = {attrs.get("href") for tag, attrs in page.tags if tag == "a"}

    for name in SPEC_NAMES:
        assert {f"docs/{name}", f"openapi/{name}.json", f"openapi/{name}.yaml"} <= links


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_ui_page_loads_swagger_ui_and_the_spec_when_served(client: TestClient, name: str) -> None:
    page = _parse(client.get(f"/docs/{name}").text)
    scripts = [attrs.get("src") for tag, attrs in page.tags if tag == "script"]
    roots = [attrs for _, attrs in page.tags if attrs.get("id") == "swagger-ui"]

    assert scripts == ["assets/swagger-ui-bundle.js", "assets/docs.js"]
    assert len(roots) == 1
    assert urljoin(f"http://testserver/docs/{name}", roots[0]["data-spec-url"] or "") == (
        f"http://testserver/openapi/{name}.json"
    )


@pytest.mark.parametrize(("name", "media_type"), ASSET_TYPES.items())
def test_asset_has_its_media_type_when_served(
    client: TestClient, name: str, media_type: str
) -> None:
    response = client.get(f"/docs/assets/{name}")

    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.content


def test_swagger_ui_is_the_packaged_file_when_served(client: TestClient) -> None:
    packaged = resources.files("fastapi_swagger.resources").joinpath("swagger-ui-bundle.js")

    assert client.get("/docs/assets/swagger-ui-bundle.js").content == packaged.read_bytes()


async def _call(app: FastAPI, raw_path: str) -> tuple[int, dict[str, str], bytes]:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "root_path": "",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("ascii"),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in start["headers"]}
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return start["status"], headers, body
