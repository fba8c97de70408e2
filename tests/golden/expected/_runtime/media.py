"""Request bodies by media type: what the client sends, what the server reads.

A request body's media type (OAS 3.1 4.8.13, 4.8.14) decides its encoding. The generator sorts
each media type into a kind and passes it here:

- `json`: application/json and `+json` types, JSON text in UTF-8 (RFC 8259 8.1);
- `form`: application/x-www-form-urlencoded as HTML writes and reads it (WHATWG URL 5);
- `multipart`: multipart/form-data (RFC 7578) and other `multipart/*` subtypes, built the same;
- `text`: text/* and XML, a str in the charset of the media type (UTF-8 unless it names one);
- `binary`: anything else, the bytes as they are.

The client gets `Encoded` bytes and a Content-Type to hand to its HTTP library, so that no
library's own form or file handling decides the bytes on the wire. The server reads form and
multipart bodies itself, with the standard library only, and answers a body it cannot read with
`MalformedBody`.
"""

from __future__ import annotations

import enum
import json
import os
import re
import secrets
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, Final, Literal, Protocol, TypeAlias
from urllib.parse import quote_plus, unquote_to_bytes

from pydantic import BaseModel, RootModel
from pydantic_core import to_jsonable_python

__all__ = [
    "MAX_BODY_SIZE",
    "MAX_FIELD_SIZE",
    "MAX_PARTS",
    "BodyKind",
    "Encoded",
    "EncodingEntry",
    "File",
    "FormKind",
    "FormShape",
    "MalformedBody",
    "coerce_form",
    "encode_body",
    "read_binary",
    "read_form",
    "read_text",
]

BodyKind: TypeAlias = Literal["json", "form", "multipart", "text", "binary"]
# One property of a Media Type Object's `encoding` map (OAS 3.1 4.8.15): its name, contentType,
# style and explode, each None when the spec leaves it out.
EncodingEntry: TypeAlias = tuple[str, str | None, str | None, bool | None]
# What the server turns a form's text into, property by property: "string", "integer",
# "number", "boolean", "binary", "json", "any", "array:<kind>", or the shape of an object.
FormKind: TypeAlias = "str | FormShape"
# ("object", ((property, kind), ...)): the properties of a form body, as the generator sees
# them in the body schema.
FormShape: TypeAlias = "tuple[str, tuple[tuple[str, FormKind], ...]]"

# Limits of the server's readers; a generated server may pass its own.
MAX_BODY_SIZE: Final = 32 * 1024 * 1024
MAX_PARTS: Final = 1000
# A part that is not a file is held as text (starlette's default `max_part_size`).
MAX_FIELD_SIZE: Final = 1024 * 1024
MAX_PART_HEADERS: Final = 16 * 1024

_DEFAULT_BINARY: Final = "application/octet-stream"
_JSON: Final = "application/json"
# RFC 2046 5.1.1: a boundary is 1 to 70 of these characters, not ending in a space.
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
# A media type's parameters (RFC 9110 5.6.6): a token, then a token or a quoted-string.
_PARAMETER = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
# A Content-Disposition parameter as HTML writes it: a quoted value ends at the next quote,
# a backslash is an ordinary character (WHATWG Fetch, multipart/form-data parser).
_DISPOSITION_PARAMETER = re.compile(r';\s*([^\s=;]+)\s*=\s*(?:"([^"]*)"|([^;]*))')
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
# JSON's number grammar (RFC 8259 6): what a form may spell a `number` property with.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
# The delimiters of a non-exploded array, by style (OAS 3.1 4.8.12.4).
_DELIMITERS: Final = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}
_MISSING: Final = object()


# The name the generated servers catch; a ValueError, as a body that cannot be parsed is.
class MalformedBody(ValueError):  # noqa: N818
    """A request body that cannot be read as its media type; the message is one line."""


@dataclass(frozen=True)
class File:
    """A file to upload: its bytes (or a binary stream to read them from), name and type."""

    content: bytes | BinaryIO
    filename: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Encoded:
    """A request body on the wire: send `content` with `Content-Type: <content_type>`."""

    content: bytes
    content_type: str


class _Request(Protocol):
    """What the readers need of a request; starlette's `Request` is one."""

    @property
    def headers(self) -> Mapping[str, str]: ...

    def stream(self) -> AsyncIterator[bytes]: ...


