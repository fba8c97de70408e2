"""`runtime/media`: request bodies by media type, as the client encodes and the server reads them.

The rendered module is imported from a temporary folder. Its multipart output is read back by
parsers it shares no code with (the standard library's MIME parser, python-multipart through
Starlette when installed), and its reader reads what httpx's own encoder writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import email.parser
import email.policy
import io
import urllib.parse
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from oaskit.ir._media import body_kind, encoding_of, form_shape, preferred_media_type
from tests.support.runtime_module import runtime_module


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with runtime_module("media", tmp_path_factory.mktemp("runtime")) as module:
        yield module


@dataclass
class FakeRequest:
    """The part of a Starlette request the readers use, for bodies sent without a server."""

    headers: Mapping[str, str]
    body: bytes

    async def stream(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.body), 7):
            yield self.body[start : start + 7]


def read(media: Any, body: bytes, content_type: str, kind: str, **limits: int) -> Any:
    request = FakeRequest({"content-type": content_type}, body)
    return asyncio.run(media.read_form(request, kind=kind, **limits))


@pytest.fixture(scope="module")
def server(media: Any) -> Iterator[tuple[TestClient, list[dict[str, Any]]]]:
    """A Starlette app whose one endpoint reads the body with `read_form`."""
    seen: list[dict[str, Any]] = []

    async def endpoint(request: Request) -> Response:
        try:
            data = await media.read_form(request, kind=request.query_params["kind"])
        except media.MalformedBody as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        seen.append(data)
        return Response(status_code=204)

    app = Starlette(routes=[Route("/", endpoint, methods=["POST"])])
    with TestClient(app) as client:
        yield client, seen


def send(server: tuple[TestClient, list[dict[str, Any]]], encoded: Any, kind: str) -> Any:
    client, seen = server
    response = client.post(
        "/", params={"kind": kind}, content=encoded.content,
        headers={"Content-Type": encoded.content_type},
    )  # fmt: skip
    assert response.status_code == 204, response.text
    return seen[-1]


def mime_parts(encoded: Any) -> list[Any]:
    """The parts as the standard library's MIME parser reads them (RFC 2046)."""
    head = f"Content-Type: {encoded.content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + encoded.content)
    assert message.is_multipart()
    assert not message.defects
    return list(message.iter_parts())


# --- multipart ---------------------------------------------------------------------------


# A backslash is left as it is, as HTML does (the standard library's parser, following RFC 2045's
# quoted-pair, would drop it; python-multipart and the WHATWG parser keep it).
TRICKY_NAME = 'pic "1"\r\nété.png'


def multipart_body(media: Any) -> dict[str, Any]:
    return {
        "title": 'a "quoted"\r\ntitle é €',
        "count": 3,
        "ratio": 0.5,
        "flag": True,
        "tags": ["x", "y"],
        "meta": {"a": [1, 2], "b": None},
        "items": [{"id": 1}, {"id": 2}],
        "avatar": media.File(
            b"\x00\xff\r\n--x\r\n", filename=TRICKY_NAME, content_type="image/png"
        ),
        "docs": [b"one", io.BytesIO(b"two")],
        "skipped": None,
    }


def test_multipart_is_read_back_by_the_standard_library(media: Any) -> None:
    stream = io.BytesIO(b"streamed")
    stream.name = "/tmp/folder/report.csv"
    body = {**multipart_body(media), "report": stream, "plain": b"raw", "latin": "é"}
    encoded = media.encode_body(
        body,
        kind="multipart",
        media_type="multipart/form-data",
        encoding={
            "plain": ("text/csv, text/plain", None, None),
            "count": ("text/x-int", None, None),
            "latin": ("text/plain; charset=latin-1", None, None),
        },
    )
    assert encoded.content_type.startswith("multipart/form-data; boundary=")
    parts = mime_parts(encoded)
    found = [
        (
            part.get_param("name", header="content-disposition"),
            part.get_param("filename", header="content-disposition"),
            part.get("content-type"),
            part.get_payload(decode=True),
        )
        for part in parts
    ]
    assert found == [
        ("title", None, None, 'a "quoted"\r\ntitle é €'.encode()),
        ("count", None, "text/x-int", b"3"),
        ("ratio", None, None, b"0.5"),
        ("flag", None, None, b"true"),
        ("tags", None, None, b"x"),
        ("tags", None, None, b"y"),
        ("meta", None, "application/json", b'{"a": [1, 2], "b": null}'),
        ("items", None, "application/json", b'[{"id": 1}, {"id": 2}]'),
        ("avatar", "pic %221%22%0D%0Aété.png", "image/png", b"\x00\xff\r\n--x\r\n"),
        ("docs", "docs", "application/octet-stream", b"one"),
        ("docs", "docs", "application/octet-stream", b"two"),
        ("report", "report.csv", "application/octet-stream", b"streamed"),
        ("plain", "plain", "text/csv", b"raw"),
        ("latin", None, 'text/plain; charset="latin-1"', b"\xe9"),
    ]


