"""Which component schemas differ by the direction they travel in (readOnly, writeOnly).

A schema with a readOnly or writeOnly member (at any depth of its own inline objects), or one that
refers to such a schema, has no model of its own but `<Name>Request`, without its readOnly
members, and `<Name>Response`, without its writeOnly ones (OAS 3.1 4.8.24: readOnly "SHOULD NOT
be sent as part of the request", writeOnly "SHOULD NOT be sent as part of the response").
`Input`/`Output`, … replace the suffixes when a schema already has one of those names.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Literal

__all__ = [
    "LEFT_OUT",
    "VARIANT_SUFFIXES",
    "Direction",
    "Flags",
    "component_target",
    "split_schemas",
    "variant_suffixes",
]

Direction = Literal["request", "response"]
# The member flag a direction leaves out.
LEFT_OUT: dict[Direction, str] = {"request": "readOnly", "response": "writeOnly"}
# Suffixes of a split schema's request and response models, in order of preference: the first
# pair whose names no schema of the spec has (Asana has `EnumOption` and `EnumOptionRequest`).
VARIANT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("Request", "Response"),
    ("Input", "Output"),
    ("Write", "Read"),
    ("RequestModel", "ResponseModel"),
)
_PREFIX = "#/components/schemas/"
# Keywords whose values are literal data, never schemas.
_DATA = frozenset({"example", "examples", "default", "enum", "const"})


def variant_suffixes(model: str, taken: Collection[str]) -> tuple[str, str]:
    """The request and response suffixes for a split schema whose class is `model`, given the
    class names of all the spec's schemas."""
    for pair in VARIANT_SUFFIXES:
        if all(model + suffix not in taken for suffix in pair):
            return pair
    return VARIANT_SUFFIXES[-1]  # every pair taken: the names resolve their clash as any other


def component_target(ref: Any) -> str | None:
    """The component schema name `#/components/schemas/<name>` names, else None."""
    if isinstance(ref, str) and ref.startswith(_PREFIX) and "/" not in ref[len(_PREFIX) :]:
        return ref[len(_PREFIX) :].replace("~1", "/").replace("~0", "~")
    return None


class Flags:
    """Whether member schemas are readOnly or writeOnly, remembered per component schema."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self._schemas = schemas
        self._components: dict[tuple[str, str], bool] = {}

    def flagged(self, schema: Any, flag: str) -> bool:
        """Whether a member schema is `flag`ged, itself or through the `$ref`/`allOf` it is
        made of."""
        for _ in range(_MAX_HOPS):
            if not isinstance(schema, dict):
                return False
            if schema.get(flag) is True:
                return True
            target = component_target(schema.get("$ref"))
            if target is not None:
                key = (target, flag)
                found = self._components.get(key)
                if found is None:
                    self._components[key] = False  # a cycle of references adds nothing
                    found = self.flagged(self._schemas.get(target), flag)
                    self._components[key] = found
                return found
            members = schema.get("allOf")
            if not (isinstance(members, list) and len(members) == 1):
                return False
            schema = members[0]
        return False

    def any_flagged(self, schema: Any) -> bool:
        """Whether a member schema is readOnly or writeOnly."""
        if not isinstance(schema, dict):
            return False
        if schema.get("readOnly") is True or schema.get("writeOnly") is True:
            return True
        if "$ref" not in schema and "allOf" not in schema:
            return False  # the common case, without following anything
        return self.flagged(schema, "readOnly") or self.flagged(schema, "writeOnly")


# How many `allOf`-of-one wrappings a member schema is followed through.
_MAX_HOPS = 32


def split_schemas(schemas: dict[str, Any], flags: Flags) -> set[str]:
    """The schemas that differ by direction (a member of one of their own inline objects is
    flagged), and every schema that refers to one of them."""
    split: set[str] = set()
    referrers: dict[str, set[str]] = {}
    for name, schema in schemas.items():
        # One walk per schema: its references, and whether its own objects have flagged members.
        stack = [schema]
        while stack:
            current = stack.pop()
            if isinstance(current, list):
                stack.extend(current)
                continue
            if not isinstance(current, dict):
                continue
            target = component_target(current.get("$ref"))
            if target is not None:
                referrers.setdefault(target, set()).add(name)
            mapping = current.get("discriminator")
            if isinstance(mapping, dict) and isinstance(mapping.get("mapping"), dict):
                for ref in mapping["mapping"].values():
                    found = component_target(ref)
                    if found is not None:
                        referrers.setdefault(found, set()).add(name)
            if "$ref" not in current and name not in split:
                properties = current.get("properties")
                members = properties.values() if isinstance(properties, dict) else ()
                if any(flags.any_flagged(member) for member in members):
                    split.add(name)
            stack.extend(v for k, v in current.items() if k not in _DATA)
    pending = list(split)
    while pending:
        for referrer in referrers.get(pending.pop(), ()):
            if referrer not in split:
                split.add(referrer)
                pending.append(referrer)
    return split
