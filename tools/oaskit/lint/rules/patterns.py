"""Rules about `pattern`: which regex engine the generated code can run it on.

JSON Schema's `pattern` is an ECMA-262 regular expression (2020-12 validation 6.3.3). The
generated models and servers validate with pydantic, whose default engine is Rust's `regex`
crate (no look-around, no backreferences, `[` inside a class opens a nested class). regen
(`oaskit.ir._types.pattern_plan`) runs each pattern on that engine when it can, on Python's
`re` when only `re` compiles it, and drops it when neither does; this rule reports the last
two. The ECMA-262 rewriting below is `oaskit.ir._types.ecma_pattern`'s: lint may not import
the IR (ARCHITECTURE.md's layer table), and tests/lint/test_patterns.py holds the two to the
same outcomes.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Annotated

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index
from oaskit.spec import Bundle

__all__ = ["pattern_is_portable"]


@rule("pattern-is-portable", level=Level.WARNING)
def pattern_is_portable(bundle: Bundle) -> Found:
    """Every `pattern` compiles with pydantic-core's regex engine (Rust's `regex` crate).

    `pattern` is ECMA-262 (JSON Schema 2020-12 validation 6.3.3), but pydantic-core compiles
    `Field(pattern=...)` with Rust's `regex`, which has no look-around (`(?!.*--)`) and no
    backreferences (`\\1`), and reads `[` inside a class as a nested class (`[[A-Z0-9]`); a
    model or server holding such a pattern would fail to import. Generated code instead
    validates it as ECMA-262 reads it where Rust's engine then compiles it, else with Python's
    `re`, which backtracks: a hostile input can take long (ReDoS), where Rust's engine is
    linear. A pattern neither compiles (`\\p{L}` with a look-ahead, `\\cA`) is not validated at
    all, and neither is one `re` cannot compile in a model that validates with `re`. Many
    other validators (Rust, Go, RE2-based) refuse the same patterns. A warning: the spec is
    valid, only less portable; rewrite the pattern without those constructs where it can be.
    """
    for site in index(bundle).schemas:
        pattern = site.schema.get("pattern")
        if isinstance(pattern, str):
            message = _message(pattern)
            if message is not None:
                yield (*site.pointer, "pattern"), message


@cache
def _message(pattern: str) -> str | None:
    reason = _rust_error(pattern)
    if reason is None:
        return None
    shown = repr(pattern)
    neutral = _ecma_pattern(pattern, python=False)
    if _rust_error(neutral) is None:
        return (
            f"pattern {shown} does not compile with Rust's `regex` (pydantic-core): {reason}; "
            f"generated code validates it as {neutral!r}, which ECMA-262 reads alike"
        )
    if _python_compiles(_ecma_pattern(pattern, python=True)):
        return (
            f"pattern {shown} does not compile with Rust's `regex` (pydantic-core): {reason}; "
            "generated code validates it with Python's `re`, which backtracks: a hostile "
            "input may be slow"
        )
    return (
        f"pattern {shown} compiles with neither Rust's `regex` (pydantic-core: {reason}) nor "
        "Python's `re`: generated code does not validate it"
    )


@cache
def _rust_error(pattern: str) -> str | None:
    """Why pydantic-core's default engine refuses `pattern`, or None when it compiles it."""
    from pydantic import Field, TypeAdapter

    try:
        TypeAdapter(Annotated[str, Field(pattern=pattern)])
    except Exception as exc:
        # pydantic_core.SchemaError, which pydantic does not re-export.
        if type(exc).__name__ != "SchemaError":
            raise
        lines = [line.strip() for line in str(exc).splitlines()]
        found = [line.removeprefix("error: ") for line in lines if line.startswith("error:")]
        return found[0] if found else (lines[-1] if lines else "refused")
    return None


def _python_compiles(pattern: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            re.compile(pattern)
        except (re.error, Warning, RecursionError, OverflowError):
            return False
    return True


# The same rewriting as `oaskit.ir._types.ecma_pattern` (see there for what it handles).
_CLASS_ESCAPES = frozenset(("\\d", "\\D", "\\w", "\\W", "\\s", "\\S"))
_CLASS_LITERALS = frozenset("[-&~|")


def _ecma_pattern(pattern: str, *, python: bool) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            if python and pattern.startswith("k<", i + 1) and (end := pattern.find(">", i)) > 0:
                out.append(f"(?P={pattern[i + 3 : end]})")
                i = end + 1
            else:
                out.append(pattern[i : i + 2])
                i += 2
        elif char == "[":
            i = _ecma_class(pattern, i, out)
        elif pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
        else:
            if char == "{" and pattern.startswith("{,", i):
                out.append("\\{")
            elif char == "$" and python:
                out.append("\\Z")
            else:
                out.append(char)
            i += 1
    return "".join(out)


def _ecma_class(pattern: str, start: int, out: list[str]) -> int:
    i = start + 1
    negated = pattern.startswith("^", i)
    i += negated
    if pattern.startswith("]", i):
        out.append("[\\s\\S]" if negated else "[^\\s\\S]")
        return i + 1
    parts = ["[^" if negated else "["]
    while i < len(pattern) and pattern[i] != "]":
        atom, i = _class_atom(pattern, i)
        if pattern.startswith("-", i) and i + 1 < len(pattern) and pattern[i + 1] != "]":
            end, i = _class_atom(pattern, i + 1)
            between = "\\-" if atom in _CLASS_ESCAPES or end in _CLASS_ESCAPES else "-"
            parts += [_class_literal(atom), between, _class_literal(end)]
        else:
            parts.append(_class_literal(atom))
    if i >= len(pattern):
        out.append(pattern[start:])
        return len(pattern)
    out.append("".join(parts) + "]")
    return i + 1


def _class_atom(pattern: str, i: int) -> tuple[str, int]:
    if pattern[i] == "\\":
        return pattern[i : i + 2], i + 2
    return pattern[i], i + 1


def _class_literal(atom: str) -> str:
    return "\\" + atom if atom in _CLASS_LITERALS else atom
