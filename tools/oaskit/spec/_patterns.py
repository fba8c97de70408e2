"""How a schema's `pattern` (ECMA-262, JSON Schema 2020-12 Validation 6.3.3) is validated by
generated code: pydantic-core's Rust `regex` where it compiles, else as ECMA-262 reads it, else
with Python's `re`. Shared by the IR (which writes the constraints) and lint
(`pattern-is-portable`, which reports them).
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Annotated, Literal, NamedTuple

__all__ = [
    "PatternPlan",
    "ecma_pattern",
    "pattern_plan",
    "python_compiles",
    "rust_compiles",
    "rust_error",
]


class PatternPlan(NamedTuple):
    """How generated code validates a schema's `pattern`.

    `engine` is "rust" (pydantic-core's default engine, the Rust `regex` crate: linear time),
    "python" (Python's `re`, for look-around and backreferences, which the Rust crate lacks:
    it backtracks, so a hostile input can take long), or None when neither compiles it and it
    is not validated. `source` is the pattern handed to that engine.
    """

    engine: Literal["rust", "python"] | None
    source: str


@cache
def pattern_plan(pattern: str) -> PatternPlan:
    """Which engine validates the ECMA-262 `pattern` (JSON Schema 2020-12 6.3.3), and as what.

    A pattern pydantic-core compiles stays as written. One it refuses is read as ECMA-262 reads
    it (`ecma_pattern`): compiled by pydantic-core if it then can (`[[A-Z0-9]`), else by `re`.
    """
    if rust_compiles(pattern):
        return PatternPlan("rust", pattern)
    neutral = ecma_pattern(pattern, python=False)
    if rust_compiles(neutral):
        return PatternPlan("rust", neutral)
    python = ecma_pattern(pattern, python=True)
    if python_compiles(python):
        return PatternPlan("python", python)
    return PatternPlan(None, pattern)


def rust_compiles(pattern: str) -> bool:
    """Whether pydantic-core's default (Rust `regex`) engine compiles `pattern`."""
    return rust_error(pattern) is None


@cache
def rust_error(pattern: str) -> str | None:
    """Why pydantic-core's default engine refuses `pattern`, or None when it compiles it."""
    # Imported here: only a spec with a `pattern` needs pydantic for this.
    from pydantic import Field, TypeAdapter

    try:
        TypeAdapter(Annotated[str, Field(pattern=pattern)])
    except Exception as exc:
        # pydantic_core.SchemaError, which pydantic does not re-export (and pydantic-core is no
        # declared dependency of oaskit).
        if type(exc).__name__ != "SchemaError":
            raise
        lines = [line.strip() for line in str(exc).splitlines()]
        found = [line.removeprefix("error: ") for line in lines if line.startswith("error:")]
        return found[0] if found else (lines[-1] if lines else "refused")
    return None


@cache
def python_compiles(pattern: str) -> bool:
    """Whether Python's `re` compiles `pattern` without error or warning.

    A FutureWarning (`[[`, `&&`, `--` in a class: "possible nested set") would be printed by
    every import of the generated module, and fails a run with `-W error`: it counts as a
    failure.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            re.compile(pattern)
        except (re.error, Warning, RecursionError, OverflowError):
            return False
    return True


# Escapes of a character class that a range cannot start or end at (ECMA-262 Annex B.1.2
# reads `[\d-z]` as `\d`, `-` and `z`).
_CLASS_ESCAPES = frozenset(("\\d", "\\D", "\\w", "\\W", "\\s", "\\S"))
# Characters a class holds literally in ECMA-262 but Rust's `regex` reads as a nested class or a
# set operator (`&&`, `--`, `~~`) and Python's `re` warns about ("possible set operation").
_CLASS_LITERALS = frozenset("[-&~|")


def ecma_pattern(pattern: str, *, python: bool) -> str:
    """`pattern` as ECMA-262 (without the `u` flag) reads it, written for Rust's `regex` or,
    with `python`, for Python's `re`; what they read alike is left as written.

    The differences handled, deliberately few:
    - in a character class, `[`, `-`, `&`, `~` and `|` taken literally are escaped (`[[A-Z]`
      is `[` or A-Z to ECMA-262, a nested class to Rust), and a range from a class escape
      (`[\\d-z]`) keeps its `-` literal;
    - `[]` matches nothing and `[^]` any character (`[^\\s\\S]`, `[\\s\\S]`);
    - `{,` is text (`a{,3}`; Python would read a repetition);
    - `(?<name>` is written `(?P<name>`, and for Python `\\k<name>` is `(?P=name)`;
    - for Python, `$` is `\\Z`: Python's `$` also matches before a final newline, ECMA-262's
      does not (a path value `a\\n` would pass).
    Not handled: `\\d`, `\\w` and `\\b` are Unicode-aware in both engines (ASCII in ECMA-262),
    `.` matches `\\r` and U+2028/9, `\\p{..}` is unknown to `re`, `\\cX` to both.
    """
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
    """Append the class that opens at `start` to `out`; the index after it."""
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
        # Unclosed: left as written, for the engines to refuse.
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
