"""Types, nullability and formats: which kinds of JSON value a schema accepts."""

from __future__ import annotations

from collections.abc import Iterable

from oaskit.diff._model import Rule
from oaskit.diff._schema_pair import Pair, directional

__all__ = [
    "FORMATS",
    "NULLABLE",
    "RULES",
    "TYPES",
    "check_formats",
    "check_nullable",
    "check_types",
]

TYPES = directional("types", "type")
NULLABLE = directional("nullable", "nullable", narrowed="removed", widened="added")
FORMATS = directional("formats", "format")
RULES: tuple[Rule, ...] = (*TYPES.rules, *NULLABLE.rules, *FORMATS.rules)

# Scalars a parameter carries as text (OAS 3.1 4.8.12.4: style serialization writes them into
# the URL or a header), so a string schema takes every value an integer schema took.
_TEXT_SCALARS = frozenset({"boolean", "integer", "number"})
# Formats whose values are a subset of another's (OAS 3.1 4.4, the format registry):
# every int32 is an int64, every float a double.
_WIDER_FORMAT = {("int32", "int64"), ("float", "double")}
_ALL = "any type"


def _covers(wide: frozenset[str] | None, narrow: frozenset[str] | None, *, wire_text: bool) -> bool:
    """Whether every value of the types `narrow` is a value of the types `wide`."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(
        kind in wide
        or (kind == "integer" and "number" in wide)
        or (wire_text and kind in _TEXT_SCALARS and "string" in wide)
        for kind in narrow
    )


def _show(types: Iterable[str] | None) -> str:
    return _ALL if types is None else "|".join(sorted(types)) or "nothing"


def check_types(pair: Pair) -> bool:
    """Report a change of `type`; True when the types differ (formats are then moot)."""
    base, head = pair.base, pair.head
    # A union without a type of its own takes its types from its members, compared one by one.
    if base.composed or head.composed:
        return False
    narrowed = not _covers(head.types, base.types, wire_text=pair.wire_text)
    widened = not _covers(base.types, head.types, wire_text=pair.wire_text)
    if not narrowed and not widened:
        return base.types != head.types
    effect = "changed" if narrowed and widened else ("narrowed" if narrowed else "widened")
    pair.report(
        pair.pick(TYPES, narrowed=narrowed, widened=widened),
        f"type {_show(base.types)} → {_show(head.types)} ({effect})",
        base=base.at("type"),
        head=head.at("type"),
    )
    return True


def check_nullable(pair: Pair) -> None:
    """Report null added to or removed from the accepted values (3.1 `type`, 3.0 `nullable`)."""
    base, head = pair.base, pair.head
    # Without a `type` every value is allowed; the type change says it already.
    if base.types is None or head.types is None or base.nullable == head.nullable:
        return
    pair.report(
        NULLABLE.pick(pair.direction, narrowed=base.nullable),
        "null no longer accepted" if base.nullable else "null now accepted",
        base=base.pointer,
        head=head.pointer,
    )


def check_formats(pair: Pair) -> None:
    """Report a `format` added, removed or changed.

    Format is an annotation unless a validator opts in (2020-12 validation 7.2), but generated
    clients and servers parse by it, so a new format refuses values the old one let through.
    """
    base, head = pair.base, pair.head
    old, new = base.keyword("format"), head.keyword("format")
    if old == new or base.composed or head.composed:
        return
    if old is None:
        narrowed, widened = True, False
    elif new is None or (old, new) in _WIDER_FORMAT:
        narrowed, widened = False, True
    elif (new, old) in _WIDER_FORMAT:
        narrowed, widened = True, False
    else:
        narrowed = widened = True
    effect = "changed" if narrowed and widened else ("narrowed" if narrowed else "widened")
    pair.report(
        pair.pick(FORMATS, narrowed=narrowed, widened=widened),
        f"format {old or 'none'} → {new or 'none'} ({effect})",
        base=base.at("format"),
        head=head.at("format"),
    )
