"""`_runtime/style.py` and `ir/_style`: parameters written and read by `style` and `explode`.

The runtime module is rendered from its template and imported from a temporary folder. Written
values match the style examples table of OAS 3.1.1 4.8.12.4; whatever the client writes, the
server reads back after the transport decodes it as Starlette does (the path percent-decoded,
the query by `parse_qsl`, cookies by Starlette's `cookie_parser`), within the limits the
module's docstring lists, which the strategies below leave out.
"""

from __future__ import annotations

import datetime
import enum
import types
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import cookie_parser

from oaskit.ir._style import parameter_shape, parameter_style
from tests.support.runtime_module import runtime_module


@pytest.fixture(scope="module")
def style(tmp_path_factory: pytest.TempPathFactory) -> Iterator[types.ModuleType]:
    with runtime_module("style", tmp_path_factory.mktemp("runtime")) as module:
        yield module


# The OAS 3.1.1 4.8.12.4 style examples table, `?` prefix left off. OAS 3.1.0's table wrote
# label without explode as `.blue.black.brown`; 3.1.1 corrected it to RFC 6570 3.2.5's form.
BLUE = "blue"
COLORS = ["blue", "black", "brown"]
RGB = {"R": 100, "G": 200, "B": 150}
RGB_SHAPE = ("object", (("R", "integer"), ("G", "integer"), ("B", "integer")), None)
TABLE = [
    (
        "matrix",
        False,
        ";color",
        ";color=blue",
        ";color=blue,black,brown",
        ";color=R,100,G,200,B,150",
    ),
    (
        "matrix",
        True,
        ";color",
        ";color=blue",
        ";color=blue;color=black;color=brown",
        ";R=100;G=200;B=150",
    ),
    ("label", False, ".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"),
    ("label", True, ".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
    ("simple", False, "", "blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("simple", True, "", "blue", "blue,black,brown", "R=100,G=200,B=150"),
    ("form", False, "color=", "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
    (
        "form",
        True,
        "color=",
        "color=blue",
        "color=blue&color=black&color=brown",
        "R=100&G=200&B=150",
    ),
    (
        "spaceDelimited",
        False,
        None,
        None,
        "color=blue%20black%20brown",
        "color=R%20100%20G%20200%20B%20150",
    ),
    (
        "pipeDelimited",
        False,
        None,
        None,
        "color=blue%7Cblack%7Cbrown",
        "color=R%7C100%7CG%7C200%7CB%7C150",
    ),
    ("deepObject", True, None, None, None, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
]
_PATH_STYLES = ("matrix", "label", "simple")


def _table_cells() -> Iterator[tuple[str, bool, Any, Any, str]]:
    for style_name, explode, *written in TABLE:
        values = ("", BLUE, COLORS, RGB)
        shapes = ("string", "string", ("array", "string"), RGB_SHAPE)
        for value, shape, text in zip(values, shapes, written, strict=True):
            if text is not None:
                yield style_name, explode, value, shape, text


@pytest.mark.parametrize(("style_name", "explode", "value", "shape", "text"), list(_table_cells()))
def test_style_examples_table(
    style: types.ModuleType, style_name: str, explode: bool, value: Any, shape: Any, text: str
) -> None:
    if style_name in _PATH_STYLES:
        assert style.encode_path(value, name="color", style=style_name, explode=explode) == text
        read = style.decode_path(
            unquote(text), name="color", style=style_name, explode=explode, shape=shape
        )
    else:
        pieces = style.encode_query(value, name="color", style=style_name, explode=explode)
        assert "&".join(pieces) == text
        read = style.decode_query(
            parse_qsl(text, keep_blank_values=True),
            name="color",
            style=style_name,
            explode=explode,
            shape=shape,
        )
    assert read == value


@pytest.mark.parametrize(
    ("style_name", "query", "shape", "value"),
    [
        # OAS 3.1.0's spellings, unencoded `|` and `[ ]`, read the same once percent-decoded.
        ("pipeDelimited", "color=blue|black|brown", ("array", "string"), COLORS),
        ("deepObject", "color[R]=100&color[G]=200&color[B]=150", RGB_SHAPE, RGB),
        # A `+` is a space in a query (WHATWG URL, application/x-www-form-urlencoded).
        ("spaceDelimited", "color=blue+black+brown", ("array", "string"), COLORS),
    ],
)
def test_query_reads_unencoded_delimiters(
    style: types.ModuleType, style_name: str, query: str, shape: Any, value: Any
) -> None:
    items = parse_qsl(query, keep_blank_values=True)
    explode = style_name == "deepObject"
    read = style.decode_query(items, name="color", style=style_name, explode=explode, shape=shape)
    assert read == value


def test_scalars_are_written_as_json_writes_them(style: types.ModuleType) -> None:
    class Color(enum.Enum):
        RED = "red"

    assert style.encode_query([1, 1.5, True, None, Color.RED], name="n") == [
        "n=1",
        "n=1.5",
        "n=true",
        "n=red",
    ]
    assert style.encode_path(datetime.date(2024, 1, 2), name="d") == "2024-01-02"
    assert style.encode_header({"a": [1, 2]}) == "a,[1,2]"


def test_allow_reserved_keeps_reserved_characters_but_the_forms_own(
    style: types.ModuleType,
) -> None:
    pieces = style.encode_query("a/b:c?d@!$'()*,;%41%zz&=+#[] é", name="q", allow_reserved=True)
    assert pieces == ["q=a/b:c?d@!$'()*,;%41%25zz%26%3D%2B%23%5B%5D%20%C3%A9"]


def test_header_refuses_line_breaks(style: types.ModuleType) -> None:
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        style.encode_header("a\r\nSet-Cookie: x=1")


@pytest.mark.parametrize(
    ("text", "style_name", "shape"),
    [
        ("blue", "label", "string"),
        (";size=1", "matrix", "string"),
        (";color=R,100,G", "matrix", RGB_SHAPE),
        ("R=100,G", "simple", RGB_SHAPE),
    ],
)
def test_path_text_that_does_not_fit_its_style_is_refused(
    style: types.ModuleType, text: str, style_name: str, shape: Any
) -> None:
    with pytest.raises(ValueError, match=r"."):
        style.decode_path(
            text, name="color", style=style_name, explode=style_name == "simple", shape=shape
        )


def test_scalars_are_typed_by_shape_or_kept_as_text(style: types.ModuleType) -> None:
    def read(text: str, shape: Any) -> Any:
        return style.decode_path(text, name="x", style="simple", explode=False, shape=shape)

    assert read("12", "integer") == 12
    assert read("1.5", "integer") == "1.5"
    assert read("1.5", "number") == 1.5
    assert read("-3", "number") == -3
    assert read("1e3", "number") == 1000.0
    assert read("١٢", "integer") == "١٢"
    assert read("True", "boolean") == "True"
    assert read("false", "boolean") is False
    assert read("12", "any") == "12"
    assert read("1,x,true", ("array", "integer")) == [1, "x", "true"]


def test_query_absent_and_exploded_objects(style: types.ModuleType) -> None:
    items = [("limit", "5"), ("R", "1"), ("X", "2"), ("color", "z")]
    shape = ("object", (("R", "integer"),), None)
    decode = style.decode_query
    assert decode(items, name="other", style="form", explode=True, shape="string") is style.MISSING
    # Only named properties without additional ones; with them, every key not excluded.
    assert decode(items, name="color", style="form", explode=True, shape=shape) == {"R": 1}
    loose = ("object", (("R", "integer"),), "integer")
    read = decode(
        items, name="color", style="form", explode=True, shape=loose, exclude={"limit", "color"}
    )
    assert read == {"R": 1, "X": 2}
    # A repeated scalar reads its last occurrence, as Starlette's `query_params[...]` does.
    repeated = [("n", "1"), ("n", "2")]
    assert decode(repeated, name="n", style="form", explode=True, shape="integer") == 2
    assert style.decode_header(None, explode=False, shape="string") is style.MISSING
    assert style.decode_cookie({}, name="c", explode=True, shape="string") is style.MISSING


def test_exploded_cookie_array_needs_the_pairs(style: types.ModuleType) -> None:
    header = "; ".join(style.encode_cookie(["a,b", "c d"], name="tag"))
    assert header == "tag=a%2Cb; tag=c%20d"
    shape = ("array", "string")
    assert style.decode_cookie(
        style.cookie_pairs(header), name="tag", explode=True, shape=shape
    ) == ["a,b", "c d"]
    # A Mapping keeps the last of repeated names, as Starlette's `request.cookies` does.
    assert style.decode_cookie(cookie_parser(header), name="tag", explode=True, shape=shape) == [
        "c d"
    ]


# Round trips. A case: (location, style, explode, allowReserved).
CASES = [
    ("path", "simple", False, False),
    ("path", "simple", True, False),
    ("path", "label", False, False),
    ("path", "label", True, False),
    ("path", "matrix", False, False),
    ("path", "matrix", True, False),
    ("query", "form", False, False),
    ("query", "form", True, False),
    ("query", "form", False, True),
    ("query", "form", True, True),
    ("query", "spaceDelimited", False, False),
    ("query", "pipeDelimited", False, False),
    ("query", "deepObject", True, False),
    ("header", "simple", False, False),
    ("header", "simple", True, False),
    ("cookie", "form", False, False),
    ("cookie", "form", True, False),
]
OBJECT_SHAPE = ("object", (("a", "string"), ("b", "integer")), "string")


def _delimiters(location: str, style_name: str, explode: bool) -> tuple[str, str]:
    """What an item or property value may not hold, and what a property name may not hold more.

    The module docstring's first limit: the transport decodes before the style is split.
    """
    if location == "cookie":
        return "", ""
    if location == "query":
        if explode:
            return "", ""
        return {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style_name, ","), ""
    named = "=" if explode else ""
    if style_name == "label" and explode:
        return ".", named
    if style_name == "matrix" and explode:
        return ";", named
    return ",", named


# Drawn often: the delimiters of every style, what a query or cookie gives a meaning, and text
# that percent-encodes to several octets.
TRICKY = ",;.=&|[]%/?#+:@ \"'\té\u20ac\U0001f600"


def _texts(location: str, allow_reserved: bool, forbidden: str = "") -> st.SearchStrategy[str]:
    if allow_reserved:
        # allowReserved sends `%XX` as it is: the server reads the character it encodes.
        forbidden += "%"
    if location == "header":
        # Field values: visible ASCII and spaces, white space around them not data (RFC 9110 5.5).
        ascii_only = st.characters(
            min_codepoint=0x20, max_codepoint=0x7E, exclude_characters=forbidden
        )
        tricky = [c for c in TRICKY if " " <= c <= "~" and c not in forbidden]
        return st.text(_often(tricky, ascii_only), max_size=8).map(str.strip)
    # Lone surrogates are not UTF-8 (nor JSON text): no client can send them.
    anything = st.characters(codec="utf-8", exclude_characters=forbidden)
    tricky = [c for c in TRICKY if c not in forbidden]
    return st.text(_often(tricky, anything), max_size=8)


def _often(tricky: list[str], others: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Characters from `tricky` two times in three, else from `others`."""
    return st.integers(0, 2).flatmap(lambda n: others if n == 0 else st.sampled_from(tricky))


def _values(case: tuple[str, str, bool, bool]) -> st.SearchStrategy[tuple[Any, Any]]:
    """(value, shape) pairs for `case`: scalars, arrays and objects the style can carry."""
    location, style_name, explode, allow_reserved = case
    item_forbidden, name_forbidden = _delimiters(location, style_name, explode)
    text = _texts(location, allow_reserved)
    item = _texts(location, allow_reserved, item_forbidden)
    key = _texts(location, allow_reserved, item_forbidden + name_forbidden)
    integers = st.integers(min_value=-(10**12), max_value=10**12)
    strings = st.lists(item, max_size=4)
    if location == "header" or (location == "path" and style_name == "simple"):
        # An array of one empty string writes as an empty array does.
        strings = strings.filter(lambda items: items != [""])
    extra = st.dictionaries(key.filter(lambda k: k not in ("a", "b")), item, max_size=3)
    known = st.fixed_dictionaries({}, optional={"a": item, "b": integers})
    objects = st.tuples(known, extra).map(lambda both: {**both[0], **both[1]})
    if location == "cookie" and explode:
        # A cookie with an empty name and value is dropped by the parser.
        objects = objects.filter(lambda value: value.get("") != "")
    return st.one_of(
        st.tuples(text, st.just("string")),
        st.tuples(integers, st.just("integer")),
        st.tuples(st.booleans(), st.just("boolean")),
        st.tuples(st.floats(allow_nan=False, allow_infinity=False), st.just("number")),
        st.tuples(strings, st.just(("array", "string"))),
        st.tuples(st.lists(integers, max_size=4), st.just(("array", "integer"))),
        st.tuples(objects, st.just(OBJECT_SHAPE)),
    )


def _through_transport(
    style: types.ModuleType, case: tuple[str, str, bool, bool], value: Any, shape: Any
) -> Any:
    """`value` written by the client, carried as Starlette carries it, read by the server."""
    location, style_name, explode, allow_reserved = case
    if location == "path":
        text = style.encode_path(value, name="color", style=style_name, explode=explode)
        decoded = unquote(text, errors="strict")
        return style.decode_path(
            decoded, name="color", style=style_name, explode=explode, shape=shape
        )
    if location == "query":
        pieces = style.encode_query(
            value, name="color", style=style_name, explode=explode, allow_reserved=allow_reserved
        )
        items = parse_qsl("&".join(pieces), keep_blank_values=True, errors="strict")
        return style.decode_query(
            items, name="color", style=style_name, explode=explode, shape=shape
        )
    if location == "header":
        header = style.encode_header(value, explode=explode)
        return style.decode_header(header, explode=explode, shape=shape)
    header = "; ".join(style.encode_cookie(value, name="color", explode=explode))
    # Starlette's `request.cookies` keeps one value a name: exploded arrays need the pairs.
    repeated = explode and isinstance(value, list)
    cookies = style.cookie_pairs(header) if repeated else cookie_parser(header)
    return style.decode_cookie(cookies, name="color", explode=explode, shape=shape)


@pytest.mark.parametrize("case", CASES, ids=["-".join(map(str, case)) for case in CASES])
def test_round_trip(style: types.ModuleType, case: tuple[str, str, bool, bool]) -> None:
    @settings(max_examples=200, derandomize=True, deadline=None)
    @given(_values(case))
    def check(drawn: tuple[Any, Any]) -> None:
        value, shape = drawn
        read = _through_transport(style, case, value, shape)
        if value in ([], {}) and case[0] in ("query", "cookie"):
            # An empty array or object is undefined (RFC 6570 2.3): nothing is sent.
            assert read is style.MISSING
        else:
            assert read == value

    check()


# Generator side: `ir/_style`.


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"in": "query"}, ("form", True, False)),
        ({"in": "cookie"}, ("form", True, False)),
        ({"in": "path"}, ("simple", False, False)),
        ({"in": "header"}, ("simple", False, False)),
        ({"in": "query", "style": "deepObject"}, ("deepObject", False, False)),
        ({"in": "query", "style": "form", "explode": False}, ("form", False, False)),
        ({"in": "query", "allowReserved": True}, ("form", True, True)),
        ({"in": "path", "style": "matrix", "explode": True}, ("matrix", True, False)),
        # A style the location does not allow falls back to its default, explode too.
        ({"in": "path", "style": "form"}, ("simple", False, False)),
        ({"in": "header", "style": "matrix"}, ("simple", False, False)),
        ({"in": "query", "style": "nonsense"}, ("form", True, False)),
        ({"in": "query", "explode": "yes"}, ("form", True, False)),
        # allowReserved applies to query parameters only.
        ({"in": "path", "allowReserved": True}, ("simple", False, False)),
    ],
)
def test_parameter_style(raw: dict[str, Any], expected: tuple[str, bool, bool]) -> None:
    assert parameter_style(raw) == expected


COMPONENTS: dict[str, Any] = {
    "Id": {"type": "integer"},
    "Alias": {"$ref": "#/components/schemas/Id"},
    "Loop": {"$ref": "#/components/schemas/Loop"},
    "Color": {"enum": ["red", "green"]},
    "Rgb": {
        "type": "object",
        "properties": {"R": {"$ref": "#/components/schemas/Id"}, "tags": {"type": "array"}},
    },
}


def _resolve(schema: Any) -> Any:
    ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
    prefix = "#/components/schemas/"
    return COMPONENTS.get(ref[len(prefix) :], schema) if ref.startswith(prefix) else schema


@pytest.mark.parametrize(
    ("schema", "shape"),
    [
        ({"type": "string"}, "string"),
        ({"type": ["integer", "null"]}, "integer"),
        ({"type": "number", "nullable": True}, "number"),
        ({"type": ["integer", "number"]}, "number"),
        # A union of scalars reads as its narrowest member; text that is none stays text.
        ({"type": ["string", "integer"]}, "integer"),
        ({}, "any"),
        (True, "any"),
        ({"enum": [1, 2]}, "integer"),
        ({"enum": [True, False, None]}, "boolean"),
        ({"enum": [1, 2.5]}, "number"),
        ({"enum": ["a", 1]}, "integer"),
        ({"const": "x"}, "string"),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "integer"),
        ({"oneOf": [{"type": "integer"}, {"type": "string"}]}, "integer"),
        ({"oneOf": [{"type": "boolean"}, {"type": "string"}]}, "boolean"),
        ({"oneOf": [{"type": "array"}, {"type": "string"}]}, "any"),
        ({"allOf": [{"$ref": "#/components/schemas/Alias"}]}, "integer"),
        ({"$ref": "#/components/schemas/Alias"}, "integer"),
        ({"$ref": "#/components/schemas/Loop"}, "any"),
        ({"$ref": "#/components/schemas/Color"}, "string"),
        ({"type": "array", "items": {"$ref": "#/components/schemas/Id"}}, ("array", "integer")),
        ({"type": "array", "items": {"type": "array"}}, ("array", "any")),
        ({"type": "array"}, ("array", "any")),
        ({"items": {"type": "boolean"}}, ("array", "boolean")),
        (
            {"$ref": "#/components/schemas/Rgb"},
            ("object", (("R", "integer"), ("tags", "any")), None),
        ),
        ({"type": "object"}, ("object", (), "any")),
        (
            {"type": "object", "additionalProperties": {"type": "integer"}},
            ("object", (), "integer"),
        ),
        (
            {"type": "object", "properties": {"a": {}}, "additionalProperties": True},
            ("object", (("a", "any"),), "any"),
        ),
        ({"type": "object", "additionalProperties": False}, ("object", (), None)),
    ],
)
def test_parameter_shape(schema: Any, shape: Any) -> None:
    found = parameter_shape(schema, _resolve)
    assert found == shape
    # Printed into generated code with `repr`: it reads back as itself.
    assert eval(repr(found)) == shape