# --- client side -------------------------------------------------------------------------


def encode_body(
    body: Any,
    *,
    kind: BodyKind,
    media_type: str,
    encoding: Mapping[str, tuple[str | None, str | None, bool | None]]
    | Iterable[EncodingEntry] = (),
) -> Encoded:
    """`body` as bytes of `media_type`, whose kind the generator chose.

    `encoding` is the Media Type Object's `encoding` map (OAS 3.1 4.8.15), by property name or
    as the generator's tuple of entries; it applies to `form` and `multipart` bodies only.
    """
    entries = _encoding_map(encoding)
    if kind == "json":
        return Encoded(_json_bytes(body), _concrete(media_type, None, _JSON))
    if kind == "form":
        return Encoded(_form_bytes(body, entries), "application/x-www-form-urlencoded")
    if kind == "multipart":
        return _multipart(body, entries, media_type)
    if kind == "text":
        return _text_body(body, media_type)
    if kind == "binary":
        file = body if isinstance(body, File) else None
        fallback = (file.content_type if file else None) or _DEFAULT_BINARY
        return Encoded(_bytes_of(body), _concrete(media_type, None, fallback))
    raise ValueError(f"unknown body kind {kind!r}")


def _encoding_map(
    encoding: Mapping[str, tuple[str | None, str | None, bool | None]] | Iterable[EncodingEntry],
) -> dict[str, tuple[str | None, str | None, bool | None]]:
    if isinstance(encoding, Mapping):
        return dict(encoding)
    return {name: (content_type, style, explode) for name, content_type, style, explode in encoding}


def _base(media_type: str) -> str:
    """The type/subtype of a media type, lower case, without parameters."""
    return media_type.split(";", 1)[0].strip().lower()


def _concrete(media_type: str | None, preferred: str | None, fallback: str) -> str:
    """A Content-Type to send: `media_type` unless it is a range (`*/*`, `image/*`), which no
    message may carry (RFC 9110 8.3.1), then `preferred`, then `fallback`."""
    for candidate in (media_type, preferred):
        if candidate and "*" not in _base(candidate) and "/" in candidate:
            return candidate.strip()
    return fallback


def _first_type(content_type: str | None) -> str | None:
    """The first media type of an Encoding Object's comma-separated `contentType`."""
    if not content_type:
        return None
    first = content_type.split(",", 1)[0].strip()
    return first or None


def _is_json_type(media_type: str | None) -> bool:
    base = _base(media_type or "")
    return base == _JSON or base.endswith("+json")


def _json_bytes(body: Any) -> bytes:
    if isinstance(body, BaseModel):
        return body.model_dump_json(by_alias=True).encode()
    # Non-finite numbers are not JSON (RFC 8259 6), so they are refused rather than sent.
    return json.dumps(body, ensure_ascii=False, allow_nan=False, default=_jsonable).encode()


def _json_text(value: Any) -> str:
    return json.dumps(_jsonable(value), ensure_ascii=False, allow_nan=False)


def _jsonable(value: Any) -> Any:
    """pydantic's JSON form of a value json cannot write: models, dates, UUIDs, decimals.

    Bytes inside JSON become base64 (what `format: byte` means, OAS 3.0 4.4).
    """
    if isinstance(value, File):
        value = _bytes_of(value)
    return to_jsonable_python(value, by_alias=True, bytes_mode="base64")


def _text_body(body: Any, media_type: str) -> Encoded:
    parameters = _parameters(media_type)
    charset = parameters.get("charset")
    content_type = _concrete(media_type, None, "text/plain")
    if charset is None:
        # Without a charset a text type means US-ASCII (RFC 2046 4.1.2); name the one used.
        charset = "utf-8"
        content_type = f"{content_type}; charset=utf-8"
    if isinstance(body, str):
        try:
            return Encoded(body.encode(charset), content_type)
        except LookupError:
            raise ValueError(f"unknown charset {charset!r}") from None
    return Encoded(_bytes_of(body), content_type)


def _bytes_of(value: Any) -> bytes:
    """The bytes of a binary body or file part: bytes-like, `File`, or a stream to read."""
    if isinstance(value, File):
        value = value.content
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    read = getattr(value, "read", None)
    if callable(read):
        data = read()
        return data.encode() if isinstance(data, str) else bytes(data)
    raise TypeError(f"expected bytes, a File or a binary stream, not {type(value).__name__}")


