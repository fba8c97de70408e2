"""Python annotations and constraints for JSON Schemas met outside models (parameters, bodies)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oaskit.ir._directions import Direction, component_target
from oaskit.ir._escape import literal

__all__ = ["annotation_for", "constraints_for"]

_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# The class of a component schema in a direction.
Classes = Callable[[str, Direction], str]


def _no_class(name: str, direction: Direction) -> str:
    return "Any"


def annotation_for(
    schema: Any,
    *,
    components: dict[str, Any],
    classes: Classes = _no_class,
    direction: Direction = "response",
) -> str:
    """A Python annotation (source text) for a parameter's `schema`: inline enums as `Literal`,
    so a caller passes plain values; `Any` when it cannot be narrowed."""
    target = component_target(schema.get("$ref")) if isinstance(schema, dict) else None
    if target is not None and target in components:
        found = components[target]
        # Parameters refer to scalar components too: use their scalar type, not a model.
        if isinstance(found, dict) and found.get("type") in _SCALARS and "enum" not in found:
            return annotation_for(found, components=components)
        name = classes(target, direction)
        return "Any" if name == "Any" else f"models.{name}"
    if not isinstance(schema, dict):
        return "Any"
    if "enum" in schema and all(isinstance(v, str | int | bool) for v in schema["enum"]):
        return "Literal[" + ", ".join(literal(v) for v in schema["enum"]) + "]"
    members = _members(schema)
    if members is not None:
        # `oneOf`/`anyOf` (2020-12 Core 10.2.1.2-3), `allOf` of one schema: the union of what
        # each member is, when every member narrows to something.
        found = [
            annotation_for(m, components=components, classes=classes, direction=direction)
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
            schema.get("items"), components=components, classes=classes, direction=direction
        )
        text = f"list[{items}]"
    elif single == "object":
        values = _values(schema, components=components, classes=classes, direction=direction)
        text = f"dict[str, {values}]"
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
    schema: dict[str, Any], *, components: dict[str, Any], classes: Classes, direction: Direction
) -> str:
    """The value type of an object that is a map: one with `additionalProperties` only."""
    extra = schema.get("additionalProperties")
    if schema.get("properties") or schema.get("patternProperties") or not isinstance(extra, dict):
        return "Any"
    return annotation_for(extra, components=components, classes=classes, direction=direction)


def constraints_for(schema: Any) -> tuple[tuple[str, str], ...]:
    """FastAPI/pydantic keyword arguments (as source) that enforce `schema`'s constraints."""
    if not isinstance(schema, dict):
        return ()
    found: list[tuple[str, str]] = []
    if isinstance(schema.get("pattern"), str):
        # Imported here: a regen whose stamp shows nothing changed imports the IR but no spec.
        from oaskit.spec import pattern_plan

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
