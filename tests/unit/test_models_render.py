"""Adjustments around datamodel-codegen: str-shadowing enum members, URL defaults, enum defaults."""

from __future__ import annotations

from typing import Any

from oaskit.render import render_models
from oaskit.render._enum_members import clear_str_attributes

ENUM = """from enum import StrEnum


class Field(StrEnum):
    title = "title"
    title_ = "title_"
    name = "name"


class Sort(StrEnum):
    count = "count"


class Holder:
    field: Field = Field.title
    other: Sort = Sort.count
"""


def test_renames_members_that_shadow_str_attributes_and_their_references() -> None:
    cleared = clear_str_attributes(ENUM)

    assert '    title__ = "title"' in cleared
    assert '    title_ = "title_"' in cleared
    assert '    name = "name"' in cleared
    assert '    count_ = "count"' in cleared
    assert "field: Field = Field.title__" in cleared
    assert "other: Sort = Sort.count_" in cleared


def test_leaves_source_alone_when_no_member_shadows_a_str_attribute() -> None:
    source = 'class Color(StrEnum):\n    red = "red"\n'

    assert clear_str_attributes(source) is source


def _spec(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def test_drops_url_default_that_is_no_url_and_keeps_one_that_is() -> None:
    spec = _spec(
        {
            "Site": {
                "type": "object",
                "properties": {
                    "home": {"type": "string", "format": "uri", "default": ""},
                    "docs": {"type": "string", "format": "uri", "default": "https://d.test/"},
                },
            }
        }
    )

    source = render_models(spec, header="# h", base_class="p._base.ApiModel")

    assert '= ""' not in source
    assert "https://d.test/" in source
    assert spec["components"]["schemas"]["Site"]["properties"]["home"]["default"] == ""


def test_enum_default_is_the_member_when_rendered() -> None:
    spec = _spec(
        {
            "Side": {"type": "string", "enum": ["LEFT", "RIGHT"]},
            "Line": {
                "type": "object",
                "properties": {"side": {"$ref": "#/components/schemas/Side", "default": "RIGHT"}},
            },
        }
    )

    source = render_models(spec, header="# h", base_class="p._base.ApiModel")

    assert "= Side.RIGHT" in source
