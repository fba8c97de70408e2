"""`oaskit fuzz` sends requests to the URL under test and nowhere else (STYLE.md rule 16).

A spec names a second server at every place schemathesis could reach from (an example's
`externalValue`, a link's `operationRef`, `servers` at three levels, a callback, a `$ref` in an
extension), the target redirects to it, and the proxy variables point at it. That second
server is a bare socket that counts the connections it accepts: it must count none.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import Body, FastAPI
from fastapi.responses import RedirectResponse
from schemathesis.core.jsonschema import resolver

from oaskit.fuzz import FuzzOptions, FuzzUsageError, format_report, run_fuzz
from oaskit.fuzz._guard import OffOriginRequestError, RetrievalRefusedError, confined
from oaskit.fuzz._offline import withhold_remote
from oaskit.spec import bundle_spec
from tests.fuzz.items_api import serve

SEED = 7
# The run only has to reach every operation once per phase; the listener's count is the point.
MAX_EXAMPLES = 3
# What a connection to the listener sends first when a test marks the end of its traffic.
SENTINEL = b"SENTINEL\r\n"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")


class Listener:
    """A TCP socket on 127.0.0.1 that accepts connections and keeps each one's first line."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.connections: list[bytes] = []
        self._sentinel_seen = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def seen(self) -> list[bytes]:
        """First lines of the connections accepted before this call, the sentinel's left out.

        The listener accepts in the order connections arrive, so once it has read a sentinel
        sent now, it has accepted every connection made before: no waiting on a clock.
        """
        self._sentinel_seen.clear()
        with socket.create_connection(self._socket.getsockname()) as probe:
            probe.sendall(SENTINEL)
            assert self._sentinel_seen.wait(timeout=30), "the listener stopped accepting"
        return list(self.connections)

    def close(self) -> None:
        """Stop accepting and wait for the accepting thread to end."""
        # `close` alone leaves a thread blocked in `accept`; `shutdown` wakes it (EINVAL).
        self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()
        self._thread.join(timeout=30)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                try:
                    first = connection.recv(4096).split(b"\n", 1)[0].strip()
                except OSError:
                    first = b""
                if first == SENTINEL.strip():
                    self._sentinel_seen.set()
                    continue
                self.connections.append(first)
                # An answer, so that a leak would look like success to whoever sent it.
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"
                )


@pytest.fixture
def listener() -> Iterator[Listener]:
    """The second server: nothing may reach it."""
    listener = Listener()
    try:
        yield listener
    finally:
        listener.close()


def hostile_spec(elsewhere: str, *, extension_ref: bool = False) -> str:
    """A valid OAS 3.1 spec whose every outward-pointing field names `elsewhere`."""
    # An extension is literal data to the bundler, yet schemathesis' registry follows a `$ref`
    # in it.
    extension = (
        f"\n                x-origin:\n                  $ref: {elsewhere}/extension"
        if extension_ref
        else ""
    )
    return f"""\
openapi: 3.1.0
info:
  title: Things
  version: "1"
servers:
  - url: {elsewhere}/global
paths:
  /things:
    servers:
      - url: {elsewhere}/path-level
    post:
      operationId: createThing
      servers:
        - url: {elsewhere}/operation-level
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
            examples:
              inline:
                externalValue: {elsewhere}/inline-example
              shared:
                $ref: "#/components/examples/Shared"
      callbacks:
        onCreated:
          "{elsewhere}/callback":
            post:
              responses:
                "200":
                  description: Received
      responses:
        "201":
          description: Created
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
                  id:
                    type: integer
          links:
            Remote:
              operationRef: "{elsewhere}/openapi.json#/paths/~1things~1{{id}}/get"
              parameters:
                id: $response.body#/id
            Local:
              operationId: readThing
              parameters:
                id: $response.body#/id
        "422":
          description: Not an object
  /things/{{id}}:
    get:
      operationId: readThing
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: integer
      responses:
        "200":
          description: The thing
          content:
            application/json:
              schema:
                type: object{extension}
        "422":
          description: Not an integer
  /moved:
    get:
      operationId: moved
      responses:
        "200":
          description: Never sent; the server redirects elsewhere
components:
  examples:
    Shared:
      externalValue: {elsewhere}/shared-example
"""


