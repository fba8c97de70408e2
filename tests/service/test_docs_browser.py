"""The docs pages as a real browser renders them, with every route off this machine cut.

Chromium runs with a proxy that is a socket of the test's own: every request for another
host goes to it (Chromium bypasses a proxy only for loopback), and it records what it was
asked for and answers nothing. Each browser first proves the cut works (a request for an
outside host reaches the sink); after the test the sink must have seen no other host than
Chromium's own services. What the page itself asks for is checked exactly: a route guard
refuses and records every request not addressed to the service, and every request the page
made is listed.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    Route,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from connectors_service.docs import SPEC_NAMES
from tests.service.conftest import Service
from tests.service.test_docs import TRAVERSALS

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs a headless browser: chromium (Debian package `chromium`)"
)
AUTH_REQUIRED = "Authentication is required."
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Chromium's own background traffic, never the page's: Debian's build checks its components
# (update.googleapis.com) and the profile's Google accounts (accounts.google.com) whatever
# Playwright's switches say. The page's requests are checked URL by URL by the route guard.
CHROMIUM_SERVICE_DOMAINS = ("google.com", "googleapis.com", "gstatic.com")
# Generous: only keeps a wedged browser or server from hanging the suite.
TIMEOUT_MS = 60_000
START_LIMIT_SECONDS = 30


class Sink:
    """A proxy that answers nothing: it records each request line it is sent, then hangs up."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def seen(self) -> list[str]:
        """The request lines received so far."""
        with self._lock:
            return list(self.requests)

    def foreign(self) -> list[str]:
        """The request lines for hosts other than Chromium's own services."""
        return [line for line in self.seen() if not _is_chromium_service(_target_host(line))]

    def clear(self) -> None:
        """Forget what was received."""
        with self._lock:
            self.requests.clear()

    def close(self) -> None:
        """Stop listening."""
        # Closing alone would leave the thread blocked in accept(); shutting down wakes it.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                try:
                    line = connection.recv(4096).split(b"\r\n", 1)[0]
                except OSError:
                    line = b"(no request line)"
                with self._lock:
                    self.requests.append(line.decode("latin-1"))


