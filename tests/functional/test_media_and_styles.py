"""Request bodies by media type and parameters by style, from a generated client to a generated
server: what the handler receives is what the caller gave.

The spec is the golden `media.yaml`: multipart with files and an Encoding Object, a form, an
octet-stream or `image/*` body, `text/plain`, `application/merge-patch+json` (OAS 3.1 4.8.13 to
4.8.15), and one operation with a parameter of every style (4.8.12.4).
"""

from __future__ import annotations

import asyncio
import importlib
import io
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from fastapi.responses import JSONResponse

from tests.functional._importable import generated_package

PACKAGE = "media_api"
SPEC = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "golden" / "specs" / "media.yaml").read_text("utf-8")
)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with generated_package(tmp_path_factory.mktemp("media"), SPEC, name="media", package=PACKAGE):
        yield PACKAGE


def _module(package: str, name: str) -> ModuleType:
    return importlib.import_module(f"{package}.{name}")


class _Recorder:
    """Every operation records what it received and answers with a valid body."""

    def __init__(self, server: ModuleType, models: ModuleType) -> None:
        self._server = server
        self._models = models
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        if name == "check_before_body":
            raise AttributeError(name)  # not a `BodyPrecheck`

        async def handler(request: Any, **arguments: Any) -> Any:
            self.calls.append((name, arguments))
            if name in ("put_content", "put_notes"):
                return self._server.Reply(204)
            if name == "issue_token":
                return self._server.Reply(200, {"access_token": "t"})
            if name == "find_colors":
                return self._server.Reply(200, {})
            return self._server.Reply(
                200 if name == "patch_document" else 201, {"id": "d1", "title": "T"}
            )

        return handler

    async def authenticate(self, request: Any, *, scheme: str, scopes: Any) -> None:
        return None

    def render_error(self, request: Any, error: Any) -> Any:
        problems = [[p.field, p.code, p.message] for p in error.problems]
        return JSONResponse({"code": error.code, "problems": problems}, status_code=error.status)


def _run(package: str, scenario: Any) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
    """Run `scenario(async_client, sync_client, http)` against the generated app in process."""
    server = _module(package, "server")
    client_module = _module(package, "client")
    recorder = _Recorder(server, _module(package, "models"))
    app = server.create_app(recorder)

    async def run() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with (
            client_module.AsyncMediaClient("http://test", transport=transport) as client,
            httpx.AsyncClient(transport=transport, base_url="http://test") as http,
        ):
            return await scenario(client, http)

    return asyncio.run(run()), recorder.calls


def test_multipart_upload_reaches_the_handler_with_files_and_typed_fields(package: str) -> None:
    client = _module(package, "client")
    upload = {
        "file": client.File(b"%PDF-1.7\x00\xff", filename='report "final".pdf'),
        "title": "Q3 \u2013 résumé",
        "pages": 12,
        "labels": ["a", "b,c"],
        "metadata": {"owner": "ann"},
    }

    async def scenario(api: Any, http: Any) -> Any:
        return await api.upload_document(body=upload)

    document, calls = _run(package, scenario)

    assert document.id == "d1"
    ((name, arguments),) = calls
    body = arguments["body"]
    assert name == "upload_document"
    assert body.file == b"%PDF-1.7\x00\xff"
    assert (body.title, body.pages, body.labels) == ("Q3 \u2013 résumé", 12, ["a", "b,c"])
    assert body.metadata == {"owner": "ann"}


def test_form_body_is_urlencoded_and_typed_by_its_schema(package: str) -> None:
    async def scenario(api: Any, http: Any) -> Any:
        sent = await api.issue_token(
            body={"grant_type": "client_credentials", "scope": ["read", "write all"], "ttl": 60}
        )
        raw = await http.post(
            "/tokens",
            content=b"grant_type=refresh_token&ttl=abc",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return sent, raw

    (sent, raw), calls = _run(package, scenario)

    assert sent.access_token == "t"  # the inline response object is a model of its own
    token = calls[0][1]["body"]
    assert (token.grant_type, token.scope, token.ttl) == (
        "client_credentials",
        ["read", "write all"],
        60,
    )
    # The form is validated by its schema like JSON is: a non-integer `ttl` is named.
    assert raw.status_code == 400
    assert raw.json()["problems"][0][0] == "/ttl"


def test_binary_and_text_bodies_arrive_as_bytes_and_str(package: str) -> None:
    async def scenario(api: Any, http: Any) -> Any:
        await api.put_content("d1", body=b"\x89PNG\r\n")
        await api.put_content("d2", body=io.BytesIO(b"stream"))
        await api.put_notes("d1", body="first line\nsecond \u2013 line")
        image = await http.put(
            "/documents/d3/content", content=b"img", headers={"Content-Type": "image/png"}
        )
        refused = await http.put(
            "/documents/d3/content", content=b"{}", headers={"Content-Type": "application/json"}
        )
        return image.status_code, refused.status_code

    (image, refused), calls = _run(package, scenario)

    assert [c[1]["body"] for c in calls] == [
        b"\x89PNG\r\n",
        b"stream",
        "first line\nsecond \u2013 line",
        b"img",
    ]
    # `image/*` takes any image (OAS 3.1 4.8.13.1); JSON is not among the media types.
    assert (image, refused) == (204, 415)


def test_merge_patch_json_is_sent_and_read_as_json(package: str) -> None:
    models = _module(package, "models")

    async def scenario(api: Any, http: Any) -> Any:
        return await api.patch_document("d1", body=models.DocumentPatch(title=None))

    document, calls = _run(package, scenario)

    assert document.title == "T"
    assert calls[0][1]["body"].title is None


def test_every_parameter_style_round_trips_from_client_to_handler(package: str) -> None:
    async def scenario(api: Any, http: Any) -> Any:
        return await api.find_colors(
            ["blue", "black"],
            [1, 2, 3],
            filter={"r": 100, "g": 200, "name": "x y"},
            tags=["a", "b"],
            ids=[3, 4],
            flags=[True, False],
            next="/a/b?c",
            x_sizes=[1.5, 2],
            x_dry_run=True,
            session=42,
        )

    _, calls = _run(package, scenario)

    ((_, arguments),) = calls
    assert arguments == {
        "label": ["blue", "black"],
        "matrix": [1, 2, 3],
        "filter": {"r": 100, "g": 200, "name": "x y"},
        "tags": ["a", "b"],
        "ids": [3, 4],
        "flags": [True, False],
        "next": "/a/b?c",
        "x_sizes": [1.5, 2.0],
        "x_dry_run": True,
        "session": 42,
    }


def test_parameters_are_written_on_the_wire_as_their_style_says(package: str) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = _module(package, "client")
    with client.MediaClient("http://test", transport=httpx.MockTransport(answer)) as api:
        api.find_colors(
            ["blue", "black"],
            [1, 2],
            filter={"r": 1},
            ids=[3, 4],
            flags=[True, False],
            x_dry_run=False,
            session=7,
        )

    (request,) = seen
    assert request.url.raw_path.decode() == (
        "/colors/.blue.black/;matrix=1,2?filter%5Br%5D=1&flags=true%7Cfalse&ids=3%204"
    )
    assert request.headers["X-Dry-Run"] == "false"
    assert request.headers["Cookie"] == "session=7"