def _is_file(value: Any) -> bool:
    return isinstance(value, File | bytes | bytearray | memoryview) or callable(
        getattr(value, "read", None)
    )


def _is_object(value: Any) -> bool:
    return isinstance(value, Mapping | BaseModel)


def _is_array(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset)


def _properties(body: Any) -> list[tuple[str, Any]]:
    """A form body's properties by their names on the wire, None values left out.

    A model's fields are read as they are, not dumped, so that bytes, files and streams reach
    the encoder unchanged; only the names follow the aliases.
    """
    if isinstance(body, RootModel):
        return _properties(body.root)
    if isinstance(body, BaseModel):
        pairs = [
            (field.serialization_alias or field.alias or name, getattr(body, name))
            for name, field in type(body).model_fields.items()
        ]
        pairs.extend((body.model_extra or {}).items())
    elif isinstance(body, Mapping):
        pairs = [(str(key), value) for key, value in body.items()]
    else:
        raise TypeError(f"a form body is a model or a mapping, not {type(body).__name__}")
    return [(key, value) for key, value in pairs if value is not None]


def _scalar_text(value: Any) -> str:
    """A primitive as form text: JSON's spelling of booleans and numbers (OAS 3.1 4.8.12.4)."""
    if isinstance(value, enum.Enum):
        return _scalar_text(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int | float):
        return json.dumps(value, allow_nan=False)
    jsonable = _jsonable(value)
    if isinstance(jsonable, str | int | float | bool):
        return _scalar_text(jsonable)
    return json.dumps(jsonable, ensure_ascii=False, allow_nan=False)


def _is_scalar(value: Any) -> bool:
    return not (_is_object(value) or _is_array(value) or _is_file(value))


def _form_bytes(
    body: Any, encoding: Mapping[str, tuple[str | None, str | None, bool | None]]
) -> bytes:
    pieces = []
    for key, value in _properties(body):
        _, style, explode = encoding.get(key, (None, None, None))
        for name, text in _form_pairs(key, value, style or "form", explode):
            # WHATWG URL 5.2: percent-encode all but alphanumerics and `*-._`, space as `+`.
            pieces.append(f"{quote_plus(name, safe='*')}={quote_plus(text, safe='*')}")
    return "&".join(pieces).encode("ascii")


def _form_pairs(
    key: str, value: Any, style: str, explode: bool | None
) -> list[tuple[str, str | bytes]]:
    """The name=value pairs of one property, by its Encoding Object's style and explode.

    Encoding's defaults are those of query parameters (OAS 3.1 4.8.15.1): style form, explode
    true. What no style expresses (nested objects, arrays of objects) is sent as JSON text.
    """
    exploded = style == "form" if explode is None else explode
    if _is_file(value):
        # Form text has no files; the octets are percent-encoded as they are.
        return [(key, _bytes_of(value))]
    if _is_array(value):
        items = [item for item in value if item is not None]
        if not all(_is_scalar(item) for item in items):
            return [(key, _json_text(item)) for item in items]
        texts = [_scalar_text(item) for item in items]
        if exploded or style not in _DELIMITERS:
            return [(key, text) for text in texts]
        return [(key, _DELIMITERS[style].join(texts))]
    if _is_object(value):
        members = _properties(value)
        if not all(_is_scalar(member) for _, member in members):
            return [(key, _json_text(value))]
        if style == "deepObject":
            return [(f"{key}[{name}]", _scalar_text(member)) for name, member in members]
        if exploded or style not in _DELIMITERS:
            return [(name, _scalar_text(member)) for name, member in members]
        flat = [text for name, member in members for text in (name, _scalar_text(member))]
        return [(key, _DELIMITERS[style].join(flat))]
    return [(key, _scalar_text(value))]