def build_target(elsewhere: str) -> FastAPI:
    """The server under test: answers every operation, and redirects `/moved` to `elsewhere`."""
    app = FastAPI()

    @app.post("/things", status_code=201)
    def create_thing(body: dict[str, Any] = Body()) -> dict[str, int]:  # noqa: B008 - FastAPI's idiom
        return {"id": 1}

    @app.get("/things/{id}")
    def read_thing(id: int) -> dict[str, int]:
        return {"id": id}

    @app.get("/moved")
    def moved() -> RedirectResponse:
        return RedirectResponse(f"{elsewhere}/redirected", status_code=307)

    return app


def line_of(text: str, needle: str) -> int:
    """The 1-based line of `text` holding `needle`, which must occur once."""
    lines = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def test_contacts_only_url_when_cli_fuzzes_a_spec_pointing_elsewhere(
    tmp_path: Path, listener: Listener
) -> None:
    spec = hostile_spec(listener.url)
    (tmp_path / "openapi.yaml").write_text(spec, encoding="utf-8")
    oaskit = shutil.which("oaskit", path=str(Path(sys.executable).parent))
    assert oaskit is not None
    env = {name: value for name, value in os.environ.items() if name.lower() != "no_proxy"}
    # A proxy is another host too: were these read, every request would reach the listener.
    env.update(dict.fromkeys(PROXY_VARIABLES, listener.url))
    env["NO_COLOR"] = "1"

    with serve(build_target(listener.url)) as url:
        result = subprocess.run(
            [
                oaskit,
                "fuzz",
                "--spec",
                "openapi.yaml",
                "--url",
                url,
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                str(SEED),
                # The redirect is undocumented on purpose (a documented one is never followed);
                # the status checks would fail the run for it.
                "--checks",
                "not_a_server_error",
                "--junit",
                "report.xml",
                "--html",
                "report.html",
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert listener.seen() == []
    # What was not fetched is a note, not a failure.
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "3 items not fetched (requests go only to http://127.0.0.1:" in out
    inline = line_of(spec, "/inline-example")
    shared = line_of(spec, "/shared-example")
    remote = line_of(spec, "/openapi.json#")
    assert (
        f"openapi.yaml:{inline}:32: example 'inline': externalValue {listener.url}/inline-example"
        " (not fetched; the example was left out)" in out
    )
    assert (
        f"openapi.yaml:{shared}:22: example 'Shared': externalValue {listener.url}/shared-example"
        " (not fetched; the example was left out)" in out
    )
    assert (
        f"openapi.yaml:{remote}:29: link 'Remote': operationRef"
        f" {listener.url}/openapi.json#/paths/~1things~1{{id}}/get"
        " (not fetched; the link was left out)" in out
    )
    # The redirect reached the report as the answer it is; its target was never asked.
    moved = next(line for line in out.splitlines() if line.startswith("GET /moved"))
    header = out.splitlines()[0].split()
    # The label takes two cells ("GET /moved"), the header's one ("operation").
    assert moved.split()[header.index("307") + 1] != "-", out
    properties = ET.parse(tmp_path / "report.xml").getroot().iter("property")
    noted = [item.get("value") for item in properties if item.get("name") == "not_fetched"]
    assert len(noted) == 3
    assert all(f"{item}" in out for item in noted)
    assert "<h3>3 items not fetched</h3>" in (tmp_path / "report.html").read_text("utf-8")
    verdict = out.rstrip().splitlines()[-1]
    assert re.fullmatch(
        rf"fuzz: 0 failures, 3 not fetched, \d+ cases, 3 operations, seed {SEED}", verdict
    ), verdict


def test_contacts_nothing_when_app_runs_in_process(tmp_path: Path, listener: Listener) -> None:
    spec = hostile_spec(listener.url, extension_ref=True)
    path = tmp_path / "openapi.yaml"
    path.write_text(spec, encoding="utf-8")
    options = FuzzOptions(
        path,
        max_examples=MAX_EXAMPLES,
        seed=SEED,
        checks=("not_a_server_error", "response_schema_conformance"),
    )

    report = run_fuzz(options, app=build_target(listener.url))

    assert listener.seen() == []
    extension = line_of(spec, "/extension")
    # The temporary folder is not below the working directory, so its path is shown whole.
    assert f"{path}:{extension}:25: $ref {listener.url}/extension (not fetched)" in (
        report.withheld
    )
    assert len(report.withheld) == 4, report.withheld
    # A schema that cannot be resolved switches response validation off for its operation;
    # that fails the run, as any unresolvable reference does.
    assert not report.ok
    assert report.errors == (
        f"GET /things/{{id}}: response `200` - unresolvable reference `{listener.url}/extension`",
    ), format_report(report)


def test_refuses_spec_before_any_request_when_a_reference_is_remote(
    tmp_path: Path, listener: Listener
) -> None:
    indent = " " * 14
    spec = hostile_spec(listener.url).replace(
        f"{indent}type: object\n            examples:",
        f"{indent}$ref: {listener.url}/schema.json\n            examples:",
    )
    assert f"$ref: {listener.url}/schema.json" in spec
    path = tmp_path / "openapi.yaml"
    path.write_text(spec, encoding="utf-8")

    with pytest.raises(FuzzUsageError, match=r"^cannot load spec "):
        run_fuzz(FuzzOptions(path, max_examples=1), app=build_target(listener.url))

    assert listener.seen() == []


def test_withholds_only_what_would_be_fetched_when_examples_and_links_vary(
    tmp_path: Path,
) -> None:
    listed = [{"externalValue": "https://example.org/listed"}]
    operation = {
        "operationId": "make",
        "requestBody": {
            "content": {
                "application/json": {
                    # JSON Schema's `examples` lists literal values; nothing in it is fetched.
                    "schema": {"type": "object", "examples": listed},
                    "examples": {
                        # `value` wins over `externalValue`; nothing would be fetched.
                        "both": {"value": {"a": 1}, "externalValue": "https://example.org/b"},
                        # Without `value`, schemathesis would send the rest as the example.
                        "described": {
                            "summary": "big",
                            "externalValue": "https://example.org/big",
                        },
                    },
                }
            }
        },
        "responses": {
            "200": {
                "description": "ok",
                "links": {
                    "Here": {"operationRef": "#/paths/~1make/post"},
                    "Shared": {"$ref": "#/components/links/Away"},
                },
            }
        },
    }
    path = tmp_path / "openapi.json"
    path.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "paths": {"/make": {"post": operation}},
                "components": {
                    "links": {"Away": {"operationRef": "https://example.org/api.json#/paths"}}
                },
            }
        ),
        encoding="utf-8",
    )

    spec, withheld = withhold_remote(bundle_spec(path))

    content = spec["paths"]["/make"]["post"]["requestBody"]["content"]["application/json"]
    assert content["schema"]["examples"] == listed
    assert content["examples"] == {
        "both": {"value": {"a": 1}, "externalValue": "https://example.org/b"},
        "described": {},
    }
    links = spec["paths"]["/make"]["post"]["responses"]["200"]["links"]
    assert links == {"Here": {"operationRef": "#/paths/~1make/post"}}
    assert spec["components"]["links"] == {}
    assert [item.what for item in withheld] == [
        "example 'described': externalValue https://example.org/big",
        "link 'Away': operationRef https://example.org/api.json#/paths",
    ]


