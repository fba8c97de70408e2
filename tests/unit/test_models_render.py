"""Models rendered from the IR: enum members, URL defaults, enum defaults, names."""

from __future__ import annotations

from tests.support.models_source import models_source, spec_of


def test_enum_members_that_shadow_str_attributes_take_an_underscore() -> None:
    # A member `title` would redefine `str.title`: legal at run time, an error for mypy.
    source = models_source(
        spec_of({"Sort": {"type": "string", "enum": ["title", "title_", "name"]}})
    )

    assert "    title_ = 'title'" in source
    assert "    title__ = 'title_'" in source
    assert "    name = 'name'" in source


def test_enum_members_are_unique_as_python_reads_names() -> None:
    # `aªb` is `aab` to Python (NFKC, PEP 3131): two members of one name would fail at import.
    source = models_source(spec_of({"E": {"type": "string", "enum": ["aab", "aªb", "1-x", ""]}}))

    assert "    aab = 'aab'" in source
    assert "    aab_ = 'aªb'" in source
    assert "    value_1_x = '1-x'" in source
    assert "    empty = ''" in source


def test_url_format_stays_the_text_sent_with_its_default() -> None:
    spec = spec_of(
        {
            "Site": {
                "type": "object",
                "properties": {
                    "home": {"type": "string", "format": "uri", "default": ""},
                    "id": {"type": "string", "format": "uuid"},
                    "docs": {"type": "string", "default": "https://d.test"},
                },
            }
        }
    )

    source = models_source(spec)

    assert "home: str = ''" in source
    assert "id: UUID | MISSING = MISSING" in source
    assert "docs: str = 'https://d.test'" in source
    assert spec["components"]["schemas"]["Site"]["properties"]["home"]["default"] == ""


def test_enum_default_is_the_member() -> None:
    spec = spec_of(
        {
            "Side": {"type": "string", "enum": ["LEFT", "RIGHT"]},
            "Line": {
                "type": "object",
                "properties": {"side": {"$ref": "#/components/schemas/Side", "default": "RIGHT"}},
            },
        }
    )

    assert "side: Side = Side.RIGHT" in models_source(spec)


def test_inline_schemas_are_named_after_where_they_sit() -> None:
    spec = spec_of(
        {
            "Pull": {
                "type": "object",
                "properties": {
                    "head": {"type": "object", "properties": {"sha": {"type": "string"}}},
                    "labels": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                    },
                    "state": {"type": "string", "enum": ["open", "closed"]},
                },
            },
            # The inline `head` of `Pull` would be `PullHead`: the component keeps the name.
            "PullHead": {"type": "object", "properties": {"ref": {"type": "string"}}},
        }
    )

    source = models_source(spec)

    assert "class PullHead(ApiModel):\n    ref:" in source
    assert "class PullHeadModel(ApiModel):\n    sha:" in source
    assert "class PullLabel(ApiModel):" in source
    assert "class PullState(StrEnum):" in source
    assert "labels: list[PullLabel] | MISSING" in source


def test_member_names_repeating_their_parent_are_not_doubled() -> None:
    spec = spec_of(
        {
            "ListResponse": {
                "type": "object",
                "properties": {
                    "response": {"type": "object", "properties": {"n": {"type": "integer"}}},
                    "responseData": {"type": "object", "properties": {"m": {"type": "integer"}}},
                },
            }
        }
    )

    source = models_source(spec)

    assert "class ListResponseValue(ApiModel):" in source
    assert "class ListResponseData(ApiModel):" in source


def test_typed_formats_take_no_string_constraints() -> None:
    # shipengine: `date-time` strings with a `pattern`, `uuid` strings with `minLength`; pydantic
    # cannot apply either to a datetime or a UUID and refused every value at validation.
    spec = spec_of(
        {
            "Stamp": {
                "type": "object",
                "required": ["at", "id", "blob"],
                "properties": {
                    "at": {"type": "string", "format": "date-time", "pattern": "^2"},
                    "id": {"type": "string", "format": "uuid", "minLength": 36},
                    "blob": {"type": "string", "format": "binary", "maxLength": 9, "pattern": "a"},
                },
            }
        }
    )

    source = models_source(spec)

    assert "at: AwareDatetime\n" in source
    assert "id: UUID\n" in source
    assert "blob: Annotated[bytes, Field(max_length=9)]\n" in source