def _multipart(
    body: Any,
    encoding: Mapping[str, tuple[str | None, str | None, bool | None]],
    media_type: str,
) -> Encoded:
    parts = [
        part
        for key, value in _properties(body)
        for part in _parts_of(key, value, _first_type(encoding.get(key, (None,))[0]))
    ]
    boundary = secrets.token_hex(24)
    # The delimiter must not occur in any part (RFC 2046 5.1.1); a random one almost never does.
    while any(f"--{boundary}".encode() in part for part in parts):
        boundary = secrets.token_hex(24)
    delimiter = f"--{boundary}\r\n".encode()
    content = (
        b"".join(delimiter + part + b"\r\n" for part in parts) + f"--{boundary}--\r\n".encode()
    )
    subtype = _base(media_type)
    if "*" in subtype or not subtype.startswith("multipart/"):
        subtype = "multipart/form-data"
    # A hex boundary needs no quotes (RFC 2046 5.1.1), and some parsers mishandle them.
    return Encoded(content, f"{subtype}; boundary={boundary}")


def _parts_of(key: str, value: Any, content_type: str | None) -> list[bytes]:
    """The parts of one property (OAS 3.1 4.8.14.4, RFC 7578 4.3): one per array item."""
    if _is_array(value) and all(_is_file(i) or _is_scalar(i) for i in value if i is not None):
        return [
            part
            for item in value
            if item is not None
            for part in _parts_of(key, item, content_type)
        ]
    if _is_file(value):
        file = value if isinstance(value, File) else None
        preferred = file.content_type if file else None
        part_type = _concrete(preferred, content_type, _DEFAULT_BINARY)
        return [_part(key, _filename(key, value), part_type, _bytes_of(value))]
    if _is_scalar(value) and not _is_json_type(content_type):
        # A part without Content-Type is text/plain (RFC 7578 4.4), as browsers send fields;
        # one the Encoding Object types is written in its charset, UTF-8 unless it names one.
        charset = _parameters(content_type or "").get("charset") or "utf-8"
        try:
            text = _scalar_text(value).encode(charset)
        except LookupError:
            raise ValueError(f"unknown charset {charset!r}") from None
        return [_part(key, None, content_type, text)]
    json_type = content_type if content_type and _is_json_type(content_type) else _JSON
    return [_part(key, None, json_type, _json_text(value).encode())]


def _filename(key: str, value: Any) -> str:
    """A file part's name: the File's, else the stream's own file name, else the property's."""
    if isinstance(value, File):
        if value.filename is not None:
            return value.filename
        value = value.content
    name = getattr(value, "name", None)
    if isinstance(name, str) and name:
        return os.path.basename(name) or key
    return key


def _part(name: str, filename: str | None, content_type: str | None, content: bytes) -> bytes:
    disposition = f'form-data; name="{_escape(name)}"'
    if filename is not None:
        disposition += f'; filename="{_escape(filename)}"'
    headers = f"Content-Disposition: {disposition}\r\n"
    if content_type:
        headers += f"Content-Type: {' '.join(content_type.split())}\r\n"
    return headers.encode() + b"\r\n" + content


def _escape(text: str) -> str:
    """A name or file name inside a quoted header value, as HTML writes it (RFC 7578 4.2;
    WHATWG HTML, multipart/form-data encoding): `"`, CR and LF percent-encoded, the rest
    UTF-8."""
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


# --- server side -------------------------------------------------------------------------


async def read_form(
    request: _Request,
    *,
    kind: BodyKind,
    max_size: int = MAX_BODY_SIZE,
    max_parts: int = MAX_PARTS,
    max_field_size: int = MAX_FIELD_SIZE,
) -> dict[str, Any]:
    """A form or multipart body as JSON-like data to validate against the body schema.

    A name sent more than once gives a list. Multipart parts with a file name, or of a type
    that is neither text nor JSON, give bytes; JSON parts their parsed value; the others
    text. Raises `MalformedBody` for a body that breaks its media type or the limits.
    """
    if kind not in ("form", "multipart"):
        raise ValueError(f"read_form reads form and multipart bodies, not {kind!r}")
    content_type = request.headers.get("content-type", "")
    if kind == "multipart":
        boundary = _parameters(content_type).get("boundary")
        if boundary is None or not _BOUNDARY.fullmatch(boundary):
            raise MalformedBody("the multipart Content-Type has no valid boundary")
        body = await _read_bounded(request, max_size)
        items = _multipart_items(body, boundary.encode(), max_parts, max_field_size)
    else:
        body = await _read_bounded(request, max_size)
        items = _form_items(body, max_parts)
    return _group(items)