def test_multipart_round_trips_through_a_starlette_endpoint(
    media: Any, server: tuple[TestClient, list[dict[str, Any]]]
) -> None:
    encoded = media.encode_body(multipart_body(media), kind="multipart", media_type="multipart/*")
    assert encoded.content_type.startswith("multipart/form-data; boundary=")
    data = send(server, encoded, "multipart")
    assert data == {
        "title": 'a "quoted"\r\ntitle é €',
        "count": "3",
        "ratio": "0.5",
        "flag": "true",
        "tags": ["x", "y"],
        "meta": {"a": [1, 2], "b": None},
        "items": [{"id": 1}, {"id": 2}],
        "avatar": b"\x00\xff\r\n--x\r\n",
        "docs": [b"one", b"two"],
    }
    shape = (
        "object",
        (
            ("title", "string"),
            ("count", "integer"),
            ("ratio", "number"),
            ("flag", "boolean"),
            ("tags", "array:string"),
            ("meta", "json"),
            ("items", "array:json"),
            ("avatar", "binary"),
            ("docs", "array:binary"),
        ),
    )
    assert media.coerce_form(data, shape) == {
        **data, "count": 3, "ratio": 0.5, "flag": True,
    }  # fmt: skip


def test_multipart_mixed_keeps_its_subtype(media: Any) -> None:
    encoded = media.encode_body({"a": "1"}, kind="multipart", media_type="Multipart/Mixed")
    assert encoded.content_type.startswith("multipart/mixed; boundary=")
    assert read(media, encoded.content, encoded.content_type, "multipart") == {"a": "1"}


def test_multipart_reader_reads_what_httpx_writes(media: Any) -> None:
    request = httpx.Request(
        "POST",
        "http://test/",
        data={"name": "Zoë", "tags": ["a", "b"]},
        files=[
            ("upload", ("x.bin", b"\x00\x01\r\n", "application/octet-stream")),
            ("upload", ("y.bin", b"", "application/octet-stream")),
        ],
    )
    content = request.read()
    data = read(media, content, request.headers["content-type"], "multipart")
    assert data == {"name": "Zoë", "tags": ["a", "b"], "upload": [b"\x00\x01\r\n", b""]}


def test_multipart_is_read_back_by_python_multipart(media: Any) -> None:
    """Starlette's own form parser, when python-multipart is installed, reads the same body."""
    pytest.importorskip("python_multipart")
    file = media.File(b"\x00bytes", filename="a.png", content_type="image/png")
    body = {"title": "é €", "tags": ["x", "y"], "avatar": file}
    encoded = media.encode_body(body, kind="multipart", media_type="multipart/form-data")
    got: dict[str, Any] = {}

    async def endpoint(request: Request) -> Response:
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, str):
                got.setdefault(key, []).append(value)
            else:
                got.setdefault(key, []).append(
                    (value.filename, value.content_type, await value.read())
                )
        return Response(status_code=204)

    app = Starlette(routes=[Route("/", endpoint, methods=["POST"])])
    with TestClient(app) as client:
        response = client.post(
            "/", content=encoded.content, headers={"Content-Type": encoded.content_type}
        )
    assert response.status_code == 204
    assert got == {
        "title": ["é €"], "tags": ["x", "y"], "avatar": [("a.png", "image/png", b"\x00bytes")],
    }  # fmt: skip