def test_refuses_request_when_origin_differs_from_url(listener: Listener) -> None:
    with serve(build_target(listener.url)) as url:
        with confined(url) as confinement:
            with pytest.raises(OffOriginRequestError, match=r"refused GET http://\S+/elsewhere$"):
                requests.get(f"{listener.url}/elsewhere", timeout=30)
            # Same host, another port: another origin (RFC 6454 section 4).
            answered = requests.get(f"{url}/things/5", timeout=30)
        # Outside a run the guard is gone, which is what makes the refusal above its doing.
        leaked = requests.get(f"{listener.url}/after", timeout=30)

    assert answered.json() == {"id": 5}
    assert confinement.refused == [f"GET {listener.url}/elsewhere"]
    assert leaked.status_code == 200
    assert listener.seen() == [b"GET /after HTTP/1.1"]


def test_ignores_proxy_variables_when_run_is_confined(
    listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    for name in PROXY_VARIABLES:
        monkeypatch.setenv(name, listener.url)

    with serve(build_target(listener.url)) as url, confined(url):
        answered = requests.get(f"{url}/things/3", timeout=30)

    assert answered.json() == {"id": 3}
    assert listener.seen() == []


def test_refuses_every_request_when_app_runs_in_process(listener: Listener) -> None:
    with confined(None) as confinement, pytest.raises(OffOriginRequestError):
        requests.get(f"{listener.url}/anything", timeout=30)

    assert confinement.refused == [f"GET {listener.url}/anything"]
    assert listener.seen() == []


def test_refuses_retrieval_when_registry_asks_for_a_document(listener: Listener) -> None:
    with confined(None) as confinement, pytest.raises(RetrievalRefusedError):
        resolver.retrieve(f"{listener.url}/schema.json")

    assert confinement.refused == [f"retrieve {listener.url}/schema.json"]
    assert listener.seen() == []
