"""The models of an API in the intermediate model: classes, their fields, and the modules that
hold them. Every name, type and import is decided here; `templates/models/` only prints them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["EnumMember", "ModelClass", "ModelField", "ModelModule", "ModelSet"]

ClassKind = Literal["model", "enum", "root", "alias"]


@dataclass(frozen=True, slots=True)
class ModelField:
    """One member of an object schema, as a pydantic field."""

    name: str
    # The annotation as written in the class body: `Annotated[...]`, `| MISSING` when optional.
    annotation: str
    # Python source after ` = `: `MISSING` for an optional member, its default, or "" (required).
    default: str = ""


@dataclass(frozen=True, slots=True)
class EnumMember:
    """A `StrEnum` member: a Python name and its value as Python source."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class ModelClass:
    """A generated class or alias.

    - `model`: an `ApiModel` with `fields` (`extra` is "forbid", "allow" or "" for pydantic's
      default, which ignores undeclared members);
    - `enum`: a `StrEnum` with `members`;
    - `root`: a `RootModel` whose value is `root` (arrays, maps, unions of named schemas);
    - `alias`: `TypeAliasType` of `root` (a named scalar schema: its values stay plain values).
    """

    name: str
    kind: ClassKind
    doc: str = ""
    fields: tuple[ModelField, ...] = ()
    members: tuple[EnumMember, ...] = ()
    root: str = ""
    # What the class statement evaluates: `root`, or `root` as a string when it names a class
    # defined further down (a cycle of roots and aliases).
    base: str = ""
    extra: str = ""
    # Every class this one names, and those of them its statement evaluates when it runs (a
    # root's base, an alias's value, an enum default): those must be defined before it.
    references: tuple[str, ...] = ()
    eager: tuple[str, ...] = ()
    # `anyOf`/`oneOf` branches that require members: field names per branch.
    branches: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class ModelModule:
    """One models module: its path in the package, the classes it defines in order, and the
    classes it imports from sibling modules."""

    path: str
    classes: tuple[ModelClass, ...]
    # (module, names, wrapped): names in isort's order; `wrapped` when the line would pass 100.
    imports: tuple[tuple[str, tuple[str, ...], bool], ...] = ()
    # The names the module's code reads besides its classes (`Annotated`, `MISSING`, `re`…):
    # it imports those only, so ruff has no unused import to remove from thousands of modules.
    uses: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ModelSet:
    """Every model of an API. `lazy`: a `models/` package whose `__init__` imports a module on
    first access (`module_of` says which defines each class), else one `models.py`."""

    modules: tuple[ModelModule, ...] = ()
    lazy: bool = False
    # (class, module) in `__all__`'s order (ruff's RUF022).
    module_of: tuple[tuple[str, str], ...] = ()
    # (class, module, wrapped) in isort's order: the `TYPE_CHECKING` imports of the package.
    lazy_imports: tuple[tuple[str, str, bool], ...] = ()

    @property
    def classes(self) -> tuple[ModelClass, ...]:
        return tuple(c for module in self.modules for c in module.classes)
