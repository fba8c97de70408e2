"""`in_dependency_order`: models move below what their class statement evaluates, no further."""

from __future__ import annotations

from oaskit.render._order import in_dependency_order, runtime_reads
from oaskit.render._toplevel import blank_noise

HEAD = "from __future__ import annotations\n\nfrom enum import StrEnum\n\n\n"


def test_moves_model_below_enum_its_default_names_when_enum_comes_later() -> None:
    source = (
        HEAD + "class Alpha(Base):\n    kind: Kind = Kind.slow\n    beta: Beta | None = None\n\n\n"
        "class Beta(Base):\n    alpha: Alpha\n\n\n"
        "class Kind(StrEnum):\n    slow = 'slow'\n"
    )

    ordered = in_dependency_order(source)

    classes = [line.split("(")[0] for line in ordered.splitlines() if line.startswith("class ")]
    # Beta only annotates Alpha, so it keeps its place; Alpha follows Kind.
    assert classes == ["class Beta", "class Kind", "class Alpha"]
    assert ordered.startswith(HEAD)


def test_returns_source_itself_when_no_model_reads_one_further_down() -> None:
    source = (
        HEAD
        + "class Kind(StrEnum):\n    slow = 'slow'\n\n\nclass A(Base):\n    k: Kind = Kind.slow\n"
    )

    assert in_dependency_order(source) is source


def test_runtime_reads_take_bases_and_defaults_but_not_annotations_or_targets() -> None:
    code = (
        "class A(Base, Mixin):\n"
        "    model_config = ConfigDict(extra='forbid')\n"
        "    x: Annotated[\n        Other | None,\n        Field(default=Hidden),\n"
        "    ] = Shown.member\n"
        "    User = 'User'\n"
    )

    expected = {"class", "A", "Base", "Mixin", "ConfigDict", "Shown"}
    assert runtime_reads(blank_noise(code)) == expected