# --- form-urlencoded ---------------------------------------------------------------------


def test_form_matches_urllib_and_round_trips(
    media: Any, server: tuple[TestClient, list[dict[str, Any]]]
) -> None:
    body = {"q": "a b&c=d+e%f", "n": 5, "ok": False, "tags": ["a", "b"], "u": "é€*~", "z": None}
    encoded = media.encode_body(body, kind="form", media_type="application/x-www-form-urlencoded")
    assert encoded.content_type == "application/x-www-form-urlencoded"
    text = encoded.content.decode("ascii")
    assert "+" in text
    assert " " not in text
    pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    assert pairs == [
        ("q", "a b&c=d+e%f"), ("n", "5"), ("ok", "false"), ("tags", "a"), ("tags", "b"),
        ("u", "é€*~"),
    ]  # fmt: skip
    assert send(server, encoded, "form") == {
        "q": "a b&c=d+e%f", "n": "5", "ok": "false", "tags": ["a", "b"], "u": "é€*~",
    }  # fmt: skip


def test_form_styles_round_trip_through_coerce_form(media: Any) -> None:
    encoding = {
        "pipes": (None, "pipeDelimited", False),
        "commas": (None, "form", False),
        "filter": (None, "deepObject", True),
    }
    body = {
        "pipes": [1, 2],
        "commas": ["a", "b"],
        "filter": {"min": 1, "name": "x y"},
        "point": {"x": 1.5, "y": -2},
        "nested": {"deep": {"a": 1}},
        "rows": [{"a": 1}, {"a": 2}],
    }
    encoded = media.encode_body(
        body, kind="form", media_type="application/x-www-form-urlencoded", encoding=encoding
    )
    assert urllib.parse.parse_qsl(encoded.content.decode()) == [
        ("pipes", "1|2"),
        ("commas", "a,b"),
        ("filter[min]", "1"),
        ("filter[name]", "x y"),
        ("x", "1.5"),
        ("y", "-2"),
        ("nested", '{"deep": {"a": 1}}'),
        ("rows", '{"a": 1}'),
        ("rows", '{"a": 2}'),
    ]
    shape = (
        "object",
        (
            ("pipes", "array:integer"),
            ("commas", "array:string"),
            ("filter", ("object", (("min", "integer"), ("name", "string")))),
            ("point", ("object", (("x", "number"), ("y", "number")))),
            ("nested", ("object", (("deep", "json"),))),
            ("rows", "array:json"),
        ),
    )
    data = read(media, encoded.content, encoded.content_type, "form")
    assert media.coerce_form(data, shape, encoding) == body


def test_form_body_from_a_model_uses_aliases_and_json_spellings(media: Any) -> None:
    class Body(BaseModel):
        model_config = ConfigDict(populate_by_name=True)
        when: Any = Field(alias="at")
        size: int | None = None

    body = Body.model_validate({"at": datetime.date(2024, 2, 29)})
    encoded = media.encode_body(body, kind="form", media_type="application/x-www-form-urlencoded")
    assert encoded.content == b"at=2024-02-29"
    root = RootModel[dict[str, int]]({"a": 1})
    encoded = media.encode_body(root, kind="form", media_type="application/x-www-form-urlencoded")
    assert encoded.content == b"a=1"


# --- other kinds -------------------------------------------------------------------------


