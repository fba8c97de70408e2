"""Request parameters (path, query, header, cookie): removed, added, required, moved, serialized.

A parameter is identified by its location and name (OAS 3.1 4.8.12.1); the Path Item's list
applies to every operation under it, and an operation's own parameter of the same identity
overrides it (4.8.9.1, 4.8.10.1). Header names are case-insensitive (RFC 9110 5.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oaskit.diff._model import Comparison, Direction, Rule, Side
from oaskit.diff._nodes import is_text, mapping, sequence
from oaskit.diff._schemas import compare_schema
from oaskit.errors import Level
from oaskit.spec import Pointer

if TYPE_CHECKING:
    from oaskit.diff._operations import Operation, Pair

__all__ = [
    "PARAMETER_ADDED",
    "PARAMETER_ADDED_REQUIRED",
    "PARAMETER_BECAME_OPTIONAL",
    "PARAMETER_BECAME_REQUIRED",
    "PARAMETER_MOVED",
    "PARAMETER_REMOVED",
    "PARAMETER_SERIALIZATION_CHANGED",
    "RULES",
    "compare_parameters",
]

# A removed query, header or cookie parameter is a warning, not an error: clients keep sending
# it and servers ignore what they do not read, so calls still succeed, but what it controlled
# (a filter, a page size) silently stops applying. A path parameter cannot go away without the
# template changing, which makes it another endpoint (`endpoint-removed`).
PARAMETER_REMOVED = Rule(
    "request-parameter-removed",
    "parameters",
    Level.WARNING,
    "A parameter was removed; clients still send it and its effect is silently lost.",
)
PARAMETER_ADDED_REQUIRED = Rule(
    "request-parameter-added-required",
    "parameters",
    Level.ERROR,
    "A required parameter was added; existing clients do not send it.",
)
PARAMETER_ADDED = Rule(
    "request-parameter-added", "parameters", Level.INFO, "An optional parameter was added."
)
PARAMETER_BECAME_REQUIRED = Rule(
    "request-parameter-became-required",
    "parameters",
    Level.ERROR,
    "An optional parameter became required; clients that omit it are refused.",
)
PARAMETER_BECAME_OPTIONAL = Rule(
    "request-parameter-became-optional",
    "parameters",
    Level.INFO,
    "A required parameter became optional.",
)
PARAMETER_MOVED = Rule(
    "request-parameter-moved",
    "parameters",
    Level.ERROR,
    "A parameter moved to another location (`in`); clients send it where it is not read.",
)
PARAMETER_SERIALIZATION_CHANGED = Rule(
    "request-parameter-serialization-changed",
    "parameters",
    Level.ERROR,
    "A parameter's style, explode or media type changed; clients encode it the old way.",
)
RULES = (
    PARAMETER_REMOVED,
    PARAMETER_ADDED_REQUIRED,
    PARAMETER_ADDED,
    PARAMETER_BECAME_REQUIRED,
    PARAMETER_BECAME_OPTIONAL,
    PARAMETER_MOVED,
    PARAMETER_SERIALIZATION_CHANGED,
)

# OAS 3.1 4.8.12.1: header parameters with these names "SHALL be ignored".
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
# OAS 3.1 4.8.12.4: the default style by location; explode defaults to true only for `form`.
_DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}

_Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class _Parameter:
    pointer: Pointer
    node: dict[str, Any]
    location: str
    name: str


def _effective(side: Side, op: Operation, renamed: dict[str, str]) -> dict[_Key, _Parameter]:
    """The operation's parameters by (in, name): the Path Item's, then the operation's own."""
    found: dict[_Key, _Parameter] = {}
    lists = ((op.item_pointer, op.item), (op.pointer, op.node))
    for owner, node in lists:
        for position, _ in enumerate(sequence(node.get("parameters"))):
            pointer, parameter = side.resolve((*owner, "parameters", position))
            location, name = mapping(parameter).get("in"), mapping(parameter).get("name")
            if not isinstance(location, str) or not isinstance(name, str):
                continue
            if location == "header":
                name = name.lower()
                if name in _IGNORED_HEADERS:
                    continue
            elif location == "path":
                # Compare a renamed template parameter with the one it was in base.
                name = renamed.get(name, name)
            found[(location, name)] = _Parameter(pointer, parameter, location, name)
    return found


def _required(parameter: _Parameter) -> bool:
    # OAS 3.1 4.8.12.2: a path parameter is always required.
    return parameter.location == "path" or parameter.node.get("required") is True


