"""Rules about `pattern`: which regex engine the generated code can run it on.

JSON Schema's `pattern` is an ECMA-262 regular expression (2020-12 validation 6.3.3). The
generated models and servers validate with pydantic, whose default engine is Rust's `regex`
crate (no look-around, no backreferences, `[` inside a class opens a nested class). regen
(`oaskit.spec.pattern_plan`) runs each pattern on that engine when it can, as ECMA-262 reads it
when that compiles, on Python's `re` when only `re` compiles it, and drops it when neither
does; this rule reports all but the first, with the same functions.
"""

from __future__ import annotations

from functools import cache

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index
from oaskit.spec import Bundle, ecma_pattern, python_compiles, rust_error

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
    reason = rust_error(pattern)
    if reason is None:
        return None
    shown = repr(pattern)
    neutral = ecma_pattern(pattern, python=False)
    if rust_error(neutral) is None:
        return (
            f"pattern {shown} does not compile with Rust's `regex` (pydantic-core): {reason}; "
            f"generated code validates it as {neutral!r}, which ECMA-262 reads alike"
        )
    if python_compiles(ecma_pattern(pattern, python=True)):
        return (
            f"pattern {shown} does not compile with Rust's `regex` (pydantic-core): {reason}; "
            "generated code validates it with Python's `re`, which backtracks: a hostile "
            "input may be slow"
        )
    return (
        f"pattern {shown} compiles with neither Rust's `regex` (pydantic-core: {reason}) nor "
        "Python's `re`: generated code does not validate it"
    )