def test_json_text_and_binary_bodies(media: Any) -> None:
    class Body(BaseModel):
        name_: str = Field(alias="name")

    json_body = media.encode_body(Body(name="é"), kind="json", media_type="application/json")
    assert (json_body.content, json_body.content_type) == (
        '{"name":"é"}'.encode(), "application/json",
    )  # fmt: skip
    plain = media.encode_body({"a": "é"}, kind="json", media_type="application/merge-patch+json")
    assert plain.content == '{"a": "é"}'.encode()
    with pytest.raises(ValueError, match="JSON"):
        media.encode_body({"a": float("nan")}, kind="json", media_type="application/json")

    text = media.encode_body("é", kind="text", media_type="text/plain")
    assert (text.content, text.content_type) == ("é".encode(), "text/plain; charset=utf-8")
    latin = media.encode_body("é", kind="text", media_type="text/csv; charset=ISO-8859-1")
    assert (latin.content, latin.content_type) == (b"\xe9", "text/csv; charset=ISO-8859-1")
    ranged = media.encode_body("x", kind="text", media_type="text/*")
    assert ranged.content_type == "text/plain; charset=utf-8"

    file = media.File(io.BytesIO(b"\x89PNG"), content_type="image/png")
    assert media.encode_body(file, kind="binary", media_type="image/*") == media.Encoded(
        b"\x89PNG", "image/png"
    )
    raw = media.encode_body(memoryview(b"ab"), kind="binary", media_type="*/*")
    assert raw == media.Encoded(b"ab", "application/octet-stream")
    typed = media.encode_body(b"ab", kind="binary", media_type="application/pdf")
    assert typed.content_type == "application/pdf"


def test_read_text_decodes_by_charset(media: Any) -> None:
    def text(body: bytes, content_type: str) -> str:
        request = FakeRequest({"content-type": content_type}, body)
        return str(asyncio.run(media.read_text(request)))

    assert text("é".encode(), "text/plain") == "é"
    assert text(b"\xe9", 'text/plain; charset="iso-8859-1"') == "é"
    with pytest.raises(media.MalformedBody, match="utf-8"):
        text(b"\xff", "text/plain")
    with pytest.raises(media.MalformedBody, match="charset"):
        text(b"x", "text/plain; charset=nope")


# --- malformed bodies ----------------------------------------------------------------------


