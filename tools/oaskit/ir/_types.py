"""Python annotations and constraints for JSON Schemas met outside models (parameters, bodies)."""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Annotated, Any, Literal, NamedTuple

from oaskit.ir._escape import literal
from oaskit.ir._models import SHARED, Direction, ModelNames
from oaskit.ir._naming import class_name

__all__ = [
    "PatternPlan",
    "annotation_for",
    "constraints_for",
    "ecma_pattern",
    "model_for",
    "pattern_plan",
    "python_compiles",
    "rust_compiles",
]

_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_COMPONENT_SCHEMA = "#/components/schemas/"


def model_for(
    schema: Any, *, names: ModelNames = SHARED, direction: Direction = "response"
) -> str | None:
    """The generated model class for a `$ref` to a component schema, else None.

    A schema split into request and response models gives the one for `direction`.
    """
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if (
            isinstance(ref, str)
            and ref.startswith(_COMPONENT_SCHEMA)
            and "/" not in ref[len(_COMPONENT_SCHEMA) :]
        ):
            return names.of(class_name(ref[len(_COMPONENT_SCHEMA) :]), direction)
    return None


def annotation_for(
    schema: Any,
    *,
    components: dict[str, Any],
    names: ModelNames = SHARED,
    direction: Direction = "response",
) -> str:
    """A Python annotation (source text) for `schema`; `Any` when it cannot be narrowed."""
    model = model_for(schema, names=names, direction=direction)
    if model is not None:
        target = components.get(model_ref_name(schema))
        # Parameters refer to scalar components too: use their scalar type, not a model.
        if isinstance(target, dict) and target.get("type") in _SCALARS and "enum" not in target:
            return annotation_for(target, components=components)
        return f"models.{model}"
    if not isinstance(schema, dict):
        return "Any"
    if "enum" in schema and all(isinstance(v, str | int | bool) for v in schema["enum"]):
        return "Literal[" + ", ".join(literal(v) for v in schema["enum"]) + "]"
    members = _members(schema)
    if members is not None:
        # `oneOf`/`anyOf` (2020-12 Core 10.2.1.2-3), `allOf` of one schema: the union of what
        # each member is, when every member narrows to something.
        found = [
            annotation_for(m, components=components, names=names, direction=direction)
            for m in members
        ]
        if not found or "Any" in found:
            return "Any"
        return " | ".join(dict.fromkeys(part for text in found for part in _alternatives(text)))
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    nullable = "null" in kinds or schema.get("nullable") is True
    concrete = [k for k in kinds if k != "null"]
    if not concrete and nullable:
        return "None"
    if len(concrete) != 1:
        return "Any"
    (single,) = concrete
    if single in _SCALARS:
        text = _SCALARS[single]
    elif single == "array":
        items = annotation_for(
            schema.get("items"), components=components, names=names, direction=direction
        )
        text = f"list[{items}]"
    elif single == "object":
        text = (
            f"dict[str, {_values(schema, components=components, names=names, direction=direction)}]"
        )
    else:
        return "Any"
    return f"{text} | None" if nullable else text


def _members(schema: dict[str, Any]) -> list[Any] | None:
    """The member schemas of a union-like schema that says nothing else, else None."""
    for keyword in ("oneOf", "anyOf"):
        found = schema.get(keyword)
        if isinstance(found, list) and set(schema) <= {
            keyword,
            "description",
            "title",
            "discriminator",
        }:
            return found
    found = schema.get("allOf")
    if (
        isinstance(found, list)
        and len(found) == 1
        and set(schema) <= {"allOf", "description", "title"}
    ):
        return found
    return None


def _alternatives(annotation: str) -> list[str]:
    """The alternatives of a union annotation, split only outside brackets."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(annotation):
        depth += char == "["
        depth -= char == "]"
        if depth == 0 and annotation.startswith(" | ", index):
            parts.append(annotation[start:index])
            start = index + 3
    parts.append(annotation[start:])
    return parts


def _values(
    schema: dict[str, Any], *, components: dict[str, Any], names: ModelNames, direction: Direction
) -> str:
    """The value type of an object that is a map: one with `additionalProperties` only."""
    extra = schema.get("additionalProperties")
    if schema.get("properties") or schema.get("patternProperties") or not isinstance(extra, dict):
        return "Any"
    return annotation_for(extra, components=components, names=names, direction=direction)


def model_ref_name(schema: dict[str, Any]) -> str:
    """The component name a `#/components/schemas/<name>` reference names."""
    return str(schema["$ref"])[len(_COMPONENT_SCHEMA) :]


def constraints_for(schema: Any) -> tuple[tuple[str, str], ...]:
    """FastAPI/pydantic keyword arguments (as source) that enforce `schema`'s constraints."""
    if not isinstance(schema, dict):
        return ()
    found: list[tuple[str, str]] = []
    if isinstance(schema.get("pattern"), str):
        plan = pattern_plan(schema["pattern"])
        if plan.engine == "rust":
            found.append(("pattern", literal(plan.source)))
        elif plan.engine == "python":
            # pydantic runs a compiled pattern with Python's `re` (`search`, as JSON Schema's
            # unanchored `pattern` wants) whatever the regex engine; the server module imports re.
            found.append(("pattern", f"re.compile({literal(plan.source)})"))
        # Neither engine compiles it: not validated (lint's `pattern-is-portable` says so).
    for keyword, argument in (("minLength", "min_length"), ("maxLength", "max_length")):
        if isinstance(schema.get(keyword), int):
            found.append((argument, literal(schema[keyword])))
    for keyword, argument in (("minimum", "ge"), ("maximum", "le")):
        if isinstance(schema.get(keyword), int | float) and not isinstance(
            schema.get(keyword), bool
        ):
            found.append((argument, literal(schema[keyword])))
    # OAS 3.1 (JSON Schema 2020-12) writes exclusive bounds as numbers.
    for keyword, argument in (("exclusiveMinimum", "gt"), ("exclusiveMaximum", "lt")):
        value = schema.get(keyword)
        if isinstance(value, int | float) and not isinstance(value, bool):
            found.append((argument, literal(value)))
    return tuple(found)


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


@cache
def rust_compiles(pattern: str) -> bool:
    """Whether pydantic-core's default (Rust `regex`) engine compiles `pattern`."""
    # Imported here: the IR needs pydantic only for a schema with a `pattern`.
    from pydantic import Field, TypeAdapter

    try:
        TypeAdapter(Annotated[str, Field(pattern=pattern)])
    except Exception as exc:
        # pydantic_core.SchemaError, which pydantic does not re-export (and pydantic-core is no
        # declared dependency of oaskit).
        if type(exc).__name__ != "SchemaError":
            raise
        return False
    return True


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
