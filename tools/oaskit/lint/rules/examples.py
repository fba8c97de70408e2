"""Rules about examples and defaults: each validates against its schema.

Examples are checked with JSON Schema 2020-12 (the OAS 3.1 dialect); for OAS 3.0 the schemas
are translated first (`nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum`). References
resolve against the bundled document. readOnly members may be absent from request examples and
writeOnly members from response examples (OAS 3.1 4.8.24.1); a schema's own examples may omit
either. A value that cannot be checked at all is `examples-are-checkable`'s to report, so that
the two error rules report only values that do not match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple
from urllib.parse import quote

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Direction, Found, SchemaSite, index, resolve
from oaskit.spec import Bundle, Pointer, format_pointer, openapi_version

__all__ = [
    "default_matches_schema",
    "example_has_value_or_external_value",
    "example_matches_schema",
    "examples_are_checkable",
]

_BASE = "urn:oaskit:bundle"
# jsonschema's stubs leave `extend` untyped; this is its signature as used here.
_extend: Callable[[type[Validator], dict[str, Any]], type[Validator]] = validators.extend
# Which members may be missing although `required`, by the direction of the example.
_ABSENT: dict[Direction, tuple[str, ...]] = {
    "request": ("readOnly",),
    "response": ("writeOnly",),
    None: ("readOnly", "writeOnly"),
}


@rule(
    "example-has-value-or-external-value",
    level=Level.WARNING,
    peers=(
        "spectral:oas3-examples-value-or-externalValue",
        "redocly:no-example-value-and-externalValue",
    ),
)
def example_has_value_or_external_value(bundle: Bundle) -> Found:
    """Every Example Object has exactly one of `value` and `externalValue` (OAS 3.1 4.8.19.1).

    "The `value` field and `externalValue` field are mutually exclusive" (OAS 3.1 4.8.19.1),
    and an Example Object with neither shows nothing. The 3.1 meta-schema refuses both at
    once; the 3.0 one does not, and neither refuses an example that has none, which OAS
    allows but no reader can use. A warning for that reason.
    """
    for pointer, example in index(bundle).examples:
        has_value, has_external = "value" in example, "externalValue" in example
        if has_value and has_external:
            yield pointer, "example has both value and externalValue"
        elif not has_value and not has_external:
            yield pointer, "example has neither value nor externalValue"


@rule(
    "example-matches-schema",
    peers=(
        "spectral:oas3-valid-media-example",
        "spectral:oas3-valid-schema-example",
        "redocly:no-invalid-media-type-examples",
        "redocly:no-invalid-parameter-examples",
        "redocly:no-invalid-schema-examples",
    ),
)
def example_matches_schema(bundle: Bundle) -> Found:
    """Every example (media type, parameter, header, schema) validates against its schema.

    An example "SHOULD match the media type and specified schema if present" (OAS 3.1
    4.8.14.1, 3.0 4.7.14.1), "is expected to be compatible with the type schema of its
    associated value" (OAS 3.1 4.8.19), and a schema's `examples` are instances of it (JSON
    Schema 2020-12 validation 9.5). An example that its own schema refuses is wrong in one of
    the two, and documentation, mock servers and test generators that replay it send what the
    API rejects. An error, as in Spectral; the finding is at the member that does not match.
    """
    for outcome in _results(bundle).examples():
        if outcome.checked:
            yield outcome.pointer, outcome.message


@rule("default-matches-schema", peers=("spectral:oas3-valid-schema-example",))
def default_matches_schema(bundle: Bundle) -> Found:
    """Every schema's `default` validates against the schema it sits in.

    OAS 3.0.3 4.7.24: "Unlike JSON Schema, the value MUST conform to the defined type for
    the Schema Object defined at the same level". In 3.1, JSON Schema 2020-12 validation 9.2
    only recommends it, but a default the schema refuses still hands a client that omits the
    value one the API would not accept from it. An enum whose default is not one of its
    values is the common case. An error, as in Spectral and openapi-spec-validator.
    """
    for outcome in _results(bundle).defaults():
        if outcome.checked:
            yield outcome.pointer, outcome.message


@rule("examples-are-checkable", level=Level.WARNING)
def examples_are_checkable(bundle: Bundle) -> Found:
    """Every example and default can be checked against its schema.

    `example-matches-schema` and `default-matches-schema` validate values with Python's
    `jsonschema`. A schema whose `pattern` uses ECMA-262 syntax that Python's `re` lacks (such
    as `\\p{L}`; JSON Schema 2020-12 validation 6.3.3 calls for ECMA-262), or a `$ref` that
    misses or leads into something that is not a schema, stops that check. Such a value has
    not been found wrong, only left unchecked: a warning, so the two error rules report only
    values shown not to match.
    """
    results = _results(bundle)
    for outcome in (*results.examples(), *results.defaults()):
        if not outcome.checked:
            yield outcome.pointer, outcome.message


class _Outcome(NamedTuple):
    """A value that does not match its schema, or (`checked` False) could not be checked."""

    pointer: Pointer
    message: str
    checked: bool


class _Results:
    """The outcomes for one bundle's examples and defaults, each list worked out once."""

    def __init__(self, bundle: Bundle) -> None:
        self._bundle = bundle
        self._checker: _Checker | None = None
        self._examples: list[_Outcome] | None = None
        self._defaults: list[_Outcome] | None = None

    def checker(self) -> _Checker:
        """The bundle's checker, built on first use.

        Building it copies and translates a 3.0 document, a good part of a second for GitHub's.
        """
        if self._checker is None:
            self._checker = _Checker(self._bundle)
        return self._checker

    def examples(self) -> list[_Outcome]:
        """The outcomes for every example of media types, parameters, headers and schemas."""
        if self._examples is None:
            self._examples = list(self._check_examples())
        return self._examples

    def defaults(self) -> list[_Outcome]:
        """The outcomes for every schema's `default`."""
        if self._defaults is None:
            self._defaults = list(self._check_defaults())
        return self._defaults

    def _check_examples(self) -> Iterator[_Outcome]:
        spec = index(self._bundle)
        for site in spec.media:
            if "schema" not in site.node:
                continue
            schema_at = (*site.pointer, "schema")
            if "example" in site.node:
                where = (*site.pointer, "example")
                yield from self.checker().run(
                    schema_at, site.direction, site.node["example"], where
                )
            examples = site.node.get("examples")
            for name, entry in (examples if isinstance(examples, dict) else {}).items():
                target, example = resolve(spec.data, entry)
                if isinstance(example, dict) and "value" in example:
                    where = (*(target or (*site.pointer, "examples", name)), "value")
                    yield from self.checker().run(
                        schema_at, site.direction, example["value"], where, name
                    )
        for schema_site in spec.schemas:
            yield from self._schema_examples(schema_site)

    def _schema_examples(self, site: SchemaSite) -> Iterator[_Outcome]:
        schema = site.schema
        if "example" in schema:
            where = (*site.pointer, "example")
            yield from self.checker().run(site.pointer, None, schema["example"], where)
        listed = schema.get("examples")
        for position, value in enumerate(listed if isinstance(listed, list) else []):
            where = (*site.pointer, "examples", position)
            yield from self.checker().run(site.pointer, None, value, where)

    def _check_defaults(self) -> Iterator[_Outcome]:
        for site in index(self._bundle).schemas:
            if "default" not in site.schema:
                continue
            where = (*site.pointer, "default")
            for outcome in self.checker().run(site.pointer, None, site.schema["default"], where):
                yield outcome._replace(message=outcome.message.replace("example", "default", 1))