@dataclass
class Watch:
    """What one page did: requests, refused requests, console errors, uncaught errors."""

    origin: str
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        """Guard and record everything `page` does from now on."""
        page.route("**/*", self._guard)
        page.on("request", lambda request: self.requests.append((request.url, request.headers)))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _guard(self, route: Route) -> None:
        if route.request.url.startswith(f"{self.origin}/"):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort("blockedbyclient")

    def _console(self, message: ConsoleMessage) -> None:
        # A refused script, style, image or fetch (CSP included) is logged as an error.
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def origin(service: Service) -> Iterator[str]:
    """The service under test, served by uvicorn on a free loopback port."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(service.app, lifespan="off", log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_LIMIT_SECONDS
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped before it started"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=START_LIMIT_SECONDS)
    listener.close()


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    """The only way off this machine the browser has."""
    proxy = Sink()
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver; it runs Debian's Chromium, never a browser of its own."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright, sink: Sink) -> Iterator[Browser]:
    """Headless Chromium whose every non-loopback request goes to `sink`, proven so."""
    assert CHROMIUM is not None
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM,
        # Playwright adds --no-sandbox (tests run as root in containers, where the sandbox
        # cannot start) and turns off Chromium's background networking.
        args=[f"--proxy-server=http://127.0.0.1:{sink.port}"],
        timeout=TIMEOUT_MS,
    )
    _prove_the_cut(chromium, sink)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser, origin: str, sink: Sink) -> Iterator[tuple[Page, Watch]]:
    """A fresh page, watched; after the test, nothing left the machine or errored."""
    sink.clear()
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    watch = Watch(origin)
    watch.attach(tab)
    yield tab, watch
    context.close()
    assert sink.foreign() == []
    assert watch.refused == []
    assert [url for url, _ in watch.requests if not url.startswith(f"{origin}/")] == []


def _prove_the_cut(chromium: Browser, sink: Sink) -> None:
    # A page with no guard asks for an outside host: the request must reach the sink, or the
    # empty sink at the end of a test would prove nothing.
    context = chromium.new_context()
    try:
        probe = context.new_page()
        with pytest.raises(PlaywrightError):
            probe.goto("http://docs-probe.invalid/", timeout=TIMEOUT_MS)
    finally:
        context.close()
    assert "docs-probe.invalid" in {_target_host(line) for line in sink.seen()}, sink.seen()
    sink.clear()


def _target_host(request_line: str) -> str:
    # `CONNECT host:443 HTTP/1.1` for https, `GET http://host/path HTTP/1.1` for http
    # (RFC 9112 3.2.3 and 3.2.2).
    parts = request_line.split(" ")
    if len(parts) < 2:
        return ""
    target = parts[1]
    if parts[0] == "CONNECT":
        return target.rsplit(":", 1)[0]
    return urlsplit(target).hostname or ""


def _is_chromium_service(host: str) -> bool:
    return any(host == domain or host.endswith(f".{domain}") for domain in CHROMIUM_SERVICE_DOMAINS)


def _operations(origin: str, name: str) -> set[tuple[str, str, str]]:
    document = httpx.get(f"{origin}/openapi/{name}.json").json()
    return {
        (method.upper(), path, operation.get("summary", ""))
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def _rendered_operations(page: Page) -> set[tuple[str, str, str]]:
    rendered: list[tuple[str, str, str]] = page.locator(".opblock").evaluate_all(
        """blocks => blocks.map(block => [
            block.querySelector('.opblock-summary-method').textContent.trim(),
            block.querySelector('.opblock-summary-path').getAttribute('data-path'),
            (block.querySelector('.opblock-summary-description') || {textContent: ''})
                .textContent.trim(),
        ])"""
    )
    return {(method, path, summary) for method, path, summary in rendered}


def _open_ui(page: Page, origin: str, name: str) -> None:
    page.goto(f"{origin}/docs/{name}")
    page.locator(".opblock").first.wait_for()


@needs_chromium
def test_index_links_every_dialect_when_rendered(page: tuple[Page, Watch], origin: str) -> None:
    tab, watch = page
    tab.goto(f"{origin}/docs")

    for name in SPEC_NAMES:
        for href in (f"docs/{name}", f"openapi/{name}.json", f"openapi/{name}.yaml"):
            assert tab.locator(f'a[href="{href}"]').count() == 1, href
    tab.locator('a[href="docs/connectors"]').click()
    tab.wait_for_url(f"{origin}/docs/connectors")
    tab.locator(".opblock").first.wait_for()
    assert watch.errors == []


@needs_chromium
@pytest.mark.parametrize("name", SPEC_NAMES)
def test_ui_lists_every_operation_when_rendered_offline(
    page: tuple[Page, Watch], origin: str, name: str
) -> None:
    tab, watch = page
    expected = _operations(origin, name)

    _open_ui(tab, origin, name)

    assert len(expected) > 1
    assert _rendered_operations(tab) == expected
    # "Try it out" is aimed at this service, whatever the document's `servers` name.
    assert tab.locator(".servers select option").all_inner_texts() == [f"{origin} - This service"]
    loaded = [url.removeprefix(origin) for url, _ in watch.requests]
    assert "/docs/assets/swagger-ui-bundle.js" in loaded
    assert f"/openapi/{name}.json" in loaded
    assert watch.errors == []


@needs_chromium
def test_try_it_out_reaches_this_service_when_authorized(
    page: tuple[Page, Watch], origin: str, service: Service
) -> None:
    tab, watch = page
    _open_ui(tab, origin, "connectors")

    tab.locator("button.authorize").first.click()
    tab.locator(".modal-ux #auth-bearer-value").fill(service.key)
    tab.locator(".modal-ux .auth-btn-wrapper button.authorize").click()
    tab.locator(".modal-ux button.btn-done").click()
    operation = tab.locator("#operations-connectors-listConnectors")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    status.wait_for()

    assert status.inner_text().strip() == "200"
    shown = _shown_response(operation)
    assert shown["body"]["code"] == 200
    assert shown["body"]["requestId"] == shown["headers"]["x-request-id"]
    sent = [
        (url, headers)
        for url, headers in watch.requests
        if url.startswith(f"{origin}/v1/connectors")
    ]
    assert len(sent) == 1
    assert sent[0][1]["authorization"] == f"Bearer {service.key}"
    assert operation.locator(".request-url pre").inner_text().startswith(f"{origin}/v1/connectors")
    assert watch.errors == []


@needs_chromium
@pytest.mark.parametrize(
    ("name", "envelope"),
    [
        # Each dialect's own 401 body, as its spec documents it.
        ("census", lambda body, _: body == {"status": "error", "message": AUTH_REQUIRED}),
        (
            "supermetrics",
            lambda body, request_id: (
                body["meta"]["request_id"] == request_id and body["error"]["code"] == "UNAUTHORIZED"
            ),
        ),
    ],
)
def test_try_it_out_shows_the_dialects_401_when_not_authorized(
    page: tuple[Page, Watch],
    origin: str,
    name: str,
    envelope: Callable[[Any, str], bool],
) -> None:
    tab, watch = page
    _open_ui(tab, origin, name)

    operation = tab.locator("#operations-connectors-listConnectors")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    status.wait_for()

    assert status.inner_text().strip() == "401"
    shown = _shown_response(operation)
    assert envelope(shown["body"], shown["headers"]["x-request-id"]), shown
    # RFC 6750 3: this service's 401, not one from anywhere else.
    assert shown["headers"]["www-authenticate"] == "Bearer"
    assert [url for url, _ in watch.requests if "/connectors" in url][-1].startswith(f"{origin}/")
    # The browser logs the 401 itself; nothing else may have gone wrong.
    assert [error for error in watch.errors if "status of 401" not in error] == []


def _shown_response(operation: Locator) -> dict[str, Any]:
    """The live response as the page shows it: its JSON body and its headers."""
    details = operation.locator(".live-responses-table tbody .response-col_description")
    body = json.loads(details.locator(".highlight-code pre").first.inner_text())
    headers = {}
    for line in details.locator(".headerline").all_inner_texts():
        name, _, value = line.strip().partition(":")
        headers[name.strip().lower()] = value.strip()
    return {"body": body, "headers": headers}


@pytest.mark.parametrize("raw_path", TRAVERSALS)
def test_traversal_is_refused_when_sent_raw_to_the_server(origin: str, raw_path: str) -> None:
    # http.client sends the path as given: no dot segment is removed, nothing re-encoded.
    connection = http.client.HTTPConnection(urlsplit(origin).netloc, timeout=30)
    try:
        connection.request("GET", raw_path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()

    assert response.status == 404, raw_path
    assert b"root:" not in body
    envelope = json.loads(body)
    assert envelope["meta"]["request_id"] == response.getheader("x-request-id")


@pytest.mark.parametrize("path", ["/openapi/connectors.yaml", "/docs/census"])
def test_head_has_no_body_when_sent_to_the_server(origin: str, path: str) -> None:
    connection = http.client.HTTPConnection(urlsplit(origin).netloc, timeout=30)
    try:
        connection.request("HEAD", path)
        head = connection.getresponse()
        head_body = head.read()
        # The same connection stays usable: the server sent no body after the headers.
        connection.request("GET", path)
        got = connection.getresponse()
        got_body = got.read()
    finally:
        connection.close()

    assert head.status == 200
    assert head_body == b""
    assert head.getheader("content-length") == str(len(got_body))
    assert head.getheader("etag") == got.getheader("etag")
