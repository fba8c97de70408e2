"""Every schema of a spec as a Python type; named and inline object schemas become models.

`SchemaTypes` turns a Schema Object (OAS 3.1 4.8.24, JSON Schema 2020-12) into a Python
annotation, defining on the way a class for each component schema and for each inline object or
string enum, named after where it sits: the component (`PullRequest`), the property path
(`PullRequestHead`), an array's item (`IssueLabel` for `labels`), the operation's request body
or response (`IssuesCreateRequest`, `ReposGetResponse`). A name another class already has takes
a kind word first (`…Model`, `…Enum`) and a number only after that.

Class references are written as `\\x00Name\\x01` in annotation text, so each place that prints
one chooses how: `models.Name` in the client and server, `Name` (or `"Name"` before its
definition) in the models modules (`qualified`).
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from oaskit.ir._directions import (
    LEFT_OUT,
    Direction,
    Flags,
    component_target,
    split_schemas,
    variant_suffixes,
)
from oaskit.ir._escape import literal
from oaskit.ir._inline_names import Hint, letters
from oaskit.ir._naming import class_name
from oaskit.ir._style import json_type

__all__ = ["SchemaTypes", "Typed", "class_refs", "qualified", "ref_text"]

_OPEN, _CLOSE = "\x00", "\x01"
_REF = re.compile("\x00([^\x00\x01]+)\x01")


def ref_text(name: str) -> str:
    """A reference to class `name` in annotation text."""
    return f"{_OPEN}{name}{_CLOSE}"


def qualified(text: str, prefix: str = "models.") -> str:
    """`text` with every class reference written `prefix` + name."""
    return _REF.sub(lambda match: prefix + match.group(1), text) if _OPEN in text else text


def class_refs(text: str) -> list[str]:
    """The classes `text` refers to, in order."""
    return _REF.findall(text) if _OPEN in text else []


# Names the models modules use themselves, which no class may take and no field may shadow (a
# field's default in the class body would hide the name from its annotations).
_MODULE_NAMES = frozenset(
    {
        "Annotated",
        "Any",
        "ApiModel",
        "AwareDatetime",
        "ConfigDict",
        "Field",
        "Literal",
        "MISSING",
        "RootModel",
        "StringConstraints",
        "StrEnum",
        "TypeAliasType",
        "UUID",
        "TYPE_CHECKING",
    }
)
_BUILTIN_NAMES = frozenset(
    {"str", "int", "float", "bool", "list", "dict", "bytes", "re", "None", "_date", "_time"}
)
# pydantic's own attributes (`model_dump`, `json`, `copy`…): a field may not take their names.
_BASEMODEL_NAMES = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
        "model_config",
        "model_fields",
    }
)
# str's attributes: a StrEnum member named like one would redefine it (mypy refuses that).
_STR_ATTRIBUTES = frozenset(name for name in dir(str) if not name.startswith("__"))
# JSON Schema 2020-12 Validation 6.1.1: the Python types of each instance type.
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# String formats read as a Python type of their own (OAS 3.1 4.4, JSON Schema Validation 7.3).
# The others stay `str`: `format` is an annotation in 2020-12 (Validation 7.2.1). `uri` above
# all: `AnyUrl` rewrites the value (`https://a.test` becomes `https://a.test/`) and refuses the
# `""` real APIs send (GitHub's `environment_url`). A UUID is one value however it is cased
# (RFC 9562 4).
_FORMATS = {
    "date-time": "AwareDatetime",
    "date": "_date",
    "time": "_time",
    "uuid": "UUID",
    # A file's bytes in a form or multipart body (OAS 3.0 4.7.14.3; Swagger 2's `file`).
    "binary": "bytes",
}
# Keywords that declare an object's members or constrain them otherwise.
_OBJECT_KEYWORDS = ("properties", "additionalProperties", "patternProperties", "propertyNames")
_UNION_KEYWORDS = ("oneOf", "anyOf")
# The schema of a member a schema requires without declaring: any value (one object for all,
# kept alive, since schemas are remembered by identity).
_UNDECLARED: dict[str, Any] = {}
# Keywords whose values are instances, never schemas.
_DATA = frozenset({"enum", "const", "default", "example", "examples"})
# The depth at which `allOf` flattening stops following references (a cycle of `allOf`s).
_MAX_DEPTH = 32


@dataclass(slots=True)
class Typed:
    """A schema as a Python type: `text` without `None`; `nullable` adds it."""

    text: str
    nullable: bool = False
    # pydantic `Field` keyword arguments (source) that enforce the schema's constraints.
    constraints: tuple[tuple[str, str], ...] = ()
    # Whether instances are the JSON values themselves (str, int, lists…), so a default of the
    # right JSON type can be written as it is.
    plain: bool = True
    kinds: frozenset[str] | None = None
    # A `StrEnum` class and its member names by value.
    enum: tuple[str, dict[str, str]] | None = None
    # A class whose instances are models (a model or a root model).
    model: bool = False

    def full(self) -> str:
        """The annotation, constraints and `None` included."""
        text = self.text
        if self.constraints:
            arguments = ", ".join(f"{key}={value}" for key, value in self.constraints)
            text = f"Annotated[{text}, Field({arguments})]"
        return f"{text} | None" if self.nullable else text


_ANY = "Any"


@dataclass(slots=True)
class _Field:
    prop: str
    typed: Typed
    required: bool
    description: str | None
    examples: list[Any]
    default: Any
    has_default: bool


@dataclass(slots=True)
class _Draft:
    """A class being defined; turned into IR once every class is known (`SchemaTypes.classes`)."""

    name: str
    kind: str
    doc: str = ""
    fields: list[_Field] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)
    root: str = ""
    typed: Typed | None = None
    extra: str = ""
    discriminated: dict[str, list[str]] = field(default_factory=dict)
    # The members each `anyOf`/`oneOf` branch requires: an instance must give one branch's.
    branches: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DraftField:
    """A field as `SchemaTypes.classes` hands it on: a name, annotation text, default source."""

    name: str
    annotation: str
    default: str


@dataclass(frozen=True, slots=True)
class DraftClass:
    name: str
    kind: str
    doc: str
    fields: tuple[DraftField, ...]
    members: tuple[tuple[str, str], ...]
    root: str
    extra: str
    eager: tuple[str, ...]
    branches: tuple[tuple[str, ...], ...] = ()


class SchemaTypes:
    """The Python types of a bundled spec's schemas, and the classes they need."""

    def __init__(self, spec: dict[str, Any], *, split: bool = True) -> None:
        self._spec = spec
        components = spec.get("components")
        found = components.get("schemas") if isinstance(components, dict) else None
        self._schemas: dict[str, Any] = found if isinstance(found, dict) else {}
        self._flags = Flags(self._schemas)
        self._split = split_schemas(self._schemas, self._flags) if split else set()
        self._directional = split
        self._taken: set[str] = set(_MODULE_NAMES) | _BUILTIN_NAMES
        self._drafts: dict[str, _Draft] = {}
        self._component_class: dict[str, str] = {}
        self._suffixes: dict[str, tuple[str, str]] = {}
        self._built: dict[tuple[str, Direction | None], str] = {}
        # Inline objects' classes and inline string enums' types, by schema (and direction).
        self._inline_classes: dict[tuple[int, Direction | None], str] = {}
        self._inline_enums: dict[int, Typed] = {}
        self._flagged: dict[int, bool] = {}
        # `allOf` flattened once per schema; the schema is kept so its id stays its own.
        self._merges: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        # Nodes a reference chain is walking through: a schema that contains itself is `Any`.
        self._walking: set[int] = set()
        bases = {name: class_name(str(name)) for name in self._schemas}
        plain = set(bases.values())
        for name, base in bases.items():
            if name in self._split:
                pair = variant_suffixes(base, plain)
                chosen = self._allocate(base, "Model")
                self._component_class[name] = chosen
                self._suffixes[name] = pair
                for suffix in pair:
                    self._taken.add(chosen + suffix)
            else:
                self._component_class[name] = self._allocate(base, "Model")

    # -- names -------------------------------------------------------------------------------

    def _allocate(self, base: str, kind_word: str) -> str:
        """`base`, else `base` with the kind word, else numbered: a name no class has yet."""
        for candidate in (base, base + kind_word):
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate
        number = 2
        while f"{base}{kind_word}{number}" in self._taken:
            number += 1
        chosen = f"{base}{kind_word}{number}"
        self._taken.add(chosen)
        return chosen

    def component_class(self, name: str, direction: Direction) -> str:
        """The class of component schema `name` in `direction`, defined on first use."""
        key = (name, direction if name in self._split else None)
        found = self._built.get(key)
        if found is not None:
            return found
        chosen = self._component_class[name]
        if key[1] is not None:
            pair = self._suffixes[name]
            chosen += pair[0] if direction == "request" else pair[1]
        self._built[key] = chosen
        self._define(chosen, self._schemas[name], direction, named=True)
        return chosen

    def define_components(self) -> None:
        """Define every component schema's class (both variants of a split one)."""
        for name in self._schemas:
            self.component_class(str(name), "request")
            if name in self._split:
                self.component_class(str(name), "response")

    def component_classes(self) -> list[str]:
        """The classes of the named schemas (both variants of a split one)."""
        return list(self._built.values())

    # -- types -------------------------------------------------------------------------------

    def typed(self, schema: Any, hint: Hint | str, direction: Direction) -> Typed:
        """The Python type of `schema`; inline classes are named from `hint`."""
        if isinstance(hint, str):
            hint = Hint(hint)
        if not isinstance(schema, dict):
            return Typed(_ANY, plain=True)
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self._referenced(schema, ref, hint, direction)
        key = id(schema)
        if key in self._walking:
            return Typed(_ANY)
        self._walking.add(key)
        try:
            return self._typed(schema, hint, direction)
        finally:
            self._walking.discard(key)

    def _referenced(
        self, schema: dict[str, Any], ref: str, hint: Hint, direction: Direction
    ) -> Typed:
        target = component_target(ref)
        if target is not None and target in self._schemas:
            name = self.component_class(target, direction)
            draft = self._drafts[name]
            nullable = schema.get("nullable") is True
            if draft.kind == "alias":
                # A named scalar keeps its values plain: defaults of its type may be written.
                inner = draft.typed or Typed(_ANY, plain=False)
                return Typed(
                    ref_text(name),
                    nullable=nullable or inner.nullable,
                    plain=inner.plain,
                    kinds=inner.kinds,
                )
            if draft.kind == "enum":
                members = {value: member for member, value in draft.members}
                return Typed(ref_text(name), nullable=nullable, plain=False, enum=(name, members))
            return Typed(ref_text(name), nullable=nullable, plain=False, model=True)
        node = self._pointer(ref)
        if node is None or id(node) in self._walking:
            return Typed(_ANY)
        self._walking.add(id(node))
        try:
            return self._typed(node, hint, direction)
        finally:
            self._walking.discard(id(node))

    def _pointer(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            return None
        target: Any = self._spec
        for token in ref[2:].split("/"):
            token = unquote(token).replace("~1", "/").replace("~0", "~")
            if isinstance(target, list) and token.isdigit() and int(token) < len(target):
                target = target[int(token)]
            elif isinstance(target, dict):
                target = target.get(token)
            else:
                return None
        return target if isinstance(target, dict) else None

    def _typed(self, schema: dict[str, Any], hint: Hint, direction: Direction) -> Typed:
        merged = self._merged(schema, 0)
        nullable = _nullable(merged)
        single = _lone_member(merged)
        if single is not None:
            inner = self.typed(single, hint, direction)
            if nullable:
                inner = Typed(
                    inner.text,
                    True,
                    inner.constraints,
                    inner.plain,
                    inner.kinds,
                    inner.enum,
                    inner.model,
                )
            return inner
        if "const" in merged:
            return _const(merged["const"], nullable)
        if isinstance(merged.get("enum"), list):
            return self._enum(schema, merged, hint, direction, nullable)
        if _is_object(merged):
            name = self._inline_class(schema, merged, hint, direction)
            return Typed(ref_text(name), nullable=nullable, plain=False, model=True)
        if any(isinstance(merged.get(k), list) for k in _UNION_KEYWORDS):
            return self._union(merged, hint, direction, nullable)
        return self._by_type(merged, hint, direction, nullable)

    def _inline_class(
        self, schema: dict[str, Any], merged: dict[str, Any], hint: Hint, direction: Direction
    ) -> str:
        directed: Direction | None = direction if self._directed(schema) else None
        key = (id(schema), directed)
        found = self._inline_classes.get(key)
        if found is not None:
            return found
        name = self._allocate(str(hint), "Model")
        self._inline_classes[key] = name
        self._define_object(name, merged, direction)
        return name

    def _directed(self, node: Any) -> bool:
        """Whether an inline schema differs by direction: a member of one of its own objects is
        readOnly or writeOnly, or it refers to a schema that differs. Each node is walked once."""
        if not self._directional or not isinstance(node, dict | list):
            return False
        key = id(node)
        found = self._flagged.get(key)
        if found is not None:
            return found
        self._flagged[key] = False  # a node met again while walking it adds nothing
        if isinstance(node, list):
            found = any(self._directed(item) for item in node if isinstance(item, dict | list))
        elif isinstance(node.get("$ref"), str):
            found = component_target(node["$ref"]) in self._split
        else:
            properties = node.get("properties")
            members = properties.values() if isinstance(properties, dict) else ()
            found = any(self._flags.any_flagged(member) for member in members) or any(
                self._directed(v)
                for k, v in node.items()
                if isinstance(v, dict | list) and k not in _DATA
            )
        self._flagged[key] = found
        return found

    def _by_type(
        self, merged: dict[str, Any], hint: Hint, direction: Direction, nullable: bool
    ) -> Typed:
        kinds = _kinds(merged)
        concrete = [k for k in kinds if k != "null"]
        if not concrete:
            if kinds:
                return Typed("None", plain=True, kinds=frozenset({"null"}))
            return Typed(_ANY, nullable=False)
        if len(concrete) > 1:
            parts = [self._single(merged, kind, hint, direction) for kind in concrete]
            text = " | ".join(dict.fromkeys(part.full() for part in parts))
            return Typed(
                text,
                nullable=nullable,
                plain=all(p.plain for p in parts),
                kinds=frozenset(concrete),
            )
        typed = self._single(merged, concrete[0], hint, direction)
        typed.nullable = nullable
        return typed

    def _single(self, merged: dict[str, Any], kind: str, hint: Hint, direction: Direction) -> Typed:
        kinds = frozenset({kind})
        if kind == "string":
            fmt = merged.get("format")
            text = _FORMATS.get(fmt, "str") if isinstance(fmt, str) else "str"
            # A typed format validates itself; pydantic has no length or pattern for a datetime
            # or a UUID (it refuses the value), and bytes take lengths only.
            if text == "str":
                constraints = _string_constraints(merged)
            elif text == "bytes":
                constraints = _sized(merged, "minLength", "maxLength")
            else:
                constraints = ()
            return Typed(text, constraints=constraints, plain=text == "str", kinds=kinds)
        if kind in ("integer", "number"):
            return Typed(_SCALARS[kind], constraints=_number_constraints(merged), kinds=kinds)
        if kind == "boolean":
            return Typed("bool", kinds=kinds)
        if kind == "array":
            items = merged.get("items")
            item = (
                self.typed(items, hint.item(), direction)
                if isinstance(items, dict)
                else Typed(_ANY)
            )
            return Typed(
                f"list[{item.full()}]",
                constraints=_sized(merged, "minItems", "maxItems"),
                plain=item.plain,
                kinds=kinds,
            )
        if kind == "object":
            extra = merged.get("additionalProperties")
            key = _key_type(merged.get("propertyNames"))
            if isinstance(extra, dict) and extra:
                value = self.typed(extra, hint.plus("Value"), direction)
                text = f"dict[{key}, {value.full()}]"
                plain = value.plain
            else:
                text, plain = f"dict[{key}, Any]", True
            return Typed(
                text,
                constraints=_sized(merged, "minProperties", "maxProperties"),
                plain=plain,
                kinds=kinds,
            )
        return Typed(_ANY)

    def _enum(
        self,
        schema: dict[str, Any],
        merged: dict[str, Any],
        hint: Hint,
        direction: Direction,
        nullable: bool,
    ) -> Typed:
        values = merged["enum"]
        nullable = nullable or None in values
        present = [v for v in values if v is not None]
        if not present:
            return Typed("None", kinds=frozenset({"null"}))
        if all(isinstance(v, str) for v in present):
            found = self._inline_enums.get(id(schema))
            if found is None:
                name = self._allocate(str(hint), "Enum")
                draft = _Draft(name, "enum", doc=_description(merged))
                draft.members = _members([str(v) for v in dict.fromkeys(present)])
                self._drafts[name] = draft
                found = Typed(
                    ref_text(name), plain=False, enum=(name, {v: m for m, v in draft.members})
                )
                self._inline_enums[id(schema)] = found
            return Typed(found.text, nullable=nullable, plain=False, enum=found.enum)
        if all(isinstance(v, str | int) and not isinstance(v, float) for v in present):
            text = "Literal[" + ", ".join(literal(v) for v in dict.fromkeys(present)) + "]"
            return Typed(text, nullable=nullable, kinds=frozenset(_json_kind(v) for v in present))
        # Numbers with fractions, objects and arrays have no `Literal`: the schema's type stands.
        without = {k: v for k, v in merged.items() if k != "enum"}
        typed = self._by_type(without, hint, direction, nullable)
        return typed

    def _union(
        self, merged: dict[str, Any], hint: Hint, direction: Direction, nullable: bool
    ) -> Typed:
        keyword_ = next(k for k in _UNION_KEYWORDS if isinstance(merged.get(k), list))
        members = [m for m in merged[keyword_] if isinstance(m, dict)]
        parts: list[Typed] = []
        for index, member in enumerate(members):
            if _is_null(member):
                nullable = True
                continue
            part = self.typed(member, hint.plus(f"Variant{letters(index)}"), direction)
            nullable = nullable or part.nullable
            parts.append(
                Typed(
                    part.text,
                    False,
                    part.constraints,
                    part.plain,
                    part.kinds,
                    part.enum,
                    part.model,
                )
            )
        if not parts:
            return Typed("None", kinds=frozenset({"null"}))
        if any(part.text == _ANY for part in parts):
            return Typed(_ANY)
        texts = list(dict.fromkeys(part.full() for part in parts))
        text = " | ".join(texts)
        tag = self._discriminator(merged, members, parts)
        if tag is not None and len(texts) > 1:
            text = f"Annotated[{text}, Field(discriminator={literal(tag)})]"
        kinds = (
            None
            if any(p.kinds is None for p in parts)
            else frozenset().union(*(p.kinds or () for p in parts))
        )
        return Typed(
            text,
            nullable=nullable,
            plain=all(p.plain for p in parts) and tag is None,
            kinds=kinds,
            model=any(p.model for p in parts),
        )

    def _discriminator(
        self, merged: dict[str, Any], members: list[dict[str, Any]], parts: list[Typed]
    ) -> str | None:
        """The discriminating property (OAS 3.1 4.8.25), when every member is a model that has
        it as a plain name; each member's field then becomes a `Literal` of its values."""
        found = merged.get("discriminator")
        if not isinstance(found, dict) or not isinstance(found.get("propertyName"), str):
            return None
        prop = str(found["propertyName"])
        if not (prop.isidentifier() and _field_name_ok(prop, self._taken)):
            return None
        raw_mapping = found.get("mapping")
        mapping: dict[Any, Any] = raw_mapping if isinstance(raw_mapping, dict) else {}
        by_class: dict[str, list[str]] = {}
        for part, member in zip(parts, (m for m in members if not _is_null(m)), strict=False):
            refs = class_refs(part.text)
            if not part.model or len(refs) != 1 or part.text != ref_text(refs[0]):
                return None
            name = refs[0]
            draft = self._drafts.get(name)
            tag = next((f for f in draft.fields if f.prop == prop), None) if draft else None
            # Only a member that restricts the property itself (`const`, `enum`) is told apart
            # by it: OAS 3.1 4.8.25 makes the discriminator a hint, and an instance with
            # another value may still be valid for the `oneOf` (GitHub's `user_view_type`).
            if draft is None or draft.kind != "model" or tag is None or not _restricted(tag.typed):
                return None
            values = [str(v) for v, ref in mapping.items() if self._maps_to(ref, name)]
            target = component_target(member.get("$ref"))
            if not values and target is not None:
                values = [target]  # the schema's name is its implicit value (4.8.25.1)
            if not values:
                return None
            by_class[name] = values
        all_values = [v for values in by_class.values() for v in values]
        if len(set(all_values)) != len(all_values):
            return None
        for name, values in by_class.items():
            tags = self._drafts[name].discriminated.setdefault(prop, [])
            tags.extend(v for v in values if v not in tags)
        return prop

    def _maps_to(self, ref: Any, name: str) -> bool:
        target = component_target(ref)
        if target is None and isinstance(ref, str) and ref in self._schemas:
            target = ref  # a mapping value may be a bare schema name (4.8.25.1)
        if target is None or target not in self._schemas:
            return False
        base = self._component_class[target]
        return name == base or (
            target in self._suffixes and name in {base + s for s in self._suffixes[target]}
        )

    # -- classes -----------------------------------------------------------------------------

    def _define(self, name: str, schema: Any, direction: Direction, *, named: bool) -> None:
        if not isinstance(schema, dict):
            self._drafts[name] = _Draft(name, "alias", root=_ANY)
            return
        merged = self._merged(schema, 0)
        single = _lone_member(merged)
        if single is not None and _is_object(self._merged(self._resolved(single), 0)):
            # `allOf: [{$ref: Base}]` under a name of its own: a model with Base's members.
            merged = self._merged(schema, 0, lone=True)
        values = merged.get("enum")
        if (
            isinstance(values, list)
            and any(v is not None for v in values)
            and all(isinstance(v, str) for v in values if v is not None)
            and _lone_member(merged) is None
        ):
            draft = _Draft(name, "enum", doc=_description(merged))
            draft.members = _members(
                [str(v) for v in dict.fromkeys(v for v in values if v is not None)]
            )
            self._drafts[name] = draft
            return
        if _is_object(merged) or _memberless_object(merged):
            self._define_object(name, merged, direction)
            return
        # Placeholder first: the root may refer back to this class.
        draft = _Draft(name, "alias")
        self._drafts[name] = draft
        key = id(schema)
        self._walking.add(key)
        try:
            typed = self._typed(schema, Hint(name), direction)
        finally:
            self._walking.discard(key)
        draft.doc = _description(merged)
        draft.typed = typed
        draft.root = typed.full()
        is_root = typed.model or typed.text.startswith(("list[", "dict[")) or " | " in typed.text
        draft.kind = "root" if is_root and typed.text != _ANY else "alias"

    def _define_object(self, name: str, merged: dict[str, Any], direction: Direction) -> None:
        draft = _Draft(name, "model", doc=_description(merged), extra=_extra(merged))
        self._drafts[name] = draft
        properties = merged.get("properties")
        props: dict[str, Any] = dict(properties) if isinstance(properties, dict) else {}
        required = {str(r) for r in merged.get("required") or () if isinstance(r, str)}
        optional_extra = self._branch_members(merged, props, draft)
        # A member the schema requires without declaring it may hold anything (2020-12
        # Validation 6.5.3); as a field, it is kept and required (asana's `SectionRequest`).
        for member in merged.get("required") or ():
            if isinstance(member, str) and member not in props:
                props[member] = _UNDECLARED
        left_out = LEFT_OUT[direction]
        for prop, schema in props.items():
            if self._directional and self._flags.flagged(schema, left_out):
                continue
            typed = self.typed(schema, Hint(name).child(str(prop)), direction)
            has_default = isinstance(schema, dict) and "default" in schema
            draft.fields.append(
                _Field(
                    prop=str(prop),
                    typed=typed,
                    required=str(prop) in required and prop not in optional_extra,
                    description=_member_description(schema),
                    examples=_examples(schema),
                    default=schema.get("default") if has_default else None,
                    has_default=has_default,
                )
            )

    def _branch_members(
        self, merged: dict[str, Any], props: dict[str, Any], draft: _Draft
    ) -> set[str]:
        """Members of `oneOf`/`anyOf` branches beside declared members, added to `props` as
        optional: an instance of any branch is accepted (JSON Schema 2020-12 Core 10.2.1). What
        each branch requires is checked by the model (`require_branches`), when every branch
        requires something."""
        added: set[str] = set()
        for keyword_ in _UNION_KEYWORDS:
            branches = merged.get(keyword_)
            if not isinstance(branches, list):
                continue
            groups: list[list[str]] = []
            for branch in branches:
                resolved = self._merged(self._resolved(branch), 0)
                properties = resolved.get("properties")
                for prop, schema in properties.items() if isinstance(properties, dict) else ():
                    if prop not in props:
                        props[prop] = schema
                        added.add(prop)
                needed = resolved.get("required")
                groups.append([str(r) for r in needed] if isinstance(needed, list) else [])
            if groups and all(groups) and not draft.branches:
                # At least one branch's members, for `oneOf` too: an instance that sends every
                # member meets several branches, which `oneOf` refuses (Core 10.2.1.3), but
                # servers take it; the model never refuses what one branch allows.
                draft.branches = groups
        return added

    def _resolved(self, schema: Any) -> dict[str, Any]:
        for _ in range(_MAX_DEPTH):
            if not isinstance(schema, dict) or not isinstance(schema.get("$ref"), str):
                break
            target = component_target(schema["$ref"])
            schema = (
                self._schemas.get(target) if target is not None else self._pointer(schema["$ref"])
            )
        return schema if isinstance(schema, dict) else {}

    def _merged(self, schema: dict[str, Any], depth: int, *, lone: bool = False) -> dict[str, Any]:
        """`schema` with its `allOf` members' members and keywords merged in (2020-12 Core
        10.2.1.1: an instance must satisfy every member); `schema` itself without `allOf`."""
        members = schema.get("allOf")
        if not isinstance(members, list) or depth > _MAX_DEPTH:
            return schema
        if _lone_member(schema) is not None and not lone:
            return schema  # a reference with a description: the referenced class itself
        cached = self._merges.get(id(schema))
        if cached is not None:
            return cached[1]
        result: dict[str, Any] = {}
        properties: dict[str, Any] = {}
        required: list[Any] = []
        closed = False
        for member in members:
            resolved = self._merged(self._resolved(member), depth + 1)
            found = resolved.get("properties")
            if isinstance(found, dict):
                properties.update(found)
            required.extend(resolved.get("required") or ())
            closed = closed or resolved.get("additionalProperties") is False
            for key, value in resolved.items():
                if key not in ("properties", "required", "description", "title", "allOf"):
                    result.setdefault(key, value)
        own = schema.get("properties")
        if isinstance(own, dict):
            properties.update(own)
        required.extend(schema.get("required") or ())
        for key, value in schema.items():
            if key not in ("allOf", "properties", "required"):
                result[key] = value
        if properties:
            result["properties"] = properties
            result.setdefault("type", "object")
        if required:
            result["required"] = list(dict.fromkeys(r for r in required if isinstance(r, str)))
        if closed:
            result["additionalProperties"] = False
        self._merges[id(schema)] = (schema, result)
        return result

    # -- output ------------------------------------------------------------------------------

    def classes(self) -> list[DraftClass]:
        """Every class defined so far, with field names and annotations decided."""
        taken = set(self._drafts) | _MODULE_NAMES | _BUILTIN_NAMES
        result = []
        for draft in self._drafts.values():
            fields: list[DraftField] = []
            eager: list[str] = []
            names: set[str] = set()
            field_of: dict[str, str] = {}
            for item in draft.fields:
                name = _field_name(item.prop, taken, names)
                field_of[item.prop] = name
                tags = draft.discriminated.get(item.prop)
                typed = item.typed
                required = item.required
                if tags:
                    typed = Typed("Literal[" + ", ".join(literal(t) for t in tags) + "]")
                    required = True
                arguments: list[tuple[str, str]] = []
                if name != item.prop:
                    arguments.append(("alias", literal(item.prop)))
                if item.description is not None:
                    arguments.append(("description", literal(item.description)))
                if item.examples:
                    arguments.append(("examples", _examples_source(item.examples)))
                arguments.extend(typed.constraints)
                core = typed.text
                default = ""
                if not required:
                    written = (
                        _default(typed, item.default) if item.has_default and not tags else None
                    )
                    if written is None:
                        core += " | MISSING"
                        default = "MISSING"
                    else:
                        default = written
                        eager.extend(class_refs(written))
                # `None` last in a union, as ruff's RUF036 writes it.
                core += " | None" if typed.nullable else ""
                if arguments:
                    joined = ", ".join(f"{key}={value}" for key, value in arguments)
                    annotation = f"Annotated[{core}, Field({joined})]"
                else:
                    annotation = core
                fields.append(DraftField(name, annotation, default))
            if draft.kind in ("root", "alias"):
                eager.extend(class_refs(draft.root))
            result.append(
                DraftClass(
                    name=draft.name,
                    kind=draft.kind,
                    doc=draft.doc,
                    fields=tuple(fields),
                    members=tuple(draft.members),
                    root=draft.root,
                    extra=draft.extra,
                    eager=tuple(dict.fromkeys(eager)),
                    branches=_branch_fields(draft.branches, field_of),
                )
            )
        return result


def _branch_fields(
    groups: list[list[str]], field_of: dict[str, str]
) -> tuple[tuple[str, ...], ...]:
    """The branches' required members as field names; none when a branch requires a member the
    model does not have (one left out for the direction), which no instance could then give."""
    if not groups or any(member not in field_of for group in groups for member in group):
        return ()
    return tuple(tuple(field_of[member] for member in group) for group in groups)


# -- helpers ---------------------------------------------------------------------------------


def _member_description(schema: Any) -> str | None:
    text = schema.get("description") if isinstance(schema, dict) else None
    return text if isinstance(text, str) else None


def _examples(schema: Any) -> list[Any]:
    """A member's examples (`examples`, 2020-12 Meta-Data 9.5; OAS 3.0's `example`), kept as
    the JSON Schema pydantic writes for the model."""
    if not isinstance(schema, dict):
        return []
    found = schema.get("examples")
    if isinstance(found, list):
        return found
    return [schema["example"]] if "example" in schema else []


def _examples_source(examples: list[Any]) -> str:
    try:
        return literal(examples)
    except TypeError:
        return "[]"


def _restricted(typed: Typed) -> bool:
    return typed.enum is not None or typed.text.startswith("Literal[")


def _kinds(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    kinds = [
        k
        for k in (kind if isinstance(kind, list) else [kind])
        if isinstance(k, str) and k in _JSON_TYPES
    ]
    if schema.get("nullable") is True and "null" not in kinds and kinds:
        kinds.append("null")  # OAS 3.0
    if not kinds:
        if any(k in schema for k in _OBJECT_KEYWORDS):
            return ["object"]
        if "items" in schema or "prefixItems" in schema:
            return ["array"]
    return kinds


def _nullable(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return (
        schema.get("nullable") is True
        or kind == "null"
        or (isinstance(kind, list) and "null" in kind)
    )


def _is_null(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and schema.get("type") in ("null", ["null"])
        and len([k for k in schema if k not in ("description", "title")]) == 1
    )


def _lone_member(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The one member of an `allOf` that says nothing else of its own (a `$ref` with a
    description or `nullable`, as OAS 3.0 writes a nullable reference)."""
    members = schema.get("allOf")
    if not (isinstance(members, list) and len(members) == 1 and isinstance(members[0], dict)):
        return None
    own = set(schema) - {
        "allOf",
        "description",
        "title",
        "nullable",
        "default",
        "example",
        "examples",
        "readOnly",
        "writeOnly",
        "deprecated",
    }
    return members[0] if not own else None


def _is_object(schema: dict[str, Any]) -> bool:
    """An object with declared members: a model."""
    properties = schema.get("properties")
    return isinstance(properties, dict) and bool(properties)


def _memberless_object(schema: dict[str, Any]) -> bool:
    """`{type: object}` with nothing but free members: a model that keeps them all (Core
    10.3.2.3), not a map whose values a schema types."""
    if _kinds(schema) != ["object"]:
        return False
    extra = schema.get("additionalProperties")
    return not (isinstance(extra, dict) and extra) and not any(
        isinstance(schema.get(k), list) for k in (*_UNION_KEYWORDS, "enum")
    )


def _extra(schema: dict[str, Any]) -> str:
    extra = schema.get("additionalProperties", schema.get("unevaluatedProperties"))
    if extra is False:
        return "forbid"
    if extra is True or isinstance(extra, dict) or "patternProperties" in schema:
        return "allow"
    if not _is_object(schema):
        return "allow"  # no declared members: every member is kept (Core 10.3.2.3)
    return ""


def _description(schema: dict[str, Any]) -> str:
    text = schema.get("description")
    return text if isinstance(text, str) else ""


def _const(value: Any, nullable: bool) -> Typed:
    if value is None:
        return Typed("None", kinds=frozenset({"null"}))
    if isinstance(value, str | int) and not isinstance(value, float):
        return Typed(
            f"Literal[{literal(value)}]", nullable=nullable, kinds=frozenset({_json_kind(value)})
        )
    return Typed(_ANY)


def _json_kind(value: Any) -> str:
    return "null" if value is None else json_type(value)


def _string_constraints(schema: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        # Imported here: a regen whose stamp shows nothing changed imports the IR but no spec.
        from oaskit.spec import pattern_plan

        plan = pattern_plan(pattern)
        if plan.engine == "rust":
            found.append(("pattern", literal(plan.source)))
        elif plan.engine == "python":
            # pydantic runs a compiled pattern with Python's `re` (`search`, as JSON Schema's
            # unanchored `pattern` wants) whatever the model's regex engine.
            found.append(("pattern", f"re.compile({literal(plan.source)})"))
        # Neither engine compiles it: not validated (lint's `pattern-is-portable` says so).
    return (*_sized(schema, "minLength", "maxLength"), *found)


def _key_type(names: Any) -> str:
    """A map's key type: `str`, constrained as `propertyNames` says (2020-12 Core 10.3.2.4)."""
    if not isinstance(names, dict):
        return "str"
    constraints = _string_constraints(names)
    if not constraints:
        return "str"
    arguments = ", ".join(f"{key}={value}" for key, value in constraints)
    # `StringConstraints`, which pydantic applies to a dict's keys as to any string.
    return f"Annotated[str, StringConstraints({arguments})]"


def _sized(schema: dict[str, Any], low: str, high: str) -> tuple[tuple[str, str], ...]:
    found = []
    for keyword_, argument in ((low, "min_length"), (high, "max_length")):
        value = schema.get(keyword_)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            found.append((argument, literal(value)))
    return tuple(found)


def _number_constraints(schema: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []

    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    for keyword_, inclusive, exclusive in (("minimum", "ge", "gt"), ("maximum", "le", "lt")):
        value = schema.get(keyword_)
        flag = schema.get("exclusiveMinimum" if keyword_ == "minimum" else "exclusiveMaximum")
        if number(value):
            # OAS 3.0 writes an exclusive bound as a boolean beside it.
            found.append((exclusive if flag is True else inclusive, literal(value)))
    for keyword_, argument in (("exclusiveMinimum", "gt"), ("exclusiveMaximum", "lt")):
        value = schema.get(keyword_)
        if number(value):
            found.append((argument, literal(value)))  # OAS 3.1: a number
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and not isinstance(step, bool) and step > 0:
        found.append(("multiple_of", literal(step)))
    return tuple(found)


def _default(typed: Typed, value: Any) -> str | None:
    """Python source for a member's default, or None when no value of its type could be it
    (pydantic does not validate defaults: a wrong one would be handed on as it is)."""
    if typed.enum is not None:
        name, members = typed.enum
        if isinstance(value, str) and value in members:
            return f"{ref_text(name)}.{members[value]}"
        return "None" if value is None and typed.nullable else None
    if value is None:
        return "None" if typed.nullable else None
    if not typed.plain or typed.model:
        return None
    if typed.kinds is not None:
        allowed = tuple(t for kind in typed.kinds for t in _JSON_TYPES[kind])
        if (isinstance(value, bool) and bool not in allowed) or not isinstance(value, allowed):
            return None
    if typed.text.startswith("Literal[") and literal(value) not in typed.text:
        return None
    try:
        return literal(value)
    except TypeError:
        return None


def _members(values: list[str]) -> list[tuple[str, str]]:
    """StrEnum members: a Python name and the value, unique as Python compares names."""
    taken: set[str] = set()
    found = []
    for value in values:
        name = _member_name(value)
        while unicodedata.normalize("NFKC", name) in taken:
            name += "_"
        taken.add(unicodedata.normalize("NFKC", name))
        found.append((name, value))
    return found


def _member_name(value: str) -> str:
    text = unicodedata.normalize("NFKC", value)
    if text.isidentifier() and not keyword.iskeyword(text) and not text.startswith("_"):
        name = text
    else:
        name = re.sub(r"\W+", "_", text, flags=re.ASCII).strip("_")
        if not name:
            name = "empty" if not value else "value"
        elif name[0].isdigit():
            name = f"value_{name}"
        if keyword.iskeyword(name):
            name += "_"
    # `mro` and str's methods would be redefined (mypy refuses it); `_sunder_` names are Enum's.
    if name in _STR_ATTRIBUTES or name == "mro":
        name += "_"
    return name


def _field_name_ok(text: str, classes: set[str]) -> bool:
    return (
        text.isidentifier()
        and not keyword.iskeyword(text)
        and not text.startswith("_")
        and unicodedata.normalize("NFKC", text) == text
        and text not in _BASEMODEL_NAMES
        and not text.startswith("model_")
        and text not in _BUILTIN_NAMES
        and text not in classes
    )


def _field_name(prop: str, classes: set[str], names: set[str]) -> str:
    """A pydantic field name for member `prop`: the member's own name where Python and pydantic
    allow it, else an ASCII one (the member's name then is the field's alias)."""
    if _field_name_ok(prop, classes):
        name = prop
    else:
        name = re.sub(r"\W+", "_", unicodedata.normalize("NFKC", prop), flags=re.ASCII).strip("_")
        if not name:
            name = "field"
        elif name[0].isdigit():
            name = f"field_{name}"
        if not _field_name_ok(name, classes):
            name += "_"
            name = name.lstrip("_") or "field_"
    while name in names:
        name += "_"
    names.add(name)
    return name
