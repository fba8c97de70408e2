"""Which generated model class a component schema has, by the direction it travels in.

With request and response models split (`render/_read_write.py`), a schema whose members, or
whose referenced schemas' members, are readOnly or writeOnly has no class of its own but
`<Name>Request` and `<Name>Response` (another pair of suffixes when a schema has one of those
names). The pipeline tells the IR which, by the same rule the split follows, and checks the
rendered models for them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "SHARED",
    "VARIANT_SUFFIXES",
    "Direction",
    "ModelNames",
    "model_classes",
    "variant_suffixes",
]

Direction = Literal["request", "response"]
# Suffixes of a split schema's request and response models, in order of preference: the first
# pair whose names no schema of the spec has (Asana has `EnumOption` and `EnumOptionRequest`).
VARIANT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("Request", "Response"),
    ("Input", "Output"),
    ("Write", "Read"),
    ("RequestModel", "ResponseModel"),
)


def variant_suffixes(model: str, taken: Collection[str]) -> tuple[str, str]:
    """The request and response suffixes for a split schema whose model is `model`, given the
    model names of all the spec's schemas."""
    for pair in VARIANT_SUFFIXES:
        if all(model + suffix not in taken for suffix in pair):
            return pair
    return VARIANT_SUFFIXES[-1]  # every pair taken: datamodel-codegen numbers the clash


# A top-level `class X` or `X = ...`/`type X` of a datamodel-codegen models module.
_DEFINED = re.compile(r"^(?:class\s+(\w+)|(\w+)\s*(?::[^=\n]*)?=|type\s+(\w+))", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ModelNames:
    """Split schemas' models (those with request and response variants instead), and their
    variants' suffixes."""

    split: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def of(self, model: str, direction: Direction) -> str:
        """The class to use for the schema named `model` when it travels in `direction`."""
        pair = self.split.get(model)
        if pair is None:
            return model
        return model + (pair[0] if direction == "request" else pair[1])

    def base(self, name: str) -> str:
        """The schema's class name for a name `of` returned."""
        for model, pair in self.split.items():
            if name in (model + pair[0], model + pair[1]):
                return model
        return name


# No schema split: every schema has one model, as in the `shared` read-write mode.
SHARED = ModelNames()


def model_classes(sources: Iterable[str]) -> frozenset[str]:
    """Every name defined at the top level of the given models modules."""
    found: set[str] = set()
    for source in sources:
        for match in _DEFINED.finditer(source):
            found.add(next(group for group in match.groups() if group))
    return frozenset(found)
