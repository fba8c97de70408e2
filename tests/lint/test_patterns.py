"""`pattern-is-portable` says what regen does with each pattern (`oaskit.spec.pattern_plan`)."""

from __future__ import annotations

import pytest

from oaskit.lint.rules import patterns
from oaskit.spec import pattern_plan

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