def test_malformed_multipart_raises_malformed_body(media: Any) -> None:
    encoded = media.encode_body(
        {"a": "1", "f": b"xyz"}, kind="multipart", media_type="multipart/form-data"
    )
    ok = encoded.content_type
    cases = [
        (encoded.content, "multipart/form-data", "boundary"),
        (encoded.content, 'multipart/form-data; boundary=""', "boundary"),
        (encoded.content, "multipart/form-data; boundary=" + "b" * 71, "boundary"),
        (encoded.content, "multipart/form-data; boundary=other", "no multipart boundary"),
        (b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--", "; boundary=b", "no name"),
        (b"--b\r\nContent-Disposition: form-data; name=a\r\nx\r\n--b--", "; boundary=b", "blank"),
        (b"--b\r\nbroken\r\n\r\nx\r\n--b--", "; boundary=b", "header line"),
        (b"--bx\r\n\r\nx\r\n--b--", "; boundary=b", "boundary line"),
        (
            b'--b\r\nContent-Disposition: form-data; name="j"\r\nContent-Type: application/json'
            b"\r\n\r\n{nope\r\n--b--",
            "; boundary=b",
            "JSON",
        ),
    ]
    for body, content_type, reason in cases:
        if content_type.startswith(";"):
            content_type = "multipart/form-data" + content_type
        with pytest.raises(media.MalformedBody, match=reason):
            read(media, body, content_type, "multipart")
    # The closing delimiter ends the body; cut anywhere before it, the body is truncated.
    closing = encoded.content.rindex(b"--\r\n")
    for cut in range(closing):
        with pytest.raises(media.MalformedBody):
            read(media, encoded.content[:cut], ok, "multipart")
    assert read(media, encoded.content[: closing + 2], ok, "multipart") == {"a": "1", "f": b"xyz"}


def test_limits_raise_malformed_body(media: Any) -> None:
    body = {"a": ["1", "2", "3", "4"]}
    multipart = media.encode_body(body, kind="multipart", media_type="multipart/form-data")
    with pytest.raises(media.MalformedBody, match="more than 3 parts"):
        read(media, multipart.content, multipart.content_type, "multipart", max_parts=3)
    with pytest.raises(media.MalformedBody, match="larger than 10 bytes"):
        read(media, multipart.content, multipart.content_type, "multipart", max_size=10)
    big = media.encode_body({"a": "x" * 20}, kind="multipart", media_type="multipart/form-data")
    with pytest.raises(media.MalformedBody, match="field is larger"):
        read(media, big.content, big.content_type, "multipart", max_field_size=19)
    form = media.encode_body(body, kind="form", media_type="application/x-www-form-urlencoded")
    with pytest.raises(media.MalformedBody, match="more than 3 fields"):
        read(media, form.content, form.content_type, "form", max_parts=3)


def test_the_server_answers_malformed_bodies_itself(
    server: tuple[TestClient, list[dict[str, Any]]],
) -> None:
    client, _ = server
    response = client.post(
        "/", params={"kind": "multipart"}, content=b"--b\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "\n" not in response.json()["error"]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    noise=st.binary(max_size=300),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=4)), max_size=4),
)
def test_any_bytes_give_data_or_malformed_body(
    media: Any, noise: bytes, flips: list[tuple[int, bytes]]
) -> None:
    for content_type in ("multipart/form-data; boundary=b", "multipart/form-data"):
        with contextlib.suppress(media.MalformedBody):
            read(media, noise, content_type, "multipart")
    valid = media.encode_body(
        {"a": ["1", "é"], "f": b"\r\n", "j": {"k": 1}},
        kind="multipart",
        media_type="multipart/form-data",
    )
    content = bytearray(valid.content)
    for position, replacement in flips:
        index = position % len(content)
        content[index : index + len(replacement)] = replacement
    with contextlib.suppress(media.MalformedBody):
        read(media, bytes(content), valid.content_type, "multipart")
    read(media, noise, "application/x-www-form-urlencoded", "form")


# --- round trips of arbitrary text and bytes -----------------------------------------------

# HTML's escaping writes `"`, CR and LF in a name as %22, %0D and %0A, so a name holding those
# very letters reads back as the character: the one ambiguity of the format.
KEYS = st.text(min_size=1, max_size=12).filter(
    lambda key: not any(escape in key.upper() for escape in ("%22", "%0D", "%0A"))
)
TEXT = st.text(max_size=40)
CHARACTERS = "&=+%\"'\r\n ;é€\x00[]"
TRICKY = st.text(
    alphabet=st.sampled_from(CHARACTERS) | st.characters(exclude_categories=["Cs"]), max_size=20
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(
        KEYS | TRICKY.filter(bool),
        TEXT | TRICKY | st.lists(TEXT | TRICKY, min_size=2, max_size=3),
        max_size=5,
    )
)
def test_form_round_trips_arbitrary_text(
    media: Any, server: tuple[TestClient, list[dict[str, Any]]], fields: dict[str, Any]
) -> None:
    encoded = media.encode_body(fields, kind="form", media_type="application/x-www-form-urlencoded")
    expected = [
        (k, item) for k, v in fields.items() for item in (v if isinstance(v, list) else [v])
    ]
    assert (
        urllib.parse.parse_qsl(encoded.content.decode("ascii"), keep_blank_values=True) == expected
    )
    assert send(server, encoded, "form") == fields


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(
        KEYS.filter(lambda key: "%" not in key),
        TEXT
        | TRICKY
        | st.binary(max_size=64)
        | st.lists(st.binary(max_size=16), min_size=2, max_size=3)
        | st.lists(TEXT, min_size=2, max_size=3),
        max_size=5,
    ),
    filename=TRICKY,
)
def test_multipart_round_trips_arbitrary_text_and_bytes(
    media: Any,
    server: tuple[TestClient, list[dict[str, Any]]],
    fields: dict[str, Any],
    filename: str,
) -> None:
    body = {**fields, "upload": media.File(b"\r\n--", filename=filename)}
    encoded = media.encode_body(body, kind="multipart", media_type="multipart/form-data")
    assert send(server, encoded, "multipart") == {**fields, "upload": b"\r\n--"}


# --- coerce_form and strict models -----------------------------------------------------------


class Inner(BaseModel):
    model_config = ConfigDict(strict=True)
    low: int
    label: str


class Strict(BaseModel):
    model_config = ConfigDict(strict=True)
    count: int
    ratio: float
    ok: bool
    ids: list[int]
    photo: bytes
    name: str
    meta: dict[str, Any]
    inner: Inner
    anything: Any = None


