"""Generate from a small inline spec into a temporary folder, import it, run client and server."""

from __future__ import annotations

import asyncio
import importlib
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from oaskit.pipeline import generate_package

SPEC = """
openapi: 3.1.0
info: {title: Notes, version: 1.0.0}
tags: [{name: notes}]
security: [{token: [notes:write]}]
paths:
  /notes:
    post:
      tags: [notes]
      operationId: createNote
      summary: Create a note
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NoteCreate"}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
        "400":
          description: Invalid.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
  /notes/{noteId}:
    get:
      tags: [notes]
      operationId: getNote
      summary: Get a note
      parameters:
        - {name: noteId, in: path, required: true, schema: {type: string, pattern: "^n[0-9]+$"}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        "200":
          description: The note.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
        "404":
          description: Not found.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
  schemas:
    NoteCreate:
      type: object
      additionalProperties: false
      required: [text]
      properties:
        text: {type: string, minLength: 1, maxLength: 20}
        pinned: {type: boolean}
    Note:
      type: object
      required: [id, text, pinned]
      properties:
        id: {type: string}
        text: {type: string}
        pinned: {type: boolean}
        verbose: {type: ["boolean", "null"]}
    Error:
      type: object
      required: [code]
      properties:
        code: {type: string}
        fields: {type: array, items: {type: string}}
"""


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated package `notes_api`, importable for the duration of the module."""
    root = tmp_path_factory.mktemp("generated")
    spec = root / "notes.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    files = generate_package(spec, name="notes", package="notes_api", source="notes.yaml")
    package = root / "notes_api"
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("notes_api")
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == "notes_api" or m.startswith("notes_api.")]:
            del sys.modules[name]


class NotesImplementation:
    """A tiny in-memory implementation of the generated Protocols."""

    def __init__(self, server: Any, models: Any) -> None:
        self.server = server
        self.models = models
        self.notes: dict[str, Any] = {}

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        if request.headers.get("authorization") != "Bearer good":
            raise self.server.ApiError(401, "UNAUTHORIZED", "no")

    def render_error(self, request: Request, error: Any) -> Response:
        fields = [p.field for p in error.problems]
        return JSONResponse(
            {"code": error.code, "fields": fields}, status_code=error.status, headers=error.headers
        )

    async def create_note(self, request: Request, *, body: Any) -> Any:
        note_id = f"n{len(self.notes) + 1}"
        pinned = body.pinned if body.pinned is not self.models.MISSING else False
        self.notes[note_id] = self.models.Note(id=note_id, text=body.text, pinned=pinned)
        return self.server.Reply(
            status=201, body=self.notes[note_id], headers={"Location": f"/notes/{note_id}"}
        )

    async def get_note(self, request: Request, *, note_id: str, verbose: bool | None) -> Any:
        note = self.notes.get(note_id)
        if note is None:
            raise self.server.ApiError(404, "NOT_FOUND", "no such note")
        return self.server.Reply(status=200, body=note.model_copy(update={"verbose": verbose}))


@pytest.fixture(scope="module")
def app(notes: ModuleType) -> Any:
    """The generated FastAPI app over the in-memory implementation."""
    server = importlib.import_module("notes_api.server")
    models = importlib.import_module("notes_api.models")
    return server.create_app(NotesImplementation(server, models))


@pytest.fixture(scope="module")
def base_url(app: Any) -> Iterator[str]:
    """The generated server on a real socket, for the synchronous client."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_sync_client_creates_and_reads_when_server_is_generated(
    notes: ModuleType, base_url: str
) -> None:
    """The sync client sends typed bodies and gets typed models back over HTTP."""
    client_module = importlib.import_module("notes_api.client")
    models = importlib.import_module("notes_api.models")
    with client_module.NotesClient(base_url, token="good") as client:
        created = client.create_note(body=models.NoteCreate(text="hello", pinned=True))
        assert isinstance(created, models.Note)
        assert (created.text, created.pinned) == ("hello", True)
        fetched = client.get_note(created.id, verbose=True)
        assert fetched.id == created.id
        assert fetched.verbose is True


def test_client_raises_typed_error_when_server_refuses(notes: ModuleType, base_url: str) -> None:
    """Documented error responses arrive as ApiResponseError carrying the parsed error model."""
    client_module = importlib.import_module("notes_api.client")
    models = importlib.import_module("notes_api.models")
    with client_module.NotesClient(base_url, token="good") as client:
        with pytest.raises(client_module.ApiResponseError) as missing:
            client.get_note("n999")
        assert missing.value.status_code == 404
        assert isinstance(missing.value.error, models.Error)
        assert missing.value.error.code == "NOT_FOUND"
    with (
        client_module.NotesClient(base_url, token="bad") as client,
        pytest.raises(client_module.ApiResponseError) as denied,
    ):
        client.create_note(body=models.NoteCreate(text="x"))
    assert denied.value.status_code == 401