def _serialization(parameter: _Parameter) -> tuple[Any, ...]:
    """How the parameter is written on the wire: style and explode, or the `content` type."""
    content = parameter.node.get("content")
    if isinstance(content, dict):
        return ("content", *sorted(str(key).lower() for key in content))
    style = parameter.node.get("style", _DEFAULT_STYLE.get(parameter.location))
    explode = parameter.node.get("explode", style == "form")
    # OAS 3.1 4.8.12.2: `allowReserved` applies to query parameters only, false by default.
    reserved = parameter.location == "query" and parameter.node.get("allowReserved") is True
    return ("schema", style, explode, reserved)


def _schema_pointer(parameter: _Parameter) -> Pointer | None:
    if "schema" in parameter.node:
        return (*parameter.pointer, "schema")
    content = mapping(parameter.node.get("content"))
    for media, node in content.items():
        if isinstance(node, dict) and "schema" in node:
            return (*parameter.pointer, "content", media, "schema")
    return None


def compare_parameters(cmp: Comparison, pair: Pair) -> None:
    """Report the parameter changes of one operation and compare the schemas of those kept."""
    base = _effective(cmp.base, pair.base, {})
    head = _effective(cmp.head, pair.head, pair.renamed)
    label = pair.label
    removed = {key: base[key] for key in base.keys() - head.keys()}
    added = {key: head[key] for key in head.keys() - base.keys()}
    added_by_name = {key[1]: key for key in sorted(added)}
    for key in sorted(removed):
        old = removed[key]
        moved = added_by_name.pop(key[1], None)
        if moved is not None:
            new = added.pop(moved)
            cmp.report(
                PARAMETER_MOVED,
                f"{label}: parameter {old.name!r} moved from {old.location} to {new.location}",
                base=old.pointer,
                head=new.pointer,
                operations=[label],
                direction=Direction.REQUEST,
            )
            continue
        cmp.report(
            PARAMETER_REMOVED,
            f"{label}: {old.location} parameter {old.name!r} was removed",
            base=old.pointer,
            head=pair.head.pointer,
            operations=[label],
            direction=Direction.REQUEST,
        )
    for key in sorted(added):
        new = added[key]
        required = _required(new)
        cmp.report(
            PARAMETER_ADDED_REQUIRED if required else PARAMETER_ADDED,
            f"{label}: {'required' if required else 'optional'} {new.location} parameter"
            f" {new.name!r} was added",
            base=pair.base.pointer,
            head=new.pointer,
            operations=[label],
            direction=Direction.REQUEST,
        )
    for key in sorted(base.keys() & head.keys()):
        _compare_one(cmp, base[key], head[key], label=label)


def _compare_one(cmp: Comparison, old: _Parameter, new: _Parameter, *, label: str) -> None:
    what = f"{old.location} parameter {old.name!r}"
    if _required(old) != _required(new):
        cmp.report(
            PARAMETER_BECAME_REQUIRED if _required(new) else PARAMETER_BECAME_OPTIONAL,
            f"{label}: {what} became {'required' if _required(new) else 'optional'}",
            base=old.pointer,
            head=new.pointer,
            operations=[label],
            direction=Direction.REQUEST,
        )
    if _serialization(old) != _serialization(new):
        cmp.report(
            PARAMETER_SERIALIZATION_CHANGED,
            f"{label}: {what} is serialized as {_shown(_serialization(new))},"
            f" was {_shown(_serialization(old))}",
            base=old.pointer,
            head=new.pointer,
            operations=[label],
            direction=Direction.REQUEST,
        )
    old_schema, new_schema = _schema_pointer(old), _schema_pointer(new)
    if old_schema is not None and new_schema is not None:
        # A `schema` parameter travels as text (OAS 3.1 4.8.12.4): `integer` → `string` widens
        # what a client may send. One with `content` is a document of that media type.
        compare_schema(
            cmp,
            old_schema,
            new_schema,
            direction=Direction.REQUEST,
            operation=label,
            wire_text=is_text(old_schema) and is_text(new_schema),
        )


def _shown(serialization: tuple[Any, ...]) -> str:
    if serialization[0] == "content":
        return " or ".join(str(media) for media in serialization[1:]) or "no media type"
    style, explode, reserved = serialization[1:]
    shown = f"style {style} with explode {str(explode).lower()}"
    return shown + (" allowing reserved characters" if reserved else "")