STRICT_SHAPE = (
    "object",
    (
        ("count", "integer"),
        ("ratio", "number"),
        ("ok", "boolean"),
        ("ids", "array:integer"),
        ("photo", "binary"),
        ("name", "string"),
        ("meta", "json"),
        ("inner", ("object", (("low", "integer"), ("label", "string")))),
        ("anything", "any"),
    ),
)


def test_coerce_form_makes_form_text_acceptable_to_strict_models(media: Any) -> None:
    sent = {
        "count": 2, "ratio": 1, "ok": False, "ids": [7], "photo": b"\x00",
        "name": "n", "meta": {"k": [1]}, "inner": {"low": -1, "label": "1"}, "anything": "1",
    }  # fmt: skip
    for kind, media_type in (
        ("form", "application/x-www-form-urlencoded"),
        ("multipart", "multipart/form-data"),
    ):
        encoded = media.encode_body(sent, kind=kind, media_type=media_type)
        data = read(media, encoded.content, encoded.content_type, kind)
        with pytest.raises(ValidationError):
            Strict.model_validate(data)
        model = Strict.model_validate(media.coerce_form(data, STRICT_SHAPE))
        assert model.model_dump() == {**sent, "ratio": 1.0}


def test_coerce_form_leaves_what_does_not_spell_its_type(media: Any) -> None:
    data = {"count": "1.0", "ratio": "1e400x", "ok": "True", "ids": "x", "meta": "{", "extra": "1"}
    coerced = media.coerce_form(data, STRICT_SHAPE)
    assert coerced == {**data, "ids": ["x"]}
    assert media.coerce_form({"ratio": "-2.5e3", "count": "-0"}, STRICT_SHAPE) == {
        "ratio": -2500.0, "count": 0,
    }  # fmt: skip
    with pytest.raises(ValidationError) as error:
        Strict.model_validate({**coerced, "photo": b"", "name": "", "inner": {}})
    assert {e["loc"][0] for e in error.value.errors()} >= {"count", "ratio", "ok", "ids", "meta"}


# --- the generator side ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        ("application/json", "json"),
        ("Application/JSON; charset=utf-8", "json"),
        ("application/problem+json", "json"),
        ("application/x-www-form-urlencoded", "form"),
        ("multipart/form-data; boundary=x", "multipart"),
        ("multipart/mixed", "multipart"),
        ("text/plain", "text"),
        ("text/*", "text"),
        ("application/xml", "text"),
        ("application/atom+xml", "text"),
        ("application/octet-stream", "binary"),
        ("image/png", "binary"),
        ("*/*", "binary"),
        ("application/*", "binary"),
        ("", "binary"),
        ("nonsense", "binary"),
    ],
)
def test_body_kind(media_type: str, kind: str) -> None:
    assert body_kind(media_type) == kind


def test_preferred_media_type_prefers_json_then_form_multipart_text_binary() -> None:
    assert preferred_media_type(["image/png", "text/plain", "application/vnd.x+json"]) == (
        "application/vnd.x+json"
    )
    assert preferred_media_type(["multipart/form-data", "application/x-www-form-urlencoded"]) == (
        "application/x-www-form-urlencoded"
    )
    assert (
        preferred_media_type(["application/octet-stream", "multipart/mixed"]) == "multipart/mixed"
    )
    assert preferred_media_type(["image/png", "image/jpeg"]) == "image/png"
    with pytest.raises(ValueError, match="at least one"):
        preferred_media_type([])


def test_encoding_of_reads_the_encoding_map_and_ignores_junk() -> None:
    media_object = {
        "encoding": {
            "z": {"contentType": "image/png, image/jpeg", "style": "form", "explode": False},
            "a": {"style": "deepObject"},
            "b": {"contentType": 3, "style": "matrix", "explode": "yes"},
            "c": "junk",
            4: {"contentType": "text/plain"},
            "d": {"contentType": "  "},
        }
    }
    assert encoding_of(media_object) == (
        ("a", None, "deepObject", None),
        ("b", None, None, None),
        ("d", None, None, None),
        ("z", "image/png, image/jpeg", "form", False),
    )
    junks: list[Any] = [None, [], "x", {"encoding": []}, {"encoding": None}, {}]
    for junk in junks:
        assert encoding_of(junk) == ()


