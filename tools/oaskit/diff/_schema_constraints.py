"""Bounds and patterns: lengths, ranges, item and property counts, multipleOf, uniqueItems.

Each keyword limits values of one type (2020-12 validation 6.2-6.5); a tighter limit accepts
fewer values, a looser one more. A changed `pattern` cannot be compared in general (regular
language inclusion is decidable but not for ECMA-262 patterns with lookarounds and
backreferences), so it is a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from oaskit.diff._model import Rule
from oaskit.diff._schema_flat import Flat
from oaskit.diff._schema_pair import Pair, directional
from oaskit.errors import Level

__all__ = ["CONSTRAINTS", "PATTERN_CHANGED", "RULES", "check_constraints"]

CONSTRAINTS = directional("constraints", "constraint", narrowed="tightened", widened="loosened")
PATTERN_CHANGED = Rule(
    "pattern-changed",
    "constraints",
    Level.WARNING,
    "A pattern was replaced by another; whether it accepts less or more cannot be decided.",
)
RULES: tuple[Rule, ...] = (*CONSTRAINTS.rules, PATTERN_CHANGED)

_LOWER = ("minLength", "minItems", "minProperties")
_UPPER = ("maxLength", "maxItems", "maxProperties")


@dataclass(frozen=True, slots=True)
class _Bound:
    """A numeric limit: its value and whether the value itself is excluded."""

    value: Fraction
    exclusive: bool
    text: str


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Fraction(value)


def _numeric(flat: Flat, *, lower: bool) -> _Bound | None:
    """The effective lower (or upper) bound of a number schema.

    OAS 3.0 writes an exclusive bound as `minimum` plus `exclusiveMinimum: true` (JSON Schema
    draft-wright-00 validation 5.4-5.6); 3.1 as a number in `exclusiveMinimum` (2020-12
    validation 6.2.5). Where both are given, the tighter one holds.
    """
    inclusive_key, exclusive_key = (
        ("minimum", "exclusiveMinimum")
        if lower
        else (
            "maximum",
            "exclusiveMaximum",
        )
    )
    bounds: list[_Bound] = []
    plain = _number(flat.keyword(inclusive_key))
    flag = flat.keyword(exclusive_key)
    if plain is not None:
        exclusive = flag is True
        name = exclusive_key if exclusive else inclusive_key
        bounds.append(_Bound(plain, exclusive, f"{name} {flat.keyword(inclusive_key)}"))
    number = _number(flag)
    if number is not None:
        bounds.append(_Bound(number, True, f"{exclusive_key} {flag}"))
    if not bounds:
        return None
    # The tighter bound: the larger lower bound or the smaller upper one; exclusive wins a tie.
    sign = 1 if lower else -1
    return max(bounds, key=lambda bound: (sign * bound.value, bound.exclusive))


def _tighter(old: _Bound | None, new: _Bound | None, *, lower: bool) -> bool | None:
    """True when `new` is tighter than `old`, False when looser, None when the same."""
    if old is None and new is None:
        return None
    if old is None:
        return True
    if new is None:
        return False
    if old.value == new.value:
        return None if old.exclusive == new.exclusive else new.exclusive
    return (new.value > old.value) == lower


# The type each keyword limits; on other values it always passes (2020-12 validation 6).
_APPLIES_TO = {
    "minLength": "string",
    "maxLength": "string",
    "pattern": "string",
    "minItems": "array",
    "maxItems": "array",
    "uniqueItems": "array",
    "minProperties": "object",
    "maxProperties": "object",
    "minimum": "number",
    "maximum": "number",
    "multipleOf": "number",
}


def _applies(pair: Pair, key: str) -> bool:
    """Whether both sides accept values `key` limits, so that its change matters.

    A parameter's text (`wire_text`) is one value whatever its type says, so there every
    limit counts.
    """
    if pair.wire_text:
        return True
    kind = _APPLIES_TO[key]
    kinds = {kind, "integer"} if kind == "number" else {kind}
    return all(types is None or types & kinds for types in (pair.base.types, pair.head.types))


def check_constraints(pair: Pair) -> None:
    """Report each limit that became tighter or looser, and pattern and multipleOf changes."""
    base, head = pair.base, pair.head
    for key in (*_LOWER, *_UPPER):
        old, new = _number(base.keyword(key)), _number(head.keyword(key))
        if old == new or not _applies(pair, key):
            continue
        lower = key in _LOWER
        tighter = new is not None if old is None or new is None else (new > old) == lower
        _report(pair, tighter, f"{key} {_text(base, key)} → {_text(head, key)}", key)
    for lower in (True, False):
        old_bound, new_bound = _numeric(base, lower=lower), _numeric(head, lower=lower)
        change = _tighter(old_bound, new_bound, lower=lower)
        if change is not None and _applies(pair, "minimum"):
            old_text = old_bound.text if old_bound else "none"
            new_text = new_bound.text if new_bound else "none"
            key = "minimum" if lower else "maximum"
            _report(pair, change, f"{old_text} → {new_text}", key)
    _check_multiple_of(pair)
    old_unique, new_unique = (
        base.keyword("uniqueItems") is True,
        head.keyword("uniqueItems") is True,
    )
    if old_unique != new_unique and _applies(pair, "uniqueItems"):
        _report(pair, new_unique, f"uniqueItems {old_unique} → {new_unique}", "uniqueItems")
    _check_pattern(pair)


def _text(flat: Flat, key: str) -> str:
    value = flat.keyword(key)
    return "none" if value is None else str(value)


def _report(pair: Pair, tighter: bool, detail: str, key: str, *, both: bool = False) -> None:
    effect = "changed both ways" if both else ("tightened" if tighter else "loosened")
    pair.report(
        pair.pick(CONSTRAINTS, narrowed=tighter or both, widened=both or not tighter),
        f"{detail} ({effect})",
        base=pair.base.at(key),
        head=pair.head.at(key),
    )


def _check_multiple_of(pair: Pair) -> None:
    """Multiples of `old` are all multiples of `new` exactly when `old` is a multiple of `new`."""
    old, new = _number(pair.base.keyword("multipleOf")), _number(pair.head.keyword("multipleOf"))
    if old == new or not _applies(pair, "multipleOf"):
        return
    if old == new or (old is not None and old <= 0) or (new is not None and new <= 0):
        return
    detail = f"multipleOf {_text(pair.base, 'multipleOf')} → {_text(pair.head, 'multipleOf')}"
    if old is None or new is None:
        _report(pair, new is not None, detail, "multipleOf")
        return
    looser = (old / new).denominator == 1
    tighter = (new / old).denominator == 1
    if looser or tighter:
        _report(pair, tighter, detail, "multipleOf")
        return
    # Neither divides the other (2 → 3): some values are lost and some gained.
    _report(pair, True, detail, "multipleOf", both=True)


def _check_pattern(pair: Pair) -> None:
    old, new = pair.base.keyword("pattern"), pair.head.keyword("pattern")
    if old == new or not _applies(pair, "pattern"):
        return
    if old is None or new is None:
        _report(pair, new is not None, f"pattern {old!r} → {new!r}", "pattern")
        return
    pair.report(
        PATTERN_CHANGED,
        f"pattern {old!r} → {new!r} (cannot tell which accepts more)",
        base=pair.base.at("pattern"),
        head=pair.head.at("pattern"),
    )
