"""`pattern-is-portable` says what regen does with each pattern.

The rule keeps its own copy of the IR's ECMA-262 rewriting (lint may not import the IR): the
two must agree on every pattern, or lint would describe code regen does not write.
"""

from __future__ import annotations

import pytest

from oaskit.ir._types import ecma_pattern, pattern_plan
from oaskit.lint.rules import patterns

PATTERNS = [
    "^[a-z]+$",
    "[[A-Z0-9]{1,18}",
    "^[$a-z0-9](?!.*--)[-a-z0-9]{1,61}[a-z0-9]$",
    "(a)\\1",
    "^(?<x>a)\\k<x>$",
    "\\p{L}(?!x)",
    "[]a[^]",
    "[\\d-z]",
    "a{,3}",
    "[+--][&&~~||]",
    "([",
    "[\\",
    "\\k<unclosed",
    "(?<=a)(?<!b)c$",
]


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("python", [False, True])
def test_rewrites_like_ir_when_reading_pattern_as_ecma_262(pattern: str, python: bool) -> None:
    assert patterns._ecma_pattern(pattern, python=python) == ecma_pattern(pattern, python=python)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_reports_what_regen_does_when_checking_pattern(pattern: str) -> None:
    message = patterns._message(pattern)
    plan = pattern_plan(pattern)

    if plan.source == pattern and plan.engine == "rust":
        assert message is None
    elif plan.engine == "rust":
        assert message is not None
        assert f"validates it as {plan.source!r}" in message
    elif plan.engine == "python":
        assert message is not None
        assert "with Python's `re`" in message
    else:
        assert message is not None
        assert "does not validate it" in message
