"""A tiny notes API whose success paths need state: a tenant id, fresh keys and current tags.

- Notes live under `/teams/{team_id}`; only team 7 exists, while the spec's example says 42.
- `POST` takes an `Idempotency-Key`: the same key with another body is 422, as
  draft-ietf-httpapi-idempotency-key-header-06 section 2.7 has it.
- `PUT` and `DELETE` take `If-Match`; a tag other than the note's current one is 412
  (RFC 9110 section 13.1.1). The spec's example tag names no version any note has.
"""

from __future__ import annotations

import itertools
import json
import threading
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response

TEAM = 7
TOKEN = "ck_notes_0123456789abcdef"
# The spec's own examples: what a generator without state keeps sending.
EXAMPLE_TEAM = 42
EXAMPLE_KEY = "create-note-1"
EXAMPLE_TAG = '"99"'

_TEXT = {"type": "string", "minLength": 1, "maxLength": 40}
NOTE = {
    "type": "object",
    "required": ["id", "team_id", "text", "version"],
    "properties": {
        "id": {"type": "integer"},
        "team_id": {"type": "integer"},
        "text": _TEXT,
        "version": {"type": "integer"},
    },
}
NEW_NOTE = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": _TEXT},
    "additionalProperties": False,
}
_ERROR = {
    "description": "Refused.",
    "content": {"application/json": {"schema": {"type": "object"}}},
}
_TEAM = {
    "name": "team_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
    "example": EXAMPLE_TEAM,
}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 64},
    "example": EXAMPLE_TAG,
}
_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
    "example": EXAMPLE_KEY,
}
_ETAG = {"ETag": {"schema": {"type": "string"}}}


def _note_response(description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "headers": _ETAG,
        "content": {"application/json": {"schema": NOTE}},
        **extra,
    }


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Notes", "version": "1.0.0"},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
    "security": [{"bearer": []}],
    "paths": {
        "/teams/{team_id}/notes": {
            "parameters": [_TEAM],
            "post": {
                "operationId": "createNote",
                "parameters": [_KEY],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": NEW_NOTE, "example": {"text": "hello"}}
                    },
                },
                "responses": {
                    "201": _note_response(
                        "Created.",
                        # The created note's own address, for the stateful phase (OAS 3.1
                        # section 4.8.20).
                        links={
                            "GetNote": {
                                "operationId": "getNote",
                                "parameters": {
                                    "team_id": "$response.body#/team_id",
                                    "id": "$response.body#/id",
                                },
                            }
                        },
                    ),
                    "400": _ERROR,
                    "401": _ERROR,
                    "404": _ERROR,
                    "422": _ERROR,
                },
            },
        },
        "/teams/{team_id}/notes/{id}": {
            "parameters": [_TEAM, _ID],
            "get": {
                "operationId": "getNote",
                "responses": {"200": _note_response("The note."), "401": _ERROR, "404": _ERROR},
            },
            "put": {
                "operationId": "updateNote",
                "parameters": [_IF_MATCH],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": NEW_NOTE}},
                },
                "responses": {
                    "200": _note_response("Updated."),
                    "400": _ERROR,
                    "401": _ERROR,
                    "404": _ERROR,
                    "412": _ERROR,
                },
            },
            "delete": {
                "operationId": "deleteNote",
                "parameters": [_IF_MATCH],
                "responses": {
                    "204": {"description": "Deleted."},
                    "400": _ERROR,
                    "401": _ERROR,
                    "404": _ERROR,
                    "412": _ERROR,
                },
            },
        },
    },
}


def _error(status: int, code: str) -> JSONResponse:
    return JSONResponse({"code": code}, status_code=status)


def build_app() -> FastAPI:
    """The notes API, keeping its notes in memory."""
    app = FastAPI()
    lock = threading.Lock()
    notes: dict[int, dict[str, Any]] = {}
    keys: dict[str, str] = {}
    ids = itertools.count(1)

    def authorised(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {TOKEN}"

    def shown(note: dict[str, Any], status: int = 200, **headers: str) -> JSONResponse:
        return JSONResponse(
            note, status_code=status, headers={"ETag": f'"{note["version"]}"', **headers}
        )

    async def text_of(request: Request) -> dict[str, Any] | None:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return None
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return None
        if not 1 <= len(body["text"]) <= 40 or set(body) != {"text"}:
            return None
        return body

    @app.post("/teams/{team_id}/notes")
    async def create(
        team_id: str, request: Request, idempotency_key: str | None = Header(None)
    ) -> Response:
        if not authorised(request):
            return _error(401, "unauthorised")
        if team_id != str(TEAM):
            return _error(404, "no such team")
        body = await text_of(request)
        if body is None:
            return _error(400, "bad body")
        with lock:
            if idempotency_key is not None:
                previous = keys.setdefault(idempotency_key, json.dumps(body, sort_keys=True))
                if previous != json.dumps(body, sort_keys=True):
                    return _error(422, "key reused")
            note = {"id": next(ids), "team_id": TEAM, "text": body["text"], "version": 1}
            notes[note["id"]] = note
        return shown(note, 201, Location=f"/teams/{TEAM}/notes/{note['id']}")

    def find(team_id: str, id: str) -> dict[str, Any] | None:
        if team_id != str(TEAM) or not id.isdigit():
            return None
        return notes.get(int(id))

    @app.get("/teams/{team_id}/notes/{id}")
    async def read(team_id: str, id: str, request: Request) -> Response:
        if not authorised(request):
            return _error(401, "unauthorised")
        note = find(team_id, id)
        return shown(note) if note is not None else _error(404, "no such note")

    @app.put("/teams/{team_id}/notes/{id}")
    async def update(
        team_id: str, id: str, request: Request, if_match: str | None = Header(None)
    ) -> Response:
        if not authorised(request):
            return _error(401, "unauthorised")
        note = find(team_id, id)
        if note is None:
            return _error(404, "no such note")
        if if_match is not None and if_match not in ("*", f'"{note["version"]}"'):
            return _error(412, "stale")
        body = await text_of(request)
        if body is None:
            return _error(400, "bad body")
        with lock:
            if body["text"] != note["text"]:
                note.update(text=body["text"], version=note["version"] + 1)
        return shown(note)

    @app.delete("/teams/{team_id}/notes/{id}")
    async def delete(
        team_id: str, id: str, request: Request, if_match: str | None = Header(None)
    ) -> Response:
        if not authorised(request):
            return _error(401, "unauthorised")
        note = find(team_id, id)
        if note is None:
            return _error(404, "no such note")
        if if_match is not None and if_match not in ("*", f'"{note["version"]}"'):
            return _error(412, "stale")
        with lock:
            notes.pop(note["id"], None)
        return Response(status_code=204)

    return app
