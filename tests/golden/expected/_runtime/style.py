"""Parameter serialisation by `style` and `explode` (OAS 3.1.1 4.8.12.4, RFC 6570 3.2).

The client writes path, query, header and cookie parameters with the `encode_*` functions; the
server reads them back with the `decode_*` functions into JSON-like data, typed by a `Shape` so
that numbers and booleans reach strict models as numbers and booleans. Values are written as the
style examples table of OAS 3.1.1 4.8.12.4 shows them:

- label without explode joins items with `,` (`.blue,black,brown`), as RFC 6570 3.2.5 does; the
  table of OAS 3.1.0 wrote `.blue.black.brown`, an error OAS 3.1.1 corrected.
- pipeDelimited writes `|` as `%7C`, and deepObject `[` `]` as `%5B` `%5D`, as the OAS 3.1.1
  table does (RFC 3986 3.4 allows neither unencoded in a query). Both spellings read back: the
  query is percent-decoded before it is split. spaceDelimited writes the space as `%20`.
- `allowReserved` keeps RFC 3986 2.2 reserved characters and percent-encoded triples (RFC 6570
  3.2.3), except `#`, `[`, `]` (not allowed in a query) and `&`, `=`, `+` (the form encoding's
  own), which OAS 3.1.1 4.8.12.2 leaves to the application to encode.
- Header values are not percent-encoded (OAS 3.1.1 Appendix D); CR, LF and NUL are refused.
- Cookie values are percent-encoded, and a cookie array's `,` stays literal (form style).
- An undefined value (None, an empty array or object, RFC 6570 2.3) writes nothing: no query
  piece, no cookie, an empty path segment or header value. None members are left out.
- Nested arrays and objects, which RFC 6570 does not define, are written as compact JSON.
- A scalar is written as form writes it whatever the query style (the table has n/a there), so
  are spaceDelimited and pipeDelimited with explode (n/a) and deepObject given an array.

What cannot round-trip, by the grammar itself:

- A delimiter in the data. The router and the query parser percent-decode before this module
  sees the text, so an item holding its style's delimiter reads as two: `,` (simple, form, and
  label and matrix without explode), `.` (exploded label), `;` (exploded matrix), space
  (spaceDelimited), `|` (pipeDelimited), and `=` in the property name of an exploded path or
  header object. Cookies are read still percent-encoded, so they keep every character.
- Empty. An empty array or object is undefined: in a query or a cookie it reads as absent
  (MISSING); in a path or header it reads as empty, so a simple-style array holding one empty
  string reads as `[]`.
- `allowReserved` sends `%XX` triples as they are, so the server reads the character they encode.
- Header values and header array items lose surrounding white space (RFC 9110 5.5; several field
  lines arrive joined by `, `). Header text is sent as it is, so it must be valid field content
  (visible ASCII and spaces travel everywhere).
- An exploded cookie array repeats the cookie name; a Mapping (Starlette's `request.cookies`)
  keeps the last only, so pass `cookie_pairs(header)` to read them all. A cookie with an empty
  name and an empty value is dropped, as Starlette's parser drops it.
- An exploded form object in a query or cookie has its properties as keys of their own, mixed
  with other parameters: only the keys the shape names are read and, when the shape allows
  additional properties, every key not in `exclude` (the operation's other parameters).
- In a path, `%2F` is decoded to `/` by the ASGI server, so a value holding `/` does not match a
  route's `{name}`, nor does an empty value.
- Text that does not parse as its shape's scalar type stays a string, for the model to report.
"""

from __future__ import annotations

import datetime
import enum
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias
from urllib.parse import quote, unquote

__all__ = [
    "MISSING",
    "Missing",
    "Scalar",
    "Shape",
    "cookie_pairs",
    "decode_cookie",
    "decode_header",
    "decode_path",
    "decode_query",
    "encode_cookie",
    "encode_header",
    "encode_path",
    "encode_query",
]

