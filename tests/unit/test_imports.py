"""`ImportBlock`: the imports a split module uses, ordered and wrapped as ruff writes them."""

from __future__ import annotations

from oaskit.render._imports import ImportBlock

SECTIONS = [
    ["from __future__ import annotations"],
    ["from enum import StrEnum", "from typing import Annotated, Any"],
    ["from pydantic import MISSING, AnyUrl, Field"],
    ["from api._base import ApiModel"],
]


def test_keeps_future_import_and_only_used_names_when_module_reads_few() -> None:
    block = ImportBlock(SECTIONS, first_party="api")

    assert block.for_names({"Any", "MISSING"}, {}) == (
        "from __future__ import annotations\n\n"
        "from typing import Any\n\n"
        "from pydantic import MISSING"
    )


def test_orders_sibling_modules_naturally_and_case_insensitively_when_added() -> None:
    block = ImportBlock(SECTIONS, first_party="api")
    siblings = {
        "api.models._action190": ["Y"],
        "api.models._action20": ["X"],
        "api.models._Action3": ["a", "Z", "URL"],
    }

    assert block.for_names({"ApiModel"}, siblings).split("\n\n")[-1] == (
        "from api._base import ApiModel\n"
        "from api.models._Action3 import URL, Z, a\n"
        "from api.models._action20 import X\n"
        "from api.models._action190 import Y"
    )


def test_wraps_one_name_per_line_when_import_exceeds_line_length() -> None:
    block = ImportBlock(SECTIONS, first_party="api")
    names = ["A" * 22 + "a", "B" * 30 + "b", "C" * 34 + "c"]

    assert block.for_names(set(), {"api.models._abc": names}).split("\n\n")[-1] == (
        f"from api.models._abc import (\n    {names[0]},\n    {names[1]},\n    {names[2]},\n)"
    )
