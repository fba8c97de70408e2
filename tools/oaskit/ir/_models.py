"""Which generated model class a component schema has, by the direction it travels in.

With request and response models split (datamodel-codegen's `request-response` mode), a schema
whose fields, or whose referenced schemas' fields, are readOnly or writeOnly has no class of its
own but `<Name>Request` and `<Name>Response`. The IR learns which ones from the rendered models
themselves, not from a guess at datamodel-codegen's rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from oaskit.ir._naming import class_name

__all__ = ["SHARED", "Direction", "ModelNameClashError", "ModelNames", "model_classes"]

Direction = Literal["request", "response"]
_SUFFIX: dict[Direction, str] = {"request": "Request", "response": "Response"}
# A top-level `class X` or `X = ...`/`type X` of a datamodel-codegen models module.
_DEFINED = re.compile(r"^(?:class\s+(\w+)|(\w+)\s*(?::[^=\n]*)?=|type\s+(\w+))", re.MULTILINE)


class ModelNameClashError(Exception):
    """A schema's class name is also the request or response model of a split schema."""

    def __init__(self, schema: str, message: str) -> None:
        super().__init__(message)
        self.schema = schema


@dataclass(frozen=True, slots=True)
class ModelNames:
    """The class names of split schemas (those with Request/Response variants instead)."""

    split: frozenset[str] = frozenset()

    def of(self, model: str, direction: Direction) -> str:
        """The class to use for the schema named `model` when it travels in `direction`."""
        return model + _SUFFIX[direction] if model in self.split else model

    def base(self, name: str) -> str:
        """The schema's class name for a name `of` returned."""
        for suffix in _SUFFIX.values():
            stem = name.removesuffix(suffix)
            if stem != name and stem in self.split:
                return stem
        return name

    @classmethod
    def from_classes(cls, classes: Iterable[str], schemas: Iterable[str]) -> ModelNames:
        """Split schemas of `schemas` (component names), given the classes the models define.

        Raises ModelNameClashError when a schema's own class name is a split schema's variant: the
        models then hold a renamed class (`XRequest1`) the IR cannot tell apart.
        """
        defined = set(classes)
        names = {schema: class_name(schema) for schema in schemas}
        own = set(names.values())
        for schema, model in sorted(names.items()):
            for suffix in _SUFFIX.values():
                stem = model.removesuffix(suffix)
                # The stem's schema was split (no class of its own), so its variant took this
                # schema's name and one of them was renamed: the IR cannot tell which is which.
                if stem != model and stem in own and stem not in defined:
                    raise ModelNameClashError(
                        schema,
                        f"schema {schema!r} has the class name {model} of the "
                        f"{suffix.lower()} model of a schema with readOnly/writeOnly members; "
                        'rename it or set read-write-models = "shared" for this API',
                    )
        split = frozenset(
            model
            for model in own
            if model not in defined and all(model + s in defined for s in _SUFFIX.values())
        )
        return cls(split)


# No schema split: every schema has one model, as in the `shared` read-write mode.
SHARED = ModelNames()


def model_classes(sources: Iterable[str]) -> frozenset[str]:
    """Every name defined at the top level of the given models modules."""
    found: set[str] = set()
    for source in sources:
        for match in _DEFINED.finditer(source):
            found.add(next(group for group in match.groups() if group))
    return frozenset(found)
