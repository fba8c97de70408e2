"""The name an external `$ref` target gets when `oaskit bundle` hoists it into `components`.

Readable and stable: taken from the target itself, never from the order it was met in. A
target that another file already names (`common.yaml#/components/schemas/Error`, a `$defs`
entry) keeps that name; a whole file is named by its file name; a piece of a file is named by
the file and the members on the way to it (`_ConnectorProperties.yaml#/properties/team_id` is
`ConnectorPropertiesTeamId`). Names are made of the characters OAS 3.1 4.8.7 allows for
component keys.
"""

from __future__ import annotations

import re
from pathlib import Path

from oaskit.spec._load import Pointer

__all__ = ["component_name"]

# OAS 3.1 4.8.7: component keys match ^[a-zA-Z0-9\.\-_]+$.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Member names of the OAS and JSON Schema structure that say where, not what: left out of a
# name built from a pointer, so `#/properties/name` gives `Name`, not `PropertiesName`.
_STRUCTURE = frozenset(
    {
        "components",
        "schemas",
        "parameters",
        "responses",
        "requestBodies",
        "headers",
        "examples",
        "links",
        "callbacks",
        "pathItems",
        "securitySchemes",
        "properties",
        "items",
        "prefixItems",
        "additionalProperties",
        "patternProperties",
        "$defs",
        "definitions",
        "content",
        "schema",
    }
)
# Containers whose member names are names an author gave the thing below.
_NAMING = frozenset({"$defs", "definitions"})


def component_name(path: Path, pointer: Pointer) -> str:
    """The name for the target `pointer` in the file `path` (before any clash is resolved)."""
    stem = _pascal(path.stem) or "Component"
    if not pointer:
        # A file written as one component keeps its file name (`Retry-After.yaml`), as
        # `redocly bundle` names it.
        return _safe(path.stem) or stem
    last = str(pointer[-1])
    named = (len(pointer) >= 3 and pointer[-3] == "components") or (
        len(pointer) >= 2 and str(pointer[-2]) in _NAMING
    )
    if named and _safe(last):
        return _safe(last)
    words = [str(token) for token in pointer if str(token) not in _STRUCTURE]
    return stem + "".join(_pascal(word) for word in words)


def _safe(text: str) -> str:
    return _UNSAFE.sub("", text)


def _pascal(text: str) -> str:
    """`text`'s words with their first letters raised: `team_id` → `TeamId`, `iconUrl` →
    `IconUrl`; what a component key may not hold is dropped."""
    words = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(word[:1].upper() + word[1:] for word in words if word)
