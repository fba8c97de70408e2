"""Every rule `oaskit diff` knows, from each family's module, with ids checked unique."""

from __future__ import annotations

from functools import cache

from oaskit.diff import (
    _bodies,
    _deprecation,
    _headers,
    _media,
    _operations,
    _parameters,
    _responses,
    _schemas,
    _security,
    _servers,
)
from oaskit.diff._model import Rule

__all__ = ["all_rules", "rule"]

_FAMILIES = (
    _operations,
    _deprecation,
    _parameters,
    _bodies,
    _media,
    _responses,
    _headers,
    _security,
    _servers,
    _schemas,
)


@cache
def _by_id() -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for module in _FAMILIES:
        for each in module.RULES:
            if each.id in found:
                # Configuration names rules by id; two rules with one id could not be told apart.
                raise ValueError(f"two diff rules are named {each.id!r}")
            found[each.id] = each
    return found


def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by family then id."""
    return tuple(sorted(_by_id().values(), key=lambda each: (each.family, each.id)))


def rule(rule_id: str) -> Rule:
    """The rule with this id; KeyError names an unknown one."""
    try:
        return _by_id()[rule_id]
    except KeyError:
        raise KeyError(f"no diff rule is named {rule_id!r}") from None