def test_form_shape_follows_refs_and_all_of() -> None:
    components: dict[str, Any] = {
        "Base": {"properties": {"id": {"type": "integer"}, "tags": {"type": "array"}}},
        "Alias": {"$ref": "#/components/schemas/Base"},
        "Point": {"type": "object", "properties": {"x": {"type": "number"}}},
        "Loop": {"$ref": "#/components/schemas/Loop"},
        "File": {"type": "string", "format": "binary"},
    }

    def resolve(schema: Any) -> Any:
        return components.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})

    schema = {
        "allOf": [
            {"$ref": "#/components/schemas/Alias"},
            {"$ref": "#/components/schemas/Loop"},
            {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": ["string", "null"]},
                    "n": {"type": ["integer", "number"]},
                    "ok": {"type": "boolean"},
                    "photo": {"$ref": "#/components/schemas/File"},
                    "png": {"contentMediaType": "image/png"},
                    "b64": {
                        "type": "string",
                        "contentMediaType": "image/png",
                        "contentEncoding": "base64",
                    },
                    "bytes": {"type": "string", "format": "byte"},
                    "photos": {"type": "array", "items": {"$ref": "#/components/schemas/File"}},
                    "point": {"$ref": "#/components/schemas/Point"},
                    "points": {"type": "array", "items": {"$ref": "#/components/schemas/Point"}},
                    "grid": {"type": "array", "items": {"type": "array"}},
                    "deep": {"properties": {"inner": {"type": "object"}}},
                    "either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                    "mixed": {"type": ["string", "integer"]},
                    "junk": 5,
                },
            },
        ]
    }
    assert form_shape(schema, resolve) == (
        "object",
        (
            ("id", "integer"),
            ("tags", "array:any"),
            ("name", "string"),
            ("n", "number"),
            ("ok", "boolean"),
            ("photo", "binary"),
            ("png", "binary"),
            ("b64", "string"),
            ("bytes", "string"),
            ("photos", "array:binary"),
            ("point", ("object", (("x", "number"),))),
            ("points", "array:json"),
            ("grid", "array:json"),
            ("deep", ("object", (("inner", "json"),))),
            ("either", "any"),
            ("mixed", "any"),
            ("junk", "any"),
        ),
    )
    junks: list[Any] = [None, 3, [], {"properties": []}, {"$ref": "#/components/schemas/Loop"}]
    for junk in junks:
        assert form_shape(junk, resolve) == ("object", ())


@settings(max_examples=60, deadline=None)
@given(
    fields=st.dictionaries(
        # python-multipart leaves HTML's %22, %0D and %0A in names as they are.
        KEYS.filter(lambda key: not any(c in key for c in '"\r\n%')),
        TEXT | TRICKY | st.lists(TEXT | TRICKY, min_size=2, max_size=3),
        max_size=5,
    ),
    content=st.binary(max_size=64),
)
def test_python_multipart_reads_arbitrary_text_and_bytes(
    media: Any, fields: dict[str, Any], content: bytes
) -> None:
    pytest.importorskip("python_multipart")
    from starlette.formparsers import MultiPartParser

    file = media.File(content, filename="f.bin", content_type="application/pdf")
    encoded = media.encode_body(
        {**fields, "upload": file}, kind="multipart", media_type="multipart/form-data"
    )

    async def parse() -> dict[str, Any]:
        async def stream() -> AsyncGenerator[bytes, None]:
            yield encoded.content

        headers = Headers({"content-type": encoded.content_type})
        form = await MultiPartParser(headers, stream()).parse()
        got: dict[str, Any] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                got.setdefault(key, []).append(value)
            else:
                file = (value.filename, value.content_type, await value.read())
                got.setdefault(key, []).append(file)
        return got

    expected = {k: v if isinstance(v, list) else [v] for k, v in fields.items()}
    assert asyncio.run(parse()) == {**expected, "upload": [("f.bin", "application/pdf", content)]}
