"""Where a message says a schema sits: component names and the path inside them."""

from __future__ import annotations

import pytest

from oaskit.diff._schema_pair import describe
from oaskit.spec import Pointer

BODY = ("paths", "/a", "post", "requestBody", "content", "application/json", "schema")
OK = ("paths", "/a", "get", "responses", "200", "content", "application/json", "schema")


@pytest.mark.parametrize(
    ("pointer", "label"),
    [
        (("components", "schemas", "Pet"), "`Pet`"),
        (("components", "schemas", "Pet", "properties", "tags", "items"), "`Pet`.tags[]"),
        (("components", "schemas", "Pet", "oneOf", "1", "properties", "a"), "`Pet`/oneOf[1].a"),
        (("components", "schemas", "Map", "additionalProperties"), "`Map`.*"),
        (("components", "schemas", "T", "prefixItems", 0), "`T`[0]"),
        ((*BODY, "properties", "name"), "body.name"),
        ((*OK, "items"), "200[]"),
        (("paths", "/a", "get", "parameters", 0, "schema"), "parameter"),
        (("components", "headers", "X-Rate", "schema"), "header X-Rate"),
    ],
)
def test_label_names_the_place_when_pointer_is_given(pointer: Pointer, label: str) -> None:
    assert describe(pointer) == label
