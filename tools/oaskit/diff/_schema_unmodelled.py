"""Keywords the diff does not model, reported when their value changes so none passes unseen.

Conditionals (`if`/`then`/`else`), dependencies, pattern-keyed properties and `contains`
(2020-12 core 10.2.2, 10.3.1.3, 10.3.2.2-4, 11) constrain instances in ways a comparison by
shape cannot settle, so a change to any of them is a warning to read, not a verdict.
"""

from __future__ import annotations

import json

from oaskit.diff._model import Rule
from oaskit.diff._schema_pair import Pair
from oaskit.errors import Level

__all__ = ["KEYWORD_CHANGED", "RULES", "check_unmodelled"]

KEYWORD_CHANGED = Rule(
    "schema-keyword-changed",
    "constraints",
    Level.WARNING,
    "A keyword the diff cannot compare changed (if/then/else, dependencies, patternProperties…).",
)
RULES: tuple[Rule, ...] = (KEYWORD_CHANGED,)
_UNMODELLED = (
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
)


def check_unmodelled(pair: Pair) -> None:
    """Report each unmodelled keyword whose written value differs between base and head."""
    for key in _UNMODELLED:
        old, new = pair.base.keyword(key), pair.head.keyword(key)
        if json.dumps(old, sort_keys=True, default=str) == json.dumps(
            new, sort_keys=True, default=str
        ):
            continue
        how = "added" if old is None else "removed" if new is None else "changed"
        pair.report(
            KEYWORD_CHANGED,
            f"`{key}` {how} (not compared; check by hand)",
            base=(*pair.base.at(key), key),
            head=(*pair.head.at(key), key),
        )
