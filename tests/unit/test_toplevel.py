"""`top_level` and `names_read`: a generated module's statements, found without parsing it."""

from __future__ import annotations

from oaskit.render._toplevel import names_read, top_level

SOURCE = '''# header: "quoted" (not a bracket
from __future__ import annotations

from pydantic import BaseModel, Field


class Note(BaseModel):
    """A note.

class NotAStatement(BaseModel):  a docstring line at column 0
    """

    text: str = Field(default=")", description='it\\'s (open')
    owner: Owner | None = None


@decorated
class Owner(BaseModel):
    name: str
    kind: Kind = Kind.person


Alias = list[
    Note
]
Note.model_rebuild()
'''


def test_finds_each_top_level_statement_when_strings_hold_brackets_and_column_zero_lines() -> None:
    found = [(s.kind, s.name) for s in top_level(SOURCE)]

    assert found == [
        ("import", None),
        ("import", None),
        ("class", "Note"),
        ("class", "Owner"),
        ("assign", "Alias"),
        ("rebuild", "Note"),
    ]


def test_statement_lines_exclude_trailing_blank_lines_when_sliced() -> None:
    lines = SOURCE.split("\n")
    owner = top_level(SOURCE)[3]

    assert lines[owner.start : owner.end] == [
        "@decorated",
        "class Owner(BaseModel):",
        "    name: str",
        "    kind: Kind = Kind.person",
    ]


def test_names_read_leave_out_targets_keywords_attributes_and_strings_when_collected() -> None:
    note, owner, alias = top_level(SOURCE)[2:5]

    assert {"BaseModel", "Field", "Owner", "str"} <= names_read(note.code)
    assert not {"text", "owner", "default", "description", "NotAStatement"} & names_read(note.code)
    assert {"decorated", "Kind"} <= names_read(owner.code)
    assert not {"name", "kind", "person"} & names_read(owner.code)
    assert names_read(alias.code) == {"list", "Note"}
