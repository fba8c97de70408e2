"""Rules a set of field definitions, and configuration values against them, must keep."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from connectors_service.domain._errors import Violation
from connectors_service.domain._patterns import PatternError, UserPattern, compile_user_pattern

__all__ = ["check_fields", "check_values", "matches_type"]


def matches_type(value: Any, kind: str) -> bool:
    """Whether a JSON value is of a field type (`number` includes integers, never booleans)."""
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return False


def _invalid(index: int, member: str, message: str) -> Violation:
    return Violation(f"/fields/{index}/{member}", "INVALID_FIELD_DEFINITION", message)


def check_fields(fields: Sequence[Mapping[str, Any]] | None) -> list[Violation]:
    """Every rule across the members of the definitions that a schema cannot state."""
    violations: list[Violation] = []
    seen: set[str] = set()
    for index, field in enumerate(fields or ()):
        kind = str(field.get("type"))
        field_id = str(field.get("id"))
        if field_id in seen:
            violations.append(
                _invalid(index, "id", f"The id {field_id} is used by an earlier field.")
            )
        seen.add(field_id)
        if field.get("secret") is True and kind != "string":
            violations.append(_invalid(index, "secret", "Only a string field can be secret."))
        pattern = field.get("pattern")
        compiled = None
        if pattern is not None:
            if kind != "string":
                violations.append(
                    _invalid(index, "pattern", "Only a string field can have a pattern.")
                )
            try:
                compiled = compile_user_pattern(str(pattern))
            except PatternError as exc:
                violations.append(
                    _invalid(index, "pattern", f"The pattern cannot be used. {exc.reason}")
                )
        enum = field.get("enum")
        if enum is not None and not all(matches_type(item, kind) for item in enum):
            violations.append(
                _invalid(index, "enum", f"Every allowed value must be of type {kind}.")
            )
        if "default" in field:
            default = field["default"]
            if not matches_type(default, kind):
                violations.append(
                    _invalid(index, "default", f"The default must be of type {kind}.")
                )
            elif enum is not None and default not in enum:
                violations.append(
                    _invalid(index, "default", "The default must be one of the allowed values.")
                )
            elif compiled is not None and isinstance(default, str) and not compiled.search(default):
                violations.append(_invalid(index, "default", "The default must match the pattern."))
    return violations


def check_values(
    data: Mapping[str, Any], fields: Sequence[Mapping[str, Any]] | None
) -> list[Violation]:
    """Configuration values that break their field's type, allowed values or pattern."""
    violations: list[Violation] = []
    for field in fields or ():
        key = str(field.get("id"))
        if key not in data:
            continue
        value = data[key]
        kind = str(field.get("type"))
        pointer = f"/data/{key}"
        # Messages name the rule, never the value: it may be a secret.
        if not matches_type(value, kind):
            violations.append(
                Violation(pointer, "INVALID_VALUE", f"The value must be of type {kind}.")
            )
            continue
        enum = field.get("enum")
        if enum is not None and value not in enum:
            violations.append(
                Violation(pointer, "INVALID_VALUE", "The value is not one of the allowed values.")
            )
        compiled = _stored_pattern(field.get("pattern"))
        if compiled is not None and isinstance(value, str) and not compiled.search(value):
            violations.append(
                Violation(pointer, "INVALID_VALUE", "The value does not match the field's pattern.")
            )
    return violations


def _stored_pattern(pattern: Any) -> UserPattern | None:
    # A pattern that cannot run is refused where the definition is written (check_fields, in
    # the same request when the definitions change too); one stored before RE2 was used leaves
    # its values unchecked rather than failing every later write.
    if pattern is None:
        return None
    try:
        return compile_user_pattern(str(pattern))
    except PatternError:
        return None