def test_server_rejects_requests_off_the_spec_when_validating(app: Any) -> None:
    """Unknown members, wrong types, bad path patterns, media types and methods are refused."""

    async def scenario() -> list[tuple[int, Any]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            auth = {"Authorization": "Bearer good"}
            results = []
            for method, path, kwargs in [
                ("POST", "/notes", {"json": {"text": "a", "extra": 1}}),
                ("POST", "/notes", {"json": {"text": 5}}),
                ("POST", "/notes", {"json": {"text": ""}}),
                (
                    "POST",
                    "/notes",
                    {"content": b"{nope", "headers": {"content-type": "application/json"}},
                ),
                ("POST", "/notes", {"content": b"{}", "headers": {"content-type": "text/plain"}}),
                ("GET", "/notes/x1", {}),
                ("DELETE", "/notes/n1", {}),
                ("GET", "/nowhere", {}),
            ]:
                headers = {**auth, **kwargs.pop("headers", {})}
                response = await http.request(method, path, headers=headers, **kwargs)
                results.append((response.status_code, response.json()))
            unauthenticated = await http.post("/notes", json={"text": "a"})
            results.append((unauthenticated.status_code, unauthenticated.json()))
            return results

    results = asyncio.run(scenario())
    assert [status for status, _ in results] == [400, 400, 400, 400, 415, 400, 405, 404, 401]
    assert results[0][1] == {"code": "BAD_REQUEST", "fields": ["/extra"]}
    assert results[1][1] == {"code": "BAD_REQUEST", "fields": ["/text"]}
    assert results[5][1] == {"code": "BAD_REQUEST", "fields": ["path.noteId"]}
    assert results[6][1]["code"] == "METHOD_NOT_ALLOWED"


def test_async_client_round_trips_when_given_an_asgi_transport(notes: ModuleType, app: Any) -> None:
    """The async client, rendered from the same template source, works in process."""
    client_module = importlib.import_module("notes_api.client")
    models = importlib.import_module("notes_api.models")

    async def scenario() -> tuple[Any, Any]:
        transport = httpx.ASGITransport(app=app)
        async with client_module.AsyncNotesClient(
            "http://test", token="good", transport=transport
        ) as client:
            created = await client.create_note(body=models.NoteCreate(text="async"))
            return created, await client.get_note(created.id)

    created, fetched = asyncio.run(scenario())
    assert created.text == fetched.text == "async"
    assert fetched.pinned is False


def test_generated_files_carry_the_header_when_written(tmp_path: Path) -> None:
    """Every generated Python file starts with the DO NOT EDIT line naming its spec."""
    spec = tmp_path / "notes.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    files = generate_package(spec, name="notes", package="notes_api", source="specs/notes.yaml")
    for name, text in files.items():
        if name.endswith(".py"):
            assert (
                text.splitlines()[0]
                == "# Code generated by oaskit from specs/notes.yaml. DO NOT EDIT."
            )


def test_server_answers_protocol_edges_by_rfc_when_generated(app: Any) -> None:
    """Unknown and undocumented methods are 405 with the documented `Allow` (RFC 9110 15.5.6),
    HEAD included where only GET is documented; a trailing slash is 404, never a redirect
    built from `Host`; NaN, Infinity and 1e999 are 400 (RFC 8259 section 6), in any body."""

    async def scenario() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            auth = {"Authorization": "Bearer good", "content-type": "application/json"}
            return [
                await http.request("FOO", "/notes/n1", headers=auth),
                await http.request("HEAD", "/notes/n1", headers=auth),
                await http.request("PUT", "/notes", headers=auth),
                await http.get("/notes/", headers={**auth, "Host": "evil.example"}),
                await http.post("/notes", content=b'{"text": "a", "n": NaN}', headers=auth),
                await http.post("/notes", content=b'{"text": "a", "n": [1e999]}', headers=auth),
                await http.post("/notes", content=b'{"text": "1e999 NaN"}', headers=auth),
            ]

    foo, head, put, slash, nan, huge, text = asyncio.run(scenario())
    assert (foo.status_code, foo.headers["Allow"], foo.json()["code"]) == (
        405,
        "GET",
        "METHOD_NOT_ALLOWED",
    )
    assert (head.status_code, head.headers["Allow"]) == (405, "GET")
    assert (put.status_code, put.headers["Allow"]) == (405, "POST")
    assert slash.status_code == 404
    assert "location" not in slash.headers
    assert (nan.status_code, nan.json()) == (400, {"code": "BAD_REQUEST", "fields": ["/n"]})
    assert (huge.status_code, huge.json()) == (400, {"code": "BAD_REQUEST", "fields": ["/n/0"]})
    assert text.status_code == 201


def test_server_refuses_deeply_nested_bodies_without_a_500_when_generated(app: Any) -> None:
    """Nesting past Python's recursion limit, with a NaN or a float to rewrite, is a 400."""
    deep = b"[" * 100_000 + b"NaN" + b"]" * 100_000
    bodies = [
        b'{"text": "a", "n": ' + deep + b"}",
        b'{"text": 1.0, "n": ' + b"[" * 100_000 + b"1.0" + b"]" * 100_000 + b"}",
    ]

    async def scenario() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            auth = {"Authorization": "Bearer good", "content-type": "application/json"}
            return [await http.post("/notes", content=body, headers=auth) for body in bodies]

    for response in asyncio.run(scenario()):
        assert response.status_code == 400, response.text