async def read_text(request: _Request, *, max_size: int = MAX_BODY_SIZE) -> str:
    """A text body, decoded by the charset of its Content-Type (UTF-8 when it names none)."""
    parameters = _parameters(request.headers.get("content-type", ""))
    charset = parameters.get("charset") or "utf-8"
    body = await _read_bounded(request, max_size)
    try:
        return body.decode(charset)
    except LookupError:
        raise MalformedBody(f"unknown charset {charset!r}") from None
    except UnicodeDecodeError:
        raise MalformedBody(f"the body is not valid {charset}") from None


async def read_binary(request: _Request, *, max_size: int = MAX_BODY_SIZE) -> bytes:
    """A binary body, no larger than `max_size`."""
    return await _read_bounded(request, max_size)


def coerce_form(
    data: Mapping[str, Any],
    shape: FormShape,
    encoding: Mapping[str, tuple[str | None, str | None, bool | None]]
    | Iterable[EncodingEntry] = (),
) -> dict[str, Any]:
    """Form text turned into the types of `shape`, so that strict models accept it.

    Text that does not spell its type stays text, for validation to report. A property of an
    array type sent once becomes a one-item list; an object property is gathered from its JSON
    text, its `name[member]` fields (deepObject) or its members sent as fields (form, exploded).
    """
    out = dict(data)
    _, properties = shape
    own = {name for name, _ in properties}
    styles = {
        name: (style, explode) for name, (_, style, explode) in _encoding_map(encoding).items()
    }
    for name, kind in properties:
        if isinstance(kind, tuple):
            value = _gather(out, name, kind, own)
            if value is not _MISSING:
                out[name] = value
        elif name in out:
            out[name] = _coerce(_split(out[name], kind, *styles.get(name, (None, None))), kind)
    return out


def _split(value: Any, kind: str, style: str | None, explode: bool | None) -> Any:
    """A non-exploded array sent as one delimited field (OAS 3.1 4.8.12.4) as its items."""
    exploded = (style or "form") == "form" if explode is None else explode
    delimiter = _DELIMITERS.get(style or "form")
    if kind.startswith("array:") and not exploded and delimiter and isinstance(value, str):
        return value.split(delimiter) if value else []
    return value


def _gather(out: dict[str, Any], name: str, shape: FormShape, own: set[str]) -> Any:
    if name in out:
        value = out[name]
        if isinstance(value, str | bytes):
            value = _coerce(value, "json")
        return coerce_form(value, shape) if isinstance(value, Mapping) else value
    prefix = name + "["
    deep = [key for key in out if key.startswith(prefix) and key.endswith("]")]
    members = deep or [m for m, _ in shape[1] if m in out and m not in own]
    if not members:
        return _MISSING
    gathered = {(key[len(prefix) : -1] if deep else key): out.pop(key) for key in members}
    return coerce_form(gathered, shape)


def _coerce(value: Any, kind: str) -> Any:
    if kind.startswith("array:"):
        items = value if isinstance(value, list) else [value]
        return [_coerce(item, kind[len("array:") :]) for item in items]
    if kind == "binary" and isinstance(value, str):
        return value.encode()
    if kind == "string" and isinstance(value, bytes):
        try:
            return value.decode()
        except UnicodeDecodeError:
            return value
    if not isinstance(value, str | bytes) or kind not in ("integer", "number", "boolean", "json"):
        return value
    text = value.decode(errors="replace") if isinstance(value, bytes) else value
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        return int(text) if _INTEGER.fullmatch(text) else float(text)
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    if kind == "json":
        try:
            return json.loads(text)
        except ValueError:
            return value
    return value


async def _read_bounded(request: _Request, limit: int) -> bytes:
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise MalformedBody(f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _parameters(media_type: str) -> dict[str, str]:
    """The parameters of a media type, names lower case, quoted values unquoted."""
    out: dict[str, str] = {}
    for name, raw in _PARAMETER.findall(media_type):
        value = raw.strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.setdefault(name.lower(), value)
    return out


def _form_items(body: bytes, max_fields: int) -> list[tuple[str, Any]]:
    """The WHATWG application/x-www-form-urlencoded parser (URL 5.1), on the body's bytes."""
    items: list[tuple[str, Any]] = []
    for sequence in body.split(b"&"):
        if not sequence:
            continue
        if len(items) >= max_fields:
            raise MalformedBody(f"the form has more than {max_fields} fields")
        name, _, value = sequence.partition(b"=")
        items.append((_form_decode(name), _form_decode(value)))
    return items


def _form_decode(raw: bytes) -> str:
    # Invalid UTF-8 becomes U+FFFD, as in browsers ("UTF-8 decode without BOM").
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "replace")