# A parameter's type as the decoders need it, written as a literal by the generator: a scalar
# type, `("array", item type)`, or `("object", ((property, type), ...), additional type or None)`.
Scalar: TypeAlias = Literal["string", "integer", "number", "boolean", "any"]
Shape: TypeAlias = (
    Scalar
    | tuple[Literal["array"], Scalar]
    | tuple[Literal["object"], tuple[tuple[str, Scalar], ...], Scalar | None]
)


class Missing(enum.Enum):
    """The type of `MISSING`: a parameter the request does not carry."""

    MISSING = "MISSING"


MISSING: Final = Missing.MISSING

# A value as RFC 6570 expands it: a string, a list, or (name, value) pairs; None is undefined.
_Members: TypeAlias = str | list[str] | list[tuple[str, str]] | None

# RFC 3986 2.2 reserved characters that allowReserved keeps: all but `#`, `[`, `]` and `&`,
# `=`, `+` (OAS 3.1.1 4.8.12.2).
_RESERVED_KEPT: Final = ":/?@!$'()*,;"
_TRIPLE: Final = re.compile(r"(%[0-9A-Fa-f]{2})")
# RFC 6265 4.1.1: a cookie name is an RFC 9110 token; other characters are percent-encoded.
_TOKEN_KEPT: Final = "!#$&'*+^`|"
# Never valid in a field value (RFC 9110 5.5): would end the header or the request.
_NOT_IN_FIELD: Final = re.compile(r"[\r\n\x00]")
_INTEGER: Final = re.compile(r"-?[0-9]+")
_NUMBER: Final = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|-?Infinity")
# The query styles whose array items share one value, by the delimiter they read.
_DELIMITERS: Final = {"spaceDelimited": " ", "pipeDelimited": "|"}
_WRITTEN_DELIMITERS: Final = {"spaceDelimited": "%20", "pipeDelimited": "%7C"}


# Writing


def _percent(text: str) -> str:
    # RFC 6570 1.6 / RFC 3986 2.1: all but unreserved characters, as UTF-8 octets.
    return quote(text, safe="")


def _percent_reserved(text: str) -> str:
    # RFC 6570 3.2.3 reserved expansion: reserved characters and `%XX` triples pass through.
    parts = _TRIPLE.split(text)
    return "".join(
        part if index % 2 else quote(part, safe=_RESERVED_KEPT) for index, part in enumerate(parts)
    )


def _as_is(text: str) -> str:
    return text


def _cookie_name(name: str) -> str:
    return quote(name, safe=_TOKEN_KEPT)


