"""Which engine runs a schema's `pattern` in generated code, and as what text.

pydantic-core compiles `Field(pattern=...)` with Rust's `regex`; a pattern it refuses made the
generated package fail to import. `pattern_plan` keeps what it compiles, rewrites as ECMA-262
reads it where that is enough, and otherwise hands the pattern to Python's `re`.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import Field, TypeAdapter, ValidationError

from oaskit.ir._types import constraints_for
from oaskit.spec import PatternPlan, ecma_pattern, pattern_plan
from tests.functional._importable import generated_package

LOOK_AHEAD = "^[$a-z0-9](?!.*--)[-a-z0-9]{1,61}[a-z0-9]$"


@pytest.mark.parametrize("pattern", ["^[a-z]+$", "\\p{L}", "^\\d{3}-\\d{4}$", "a|b"])
def test_keeps_pattern_as_written_when_rust_engine_compiles_it(pattern: str) -> None:
    assert pattern_plan(pattern) == PatternPlan("rust", pattern)


@pytest.mark.parametrize(
    ("pattern", "written"),
    [
        ("[[A-Z0-9]{1,18}", "[\\[A-Z0-9]{1,18}"),
        ("[]a", "[^\\s\\S]a"),
        ("[^]a", "[\\s\\S]a"),
        ("[\\d-z]", "[\\d\\-z]"),
        ("a{,3}", "a\\{,3}"),
    ],
)
def test_rewrites_for_rust_engine_when_ecma_reading_compiles(pattern: str, written: str) -> None:
    assert pattern_plan(pattern) == PatternPlan("rust", written)


@pytest.mark.parametrize(
    ("pattern", "written"),
    [
        (LOOK_AHEAD, "^[$a-z0-9](?!.*--)[\\-a-z0-9]{1,61}[a-z0-9]\\Z"),
        ("(a)\\1", "(a)\\1"),
        ("^(?<x>a)\\k<x>$", "^(?P<x>a)(?P=x)\\Z"),
        ("(?<=a)b", "(?<=a)b"),
    ],
)
def test_hands_pattern_to_python_re_when_rust_engine_refuses_it(pattern: str, written: str) -> None:
    assert pattern_plan(pattern) == PatternPlan("python", written)


@pytest.mark.parametrize("pattern", ["\\p{L}(?!x)", "([", "\\cA(?=b)"])
def test_gives_no_engine_when_neither_compiles(pattern: str) -> None:
    assert pattern_plan(pattern).engine is None


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("[[A-Z0-9]{1,18}", "[", True),
        ("[[A-Z0-9]{1,18}", "a", False),
        ("[^]", "\n", True),
        ("[]", "a", False),
        ("^[+--]$", ",", True),
        ("^a$", "a\n", False),
        ("a{,3}", "a{,3}", True),
        ("a{,3}", "aa", False),
    ],
)
def test_reads_pattern_as_ecma_262_when_rewritten_for_python(
    pattern: str, value: str, matches: bool
) -> None:
    assert (re.search(ecma_pattern(pattern, python=True), value) is not None) is matches


def test_leaves_look_behind_and_escapes_alone_when_rewriting() -> None:
    assert ecma_pattern("(?<!a)\\[b\\]$", python=False) == "(?<!a)\\[b\\]$"


def test_constrains_with_compiled_pattern_when_rust_engine_refuses_it() -> None:
    found = constraints_for({"type": "string", "pattern": LOOK_AHEAD})

    written = "re.compile('^[$a-z0-9](?!.*--)[\\\\-a-z0-9]{1,61}[a-z0-9]\\\\Z')"
    assert found == (("pattern", written),)


def test_constrains_with_rewritten_text_when_rust_engine_compiles_ecma_reading() -> None:
    assert constraints_for({"pattern": "[[A-Z]", "minLength": 1}) == (
        ("pattern", "'[\\\\[A-Z]'"),
        ("min_length", "1"),
    )


def test_drops_constraint_when_neither_engine_compiles_pattern() -> None:
    assert constraints_for({"pattern": "\\p{L}(?!x)", "maxLength": 3}) == (("max_length", "3"),)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("my-lake1", True), ("$root", True), ("xmy--lake", False), ("ab\n", False), ("a", False)],
)
def test_generated_constraint_validates_look_ahead_when_evaluated(value: str, valid: bool) -> None:
    (argument,) = constraints_for({"type": "string", "pattern": LOOK_AHEAD})
    field = eval(f"Field({argument[0]}={argument[1]})", {"Field": Field, "re": re})
    adapter: TypeAdapter[Any] = TypeAdapter(Annotated[str, field])

    if valid:
        assert adapter.validate_python(value) == value
    else:
        with pytest.raises(ValidationError):
            adapter.validate_python(value)


def test_searches_unanchored_pattern_when_compiled_for_python_re() -> None:
    (argument,) = constraints_for({"type": "string", "pattern": "(?!b)a"})
    field = eval(f"Field({argument[0]}={argument[1]})", {"Field": Field, "re": re})

    assert TypeAdapter(Annotated[str, field]).validate_python("xxab") == "xxab"


def _spec(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def test_renders_importable_models_when_patterns_need_python_re(tmp_path: Path) -> None:
    spec = _spec(
        {
            "Lake": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "pattern": LOOK_AHEAD},
                    "twice": {"type": "string", "pattern": "^(a)\\1$"},
                    # Rust's engine, in the same model as patterns that need Python's `re`.
                    "letters": {"type": "string", "pattern": "^[a-zé]+$"},
                },
            },
            "Carrier": {"type": "string", "pattern": "[[A-Z0-9]{1,18}"},
        }
    )
    with generated_package(tmp_path, spec, name="patterns", package="pattern_models"):
        module = importlib.import_module("pattern_models.models")
        lake, carrier = module.Lake, TypeAdapter(module.Carrier)

        assert lake(name="my-lake", twice="aa", letters="été").twice == "aa"
        assert carrier.validate_python("[A1") == "[A1"
        for bad in ({"name": "my--lake"}, {"twice": "ab"}, {"letters": "a1"}):
            with pytest.raises(ValidationError):
                lake(**bad)
        with pytest.raises(ValidationError):
            carrier.validate_python("a")
