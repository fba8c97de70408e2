"""What `oaskit bundle` calls a hoisted target, and which section a `$ref`'s place puts it in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oaskit.spec._hoist_names import component_name
from oaskit.spec._ref_kinds import expected_section

# OAS 3.1 4.8.7.
KEY = re.compile(r"^[a-zA-Z0-9\.\-_]+$")


@pytest.mark.parametrize(
    ("file", "pointer", "name"),
    [
        ("Pet.yaml", (), "Pet"),
        ("Retry-After.yaml", (), "Retry-After"),
        ("common.yaml", ("components", "schemas", "Error"), "Error"),
        ("node.json", ("$defs", "Meta"), "Meta"),
        ("_ConnectorProperties.yaml", ("properties", "team_id"), "ConnectorPropertiesTeamId"),
        ("lib.yaml", ("Limit",), "LibLimit"),
        ("ünïcode names.yaml", (), "ncodenames"),
        ("***.yaml", (), "Component"),
    ],
)
def test_names_a_target_after_itself(file: str, pointer: tuple[str, ...], name: str) -> None:
    assert component_name(Path(file), pointer) == name


@given(st.text(min_size=1), st.lists(st.text() | st.integers(min_value=0), max_size=4))
def test_every_name_is_a_component_key(stem: str, pointer: list[str | int]) -> None:
    # Hostile file and member names still give a key OAS allows, never an empty one.
    assert KEY.match(component_name(Path(stem.replace("/", "_") + ".yaml"), tuple(pointer)))


@pytest.mark.parametrize(
    ("at", "section"),
    [
        (("paths", "/a", "get", "parameters", 0), "parameters"),
        (("paths", "/a", "parameters", 1), "parameters"),
        (("paths", "/a", "post", "requestBody"), "requestBodies"),
        (("paths", "/a", "get", "responses", "200"), "responses"),
        (("paths", "/a", "get", "responses", "200", "headers", "X-Id"), "headers"),
        (("paths", "/a", "get", "responses", "200", "links", "next"), "links"),
        (("paths", "/a", "get", "callbacks", "done"), "callbacks"),
        (("paths", "/a", "get", "responses", "200", "content", "a/b", "schema"), "schemas"),
        (("paths", "/a", "get", "responses", "200", "content", "a/b", "examples", "e"), "examples"),
        (("components", "schemas", "X", "properties", "y", "items"), "schemas"),
        (("components", "responses", "R", "content", "a/b", "schema", "allOf", 0), "schemas"),
        (("components", "securitySchemes", "key"), "securitySchemes"),
        # No component kind: a Media Type Object, an extension, unknown structure.
        (("paths", "/a", "get", "responses", "200", "content", "a/b"), None),
        (("x-extra", "thing"), None),
        (("info", "contact"), None),
    ],
)
def test_reads_the_kind_of_object_from_where_a_ref_is(
    at: tuple[str | int, ...], section: str | None
) -> None:
    assert expected_section(at) == section


def test_puts_path_items_in_their_section_only_when_asked() -> None:
    assert expected_section(("paths", "/a")) == "pathItems"
    assert expected_section(("paths", "/a"), path_items=False) is None