def _plain(value: Any) -> Any:
    """`value` as JSON-like data: enum members by value, dates and times in ISO 8601."""
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {_text(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _text(value: Any) -> str:
    """A scalar as text: booleans and numbers as JSON writes them, containers as compact JSON."""
    value = _plain(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | list | dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _members(value: Any) -> _Members:
    """`value` as RFC 6570 expands it; None when undefined (RFC 6570 2.3)."""
    value = _plain(value)
    if value is None:
        return None
    if isinstance(value, dict):
        pairs = [(key, _text(item)) for key, item in value.items() if item is not None]
        return pairs or None
    if isinstance(value, list):
        items = [_text(item) for item in value if item is not None]
        return items or None
    return _text(value)


def _flat(members: list[str] | list[tuple[str, str]], encode: Callable[[str], str]) -> list[str]:
    """Items, or names and values in turn (`R,100,G,200`), each encoded."""
    flat: list[str] = []
    for member in members:
        flat.extend(map(encode, member) if isinstance(member, tuple) else [encode(member)])
    return flat


def _unnamed(
    members: str | list[str] | list[tuple[str, str]],
    *,
    explode: bool,
    separator: str,
    encode: Callable[[str], str],
) -> str:
    """RFC 6570 simple and label expansion, less the label's `.` prefix."""
    if isinstance(members, str):
        return encode(members)
    if not explode:
        return ",".join(_flat(members, encode))
    return separator.join(
        f"{encode(m[0])}={encode(m[1])}" if isinstance(m, tuple) else encode(m) for m in members
    )


def _named(key: str, value: str) -> str:
    # RFC 6570 3.2.7: `;name` alone when the value is empty, else `;name=value`.
    return f";{key}={value}" if value else f";{key}"


def _matrix(members: str | list[str] | list[tuple[str, str]], name: str, explode: bool) -> str:
    if isinstance(members, str):
        return _named(name, _percent(members))
    if not explode:
        return _named(name, ",".join(_flat(members, _percent)))
    return "".join(
        _named(_percent(m[0]), _percent(m[1]))
        if isinstance(m, tuple)
        else _named(name, _percent(m))
        for m in members
    )


def encode_path(value: Any, *, name: str, style: str = "simple", explode: bool = False) -> str:
    """The text that replaces `{name}` in the path: styles simple, label and matrix.

    Percent-encoded but for unreserved characters, so a `/` in a value never adds a segment; the
    delimiters the style adds (`.`, `;`, `=`, `,`) stay literal.
    """
    members = _members(value)
    if members is None:
        # RFC 6570 2.3: an undefined value expands to nothing, its prefix included.
        return ""
    if style == "label":
        return "." + _unnamed(members, explode=explode, separator=".", encode=_percent)
    if style == "matrix":
        return _matrix(members, _percent(name), explode)
    return _unnamed(members, explode=explode, separator=",", encode=_percent)


def encode_query(
    value: Any,
    *,
    name: str,
    style: str = "form",
    explode: bool = True,
    allow_reserved: bool = False,
) -> list[str]:
    """Percent-encoded `key=value` pieces to join with `&`; none for an undefined value.

    Styles form, spaceDelimited, pipeDelimited and deepObject (OAS 3.1.1 4.8.12.4).
    """
    members = _members(value)
    if members is None:
        return []
    key = _percent(name)
    encode = _percent_reserved if allow_reserved else _percent
    if isinstance(members, str):
        return [f"{key}={encode(members)}"]
    if style == "deepObject" and isinstance(members[0], tuple):
        return [
            f"{key}%5B{_percent(m[0])}%5D={encode(m[1])}" for m in members if isinstance(m, tuple)
        ]
    if not explode:
        delimiter = _WRITTEN_DELIMITERS.get(style, ",")
        return [f"{key}={delimiter.join(_flat(members, encode))}"]
    # Form with explode: each item repeats the name, each property is a key of its own.
    return [
        f"{_percent(m[0])}={encode(m[1])}" if isinstance(m, tuple) else f"{key}={encode(m)}"
        for m in members
    ]


def encode_header(value: Any, *, explode: bool = False) -> str:
    """A header field value in style simple; empty for an undefined value.

    Not percent-encoded (OAS 3.1.1 Appendix D); a value holding CR, LF or NUL is refused with
    ValueError, as it would end the field.
    """
    members = _members(value)
    if members is None:
        return ""
    text = _unnamed(members, explode=explode, separator=",", encode=_as_is)
    if _NOT_IN_FIELD.search(text):
        raise ValueError("a header value cannot hold CR, LF or NUL")
    return text


def encode_cookie(value: Any, *, name: str, explode: bool = True) -> list[str]:
    """`name=value` pieces in style form, to join with `; ` into one Cookie header (RFC 6265 4.2).

    Values are percent-encoded; names too where they are not RFC 9110 token characters. An
    exploded object makes each property a cookie of its own; an exploded array repeats `name`.
    """
    members = _members(value)
    if members is None:
        return []
    key = _cookie_name(name)
    if isinstance(members, str):
        return [f"{key}={_percent(members)}"]
    if not explode:
        return [f"{key}={','.join(_flat(members, _percent))}"]
    return [
        f"{_cookie_name(m[0])}={_percent(m[1])}" if isinstance(m, tuple) else f"{key}={_percent(m)}"
        for m in members
    ]


# Reading


def _scalar(text: str, kind: Scalar) -> Any:
    """`text` as `kind`, or the text itself when it does not parse (the model reports it)."""
    try:
        if kind == "integer" and _INTEGER.fullmatch(text):
            return int(text)
        if kind == "number" and _NUMBER.fullmatch(text):
            return int(text) if _INTEGER.fullmatch(text) else float(text)
    except ValueError:
        # int() refuses more digits than sys.get_int_max_str_digits().
        return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def _kind(shape: Shape) -> Literal["scalar", "array", "object"]:
    return "scalar" if isinstance(shape, str) else shape[0]


def _item_type(shape: Shape) -> Scalar:
    item = shape[1] if isinstance(shape, tuple) and shape[0] == "array" else "any"
    return item if isinstance(item, str) else "any"


def _object_types(shape: Shape) -> tuple[dict[str, Scalar], Scalar | None]:
    """An object shape's property types, and the type of any other property (None: none)."""
    if isinstance(shape, tuple) and shape[0] == "object":
        properties = shape[1]
        return dict(properties) if isinstance(properties, tuple) else {}, shape[-1]
    return {}, "any"


def _typed_items(items: Iterable[str], shape: Shape) -> list[Any]:
    kind = _item_type(shape)
    return [_scalar(item, kind) for item in items]


def _typed_object(pairs: Iterable[tuple[str, str]], shape: Shape) -> dict[str, Any]:
    # A self-contained object keeps every property; one the shape does not name is typed as the
    # additional properties are, or left text for the model to accept or refuse.
    properties, additional = _object_types(shape)
    return {key: _scalar(text, properties.get(key, additional or "any")) for key, text in pairs}


def _pairs(pieces: list[str]) -> list[tuple[str, str]]:
    """`R,100,G,200` split: names and values in turn."""
    if len(pieces) % 2:
        raise ValueError("an object's names and values come in pairs")
    return list(zip(pieces[::2], pieces[1::2], strict=True))


def _assignments(pieces: Iterable[str], *, bare: bool = False) -> list[tuple[str, str]]:
    """`R=100` pieces split; `bare` reads a piece without `=` as an empty value (matrix)."""
    pairs = []
    for piece in pieces:
        key, equals, text = piece.partition("=")
        if not equals and not bare:
            raise ValueError("an exploded object's property is written `name=value`")
        pairs.append((key, text))
    return pairs


def _split(text: str, separator: str) -> list[str]:
    return text.split(separator) if text else []


def _delimited(text: str, *, separator: str, explode: bool, shape: Shape) -> Any:
    """A value whose items (or names and values) are split at `separator`."""
    if isinstance(shape, str):
        return _scalar(text, shape)
    pieces = text.split(separator)
    if shape[0] == "array":
        return _typed_items(pieces, shape)
    if not text:
        return {}
    return _typed_object(_assignments(pieces) if explode else _pairs(pieces), shape)


def _named_value(piece: str, name: str) -> str:
    """The value of a matrix `name=value` (or bare `name`) piece."""
    if piece == name:
        return ""
    if piece.startswith(name + "="):
        return piece[len(name) + 1 :]
    raise ValueError(f"a matrix value is written ;{name}=value")


def _matrix_value(text: str, *, name: str, explode: bool, shape: Shape) -> Any:
    kind = _kind(shape)
    body = text[1:]
    if kind == "object" and explode:
        return _typed_object(_assignments(body.split(";"), bare=True), shape)
    if kind == "array" and explode:
        return _typed_items((_named_value(piece, name) for piece in body.split(";")), shape)
    return _delimited(_named_value(body, name), separator=",", explode=False, shape=shape)


def _empty(shape: Shape) -> Any:
    return [] if _kind(shape) == "array" else {}


def decode_path(text: str, *, name: str, style: str, explode: bool, shape: Shape) -> Any:
    """A path parameter from its segment text, already percent-decoded by the router.

    Label and matrix text includes its prefix (`.a.b`, `;id=5`); ValueError when the text does
    not fit the style.
    """
    if style in ("label", "matrix"):
        if not text and _kind(shape) != "scalar":
            # RFC 6570 2.3: an empty array or object expands to nothing, prefix included.
            return _empty(shape)
        prefix = "." if style == "label" else ";"
        if not text.startswith(prefix):
            raise ValueError(f"a {style} value starts with {prefix!r}")
        if style == "matrix":
            return _matrix_value(text, name=name, explode=explode, shape=shape)
        separator = "." if explode else ","
        return _delimited(text[1:], separator=separator, explode=explode, shape=shape)
    if not text and _kind(shape) != "scalar":
        return _empty(shape)
    return _delimited(text, separator=",", explode=explode, shape=shape)


def decode_query(
    items: Sequence[tuple[str, str]],
    *,
    name: str,
    style: str,
    explode: bool,
    shape: Shape,
    exclude: Collection[str] = (),
) -> Any:
    """A query parameter from the decoded query's (key, value) pairs, or MISSING when absent.

    An exploded form object reads the keys its shape names, and, when the shape allows
    additional properties, every key not in `exclude` (the operation's other query parameters).
    deepObject reads `name[property]` keys. A scalar, or a delimited value, repeated reads its
    last occurrence, as Starlette's `query_params[name]` does.
    """
    kind = _kind(shape)
    if kind == "object" and style == "deepObject":
        opening = name + "["
        pairs = [
            (key[len(opening) : -1], text)
            for key, text in items
            if key.startswith(opening) and key.endswith("]")
        ]
        return _typed_object(pairs, shape) if pairs else MISSING
    if kind == "object" and explode:
        pairs = _own_keys(items, shape, exclude)
        return _typed_object(pairs, shape) if pairs else MISSING
    values = [text for key, text in items if key == name]
    if not values:
        return MISSING
    if kind == "array" and explode:
        return _typed_items(values, shape)
    return _delimited(values[-1], separator=_DELIMITERS.get(style, ","), explode=False, shape=shape)


def _own_keys(
    items: Iterable[tuple[str, str]], shape: Shape, exclude: Collection[str]
) -> list[tuple[str, str]]:
    """The pairs an exploded form object claims: properties named, or others when allowed."""
    properties, additional = _object_types(shape)
    return [
        (key, text)
        for key, text in items
        if key in properties or (additional is not None and key not in exclude)
    ]


def decode_header(text: str | None, *, explode: bool, shape: Shape) -> Any:
    """A header parameter in style simple, or MISSING when the header is absent.

    Several field lines arrive joined by `, `; white space around items is not data.
    """
    if text is None:
        return MISSING
    if isinstance(shape, str):
        return _scalar(text.strip(), shape)
    pieces = [piece.strip() for piece in _split(text.strip(), ",")]
    if shape[0] == "array":
        return _typed_items(pieces, shape)
    return _typed_object(_assignments(pieces) if explode else _pairs(pieces), shape)


def cookie_pairs(header: str) -> list[tuple[str, str]]:
    """A Cookie header's (name, value) pairs, repeated names kept (RFC 6265 5.4).

    Split as Starlette's `cookie_parser` splits it, which keeps the last of repeated names.
    """
    pairs = []
    for chunk in header.split(";"):
        key, _, text = chunk.partition("=") if "=" in chunk else ("", "", chunk)
        key, text = key.strip(), text.strip()
        if key or text:
            pairs.append((key, text))
    return pairs


def decode_cookie(
    cookies: Mapping[str, str] | Sequence[tuple[str, str]],
    *,
    name: str,
    explode: bool,
    shape: Shape,
    exclude: Collection[str] = (),
) -> Any:
    """A cookie parameter in style form, or MISSING when absent.

    `cookies` holds values still percent-encoded, a Mapping (`request.cookies`) or the pairs
    `cookie_pairs` gives, which keep an exploded array's repeated name. Values are split at the
    style's `,` before they are decoded, so an item may hold any character.
    """
    found = cookies.items() if isinstance(cookies, Mapping) else cookies
    pairs = [(unquote(key), text) for key, text in found]
    kind = _kind(shape)
    if kind == "object" and explode:
        own = _own_keys(pairs, shape, exclude)
        return _typed_object(((key, unquote(text)) for key, text in own), shape) if own else MISSING
    values = [text for key, text in pairs if key == name]
    if not values:
        return MISSING
    if isinstance(shape, str):
        return _scalar(unquote(values[-1]), shape)
    if kind == "array":
        pieces = values if explode else values[-1].split(",")
        return _typed_items(map(unquote, pieces), shape)
    return _typed_object(_pairs([unquote(piece) for piece in _split(values[-1], ",")]), shape)
