"""Python annotations and constraints for JSON Schemas met outside models (parameters, bodies)."""

from __future__ import annotations

from typing import Any

from oaskit.ir._escape import literal
from oaskit.ir._models import SHARED, Direction, ModelNames
from oaskit.ir._naming import class_name

__all__ = ["annotation_for", "constraints_for", "model_for"]

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
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    nullable = "null" in kinds or schema.get("nullable") is True
    concrete = [k for k in kinds if k != "null"]
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
        text = "dict[str, Any]"
    else:
        return "Any"
    return f"{text} | None" if nullable else text


def model_ref_name(schema: dict[str, Any]) -> str:
    """The component name a `#/components/schemas/<name>` reference names."""
    return str(schema["$ref"])[len(_COMPONENT_SCHEMA) :]


def constraints_for(schema: Any) -> tuple[tuple[str, str], ...]:
    """FastAPI/pydantic keyword arguments (as source) that enforce `schema`'s constraints."""
    if not isinstance(schema, dict):
        return ()
    found: list[tuple[str, str]] = []
    if isinstance(schema.get("pattern"), str):
        found.append(("pattern", literal(schema["pattern"])))
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