# The last bundle's outcomes, shared by the three rules of one run.
_last: tuple[Bundle, _Results] | None = None


def _results(bundle: Bundle) -> _Results:
    global _last
    if _last is None or _last[0] is not bundle:
        _last = (bundle, _Results(bundle))
    return _last[1]


class _Checker:
    """Validators for the schemas of one bundle, by schema pointer and direction."""

    def __init__(self, bundle: Bundle) -> None:
        data = index(bundle).data
        # Schemas wrapped in `anyOf` by the 3.0 translation: what lay below them moved.
        self._wrapped: set[Pointer] = set()
        if openapi_version(bundle) == "3.0":
            data = _translate_30(data, index(bundle).schemas, self._wrapped)
        self._data = data
        resource: Resource[Any] = DRAFT202012.create_resource(data)
        self._registry: Registry[Any] = Registry().with_resource(_BASE, resource)
        self._classes: dict[Direction, type[Validator]] = {}
        self._validators: dict[tuple[Pointer, Direction], Validator] = {}

    def run(
        self,
        schema_at: Pointer,
        direction: Direction,
        value: Any,
        where: Pointer,
        name: str | None = None,
    ) -> Iterator[_Outcome]:
        """Outcomes for `value` (at `where`) against the schema at `schema_at`."""
        validator = self._validator(schema_at, direction)
        label = "example" if name is None else f"example {name!r}"
        try:
            errors = list(validator.iter_errors(value))
        except Unresolvable as exc:
            # The bundler reports the broken `$ref`; say once that the example went unchecked.
            # Only the reference: the exception's text holds the whole document (megabytes).
            message = f"{label} not checked: unresolvable reference {_reference(exc)}"
            yield _Outcome(where, message, checked=False)
            return
        except re.error as exc:
            # JSON Schema patterns are ECMA-262 (2020-12 6.4); `re` lacks some of it, such as
            # `\p{L}` (APIs.guru's amadeus-hotel-booking spec): say so rather than crash.
            message = f"{label} not checked: pattern {exc.pattern!r} is not supported: {exc.msg}"
            yield _Outcome(where, message, checked=False)
            return
        except (AttributeError, TypeError, KeyError) as exc:
            # `referencing` assumes every node a pointer passes through that sits under a schema
            # keyword is a schema; a `$ref` into an odd place of an OAS document can meet a
            # string there (APIs.guru's dnd5eapi.co spec) and fail inside the library.
            reason = _short(f"{type(exc).__name__}: {exc}")
            message = f"{label} not checked: its schema could not be followed ({reason})"
            yield _Outcome(where, message, checked=False)
            return
        for error in errors:
            shown = best_match([error]) if error.context else error
            path = tuple(shown.absolute_path)
            message = f"{label} does not match its schema: {_one_line(shown)}"
            yield _Outcome((*where, *path), message, checked=True)

    def _validator(self, schema_at: Pointer, direction: Direction) -> Validator:
        key = (schema_at, direction)
        if key not in self._validators:
            fragment = quote(format_pointer(self._moved(schema_at))[1:], safe="/~")
            cls = self._classes.get(direction)
            if cls is None:
                cls = _extend(
                    Draft202012Validator, {"required": _required(self._data, _ABSENT[direction])}
                )
                self._classes[direction] = cls
            self._validators[key] = cls(
                {"$ref": f"{_BASE}#{fragment}"},
                registry=self._registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return self._validators[key]

    def _moved(self, pointer: Pointer) -> Pointer:
        """Where the schema at `pointer` of the bundle lies in the translated document.

        A 3.0 schema with `nullable` and no `type` becomes `anyOf: [<itself>, {type: null}]`,
        so a schema nested in it (`…/account/allOf/0`) now lies at `…/account/anyOf/0/allOf/0`;
        the wrapped schema itself stays the wrapper, which admits null.
        """
        if not self._wrapped:
            return pointer
        moved: list[str | int] = []
        for depth, token in enumerate(pointer):
            if pointer[:depth] in self._wrapped:
                moved.extend(("anyOf", 0))
            moved.append(token)
        return tuple(moved)


def _reference(exc: Unresolvable) -> str:
    # `PointerToNowhere` and its kin print `repr(resource.contents)`: the whole bundle.
    return repr(exc.ref) if isinstance(getattr(exc, "ref", None), str) else type(exc).__name__


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 120 else line[:117] + "..."


def _required(data: dict[str, Any], absent: tuple[str, ...]) -> Callable[..., Iterator[Any]]:
    """The `required` keyword, letting members flagged with any of `absent` be missing."""

    def required(
        validator: Validator, names: Any, instance: Any, schema: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object") or not isinstance(names, list):
            return
        for name in names:
            if name in instance:
                continue
            member = _member(data, schema, name, set())
            if isinstance(member, dict) and any(member.get(flag) is True for flag in absent):
                continue
            yield ValidationError(f"{name!r} is a required property")

    return required


def _member(data: dict[str, Any], schema: Any, name: str, seen: set[int]) -> Any:
    """The schema of property `name`, looked up through `$ref`s and `allOf` members."""
    _, schema = resolve(data, schema)
    if not isinstance(schema, dict) or id(schema) in seen:
        return None
    seen.add(id(schema))
    properties = schema.get("properties")
    if isinstance(properties, dict) and name in properties:
        # OAS 3.1 lets `readOnly` stand beside a `$ref`; the sibling wins over the target.
        written = _as_dict(properties[name])
        _, target = resolve(data, written)
        merged = dict(target) if isinstance(target, dict) else {}
        merged.update((k, v) for k, v in written.items() if k != "$ref")
        return merged
    members = schema.get("allOf")
    for member in members if isinstance(members, list) else []:
        found = _member(data, member, name, seen)
        if found is not None:
            return found
    return None


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _translate_30(
    data: dict[str, Any], sites: list[SchemaSite], wrapped: set[Pointer]
) -> dict[str, Any]:
    """A copy of an OAS 3.0 document whose schemas mean the same in JSON Schema 2020-12.

    The pointers of the schemas it wraps in `anyOf` are added to `wrapped`.
    """
    copy: dict[str, Any] = json.loads(json.dumps(data))
    # Deepest first: wrapping a schema in `anyOf` moves what lies below it.
    for site in sorted(sites, key=lambda s: len(s.pointer), reverse=True):
        node: Any = copy
        for token in site.pointer:
            if isinstance(node, dict):
                node = node.get(str(token))
            elif isinstance(node, list) and isinstance(token, int):
                node = node[token]
        if isinstance(node, dict) and _translate_schema(node):
            wrapped.add(site.pointer)
    return copy


def _translate_schema(schema: dict[str, Any]) -> bool:
    """Translate `schema` in place; True when it was wrapped in `anyOf`."""
    # OAS 3.0 took draft-04's boolean exclusiveMinimum/exclusiveMaximum (OAS 3.0.3 4.7.24.1).
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = schema.get(exclusive)
        if isinstance(flag, bool):
            del schema[exclusive]
            if flag and bound in schema:
                schema[exclusive] = schema.pop(bound)
    if schema.get("nullable") is not True:
        return False
    declared = schema.get("type")
    if isinstance(declared, str | list):
        kinds = [declared] if isinstance(declared, str) else list(declared)
        schema["type"] = kinds if "null" in kinds else [*kinds, "null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"].append(None)
    elif declared is None:
        inner = dict(schema)
        schema.clear()
        schema["anyOf"] = [inner, {"type": "null"}]
        return True
    return False


def _one_line(error: ValidationError) -> str:
    message = " ".join(str(error.message).split())
    return message if len(message) <= 160 else message[:157] + "..."