def _multipart_items(
    body: bytes, boundary: bytes, max_parts: int, max_field_size: int
) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for part in _split_parts(body, boundary):
        if len(items) >= max_parts:
            raise MalformedBody(f"the body has more than {max_parts} parts")
        items.append(_read_part(part, max_field_size))
    return items


def _split_parts(body: bytes, boundary: bytes) -> Iterator[bytes]:
    """The parts between the delimiters of a multipart body (RFC 2046 5.1.1).

    The preamble and epilogue are ignored; a body without its closing delimiter is truncated.
    The delimiter cannot occur inside a part, so a plain search finds each part's end.
    """
    dash = b"--" + boundary
    delimiter = b"\r\n" + dash
    if body.startswith(dash):
        position = len(dash)
    else:
        start = body.find(delimiter)
        if start < 0:
            raise MalformedBody("the body has no multipart boundary")
        position = start + len(delimiter)
    while not body.startswith(b"--", position):
        line_end = body.find(b"\r\n", position)
        # Only transport padding (white space) may follow a boundary on its line.
        if line_end < 0 or body[position:line_end].strip(b" \t"):
            raise MalformedBody("a multipart boundary line is malformed")
        end = body.find(delimiter, line_end + 2)
        if end < 0:
            raise MalformedBody("the body ends before its closing multipart boundary")
        yield body[line_end + 2 : end]
        position = end + len(delimiter)


def _read_part(part: bytes, max_field_size: int) -> tuple[str, Any]:
    if part.startswith(b"\r\n"):
        raw_headers, content = b"", part[2:]
    else:
        raw_headers, separator, content = part.partition(b"\r\n\r\n")
        if not separator:
            raise MalformedBody("a multipart part has no blank line after its headers")
    if len(raw_headers) > MAX_PART_HEADERS:
        raise MalformedBody("a multipart part's headers are too large")
    headers = _part_headers(raw_headers)
    disposition = headers.get("content-disposition", "")
    parameters = {
        key.lower(): quoted if quoted or not bare else bare.strip()
        for key, quoted, bare in _DISPOSITION_PARAMETER.findall(disposition)
    }
    name = parameters.get("name")
    if name is None:
        raise MalformedBody("a multipart part has no name in its Content-Disposition")
    content_type = headers.get("content-type")
    base = _base(content_type or "text/plain")
    if "filename" in parameters or not (base.startswith("text/") or _is_json_type(base)):
        return _unescape(name), content
    if len(content) > max_field_size:
        raise MalformedBody(f"a multipart field is larger than {max_field_size} bytes")
    charset = _parameters(content_type or "").get("charset") or "utf-8"
    try:
        text = content.decode(charset)
    except (LookupError, UnicodeDecodeError):
        # Not text after all: the bytes are kept, for a binary property to take as they are.
        return _unescape(name), content
    if _is_json_type(base):
        try:
            return _unescape(name), json.loads(text)
        except (ValueError, RecursionError):
            raise MalformedBody(
                f"the multipart part {_unescape(name)!r} is not valid JSON"
            ) from None
    return _unescape(name), text


def _part_headers(raw: bytes) -> dict[str, str]:
    headers = {}
    for line in raw.split(b"\r\n") if raw else ():
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            raise MalformedBody("a multipart part has a malformed header line")
        headers[name.decode("latin-1").lower()] = value.strip().decode("utf-8", "replace")
    return headers


def _unescape(text: str) -> str:
    """Undo HTML's escaping of a part's name (WHATWG Fetch, multipart/form-data parser)."""
    return text.replace("%0A", "\n").replace("%0D", "\r").replace("%22", '"')


def _group(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """Fields by name; a name that comes more than once gives the list of its values."""
    out: dict[str, Any] = {}
    repeated: set[str] = set()
    for name, value in items:
        if name not in out:
            out[name] = value
        elif name in repeated:
            out[name].append(value)
        else:
            out[name] = [out[name], value]
            repeated.add(name)
    return out
