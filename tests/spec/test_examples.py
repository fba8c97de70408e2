"""Every example in every spec validates against its schema, the seeds' own examples included.

Each spec is bundled (all `$ref`s local), then every Media Type Object, Parameter and Header
with `example`/`examples` is checked against its schema with JSON Schema 2020-12, the whole
bundle as the root resource, `date-time`, `email` and `uri` formats asserted. Component
schemas' own `examples` are checked against the schema they sit in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from oaskit.spec import Pointer, bundle_spec, format_pointer, parse_pointer
from tests._specs import write_tree

REPO = Path(__file__).resolve().parents[2]
# Every API folder, the ones still being written included.
SPECS = sorted((REPO / "spec").glob("*/openapi.yaml"))

BUNDLE_URI = "urn:oaskit:bundle"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Keywords whose value is one subschema, a list of them, or a map of names to them.
ONE_SCHEMA = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs")

# Which way a value travels; it decides which of readOnly/writeOnly may be left out.
Direction = Literal["request", "response", "schema"]


@dataclass(frozen=True, slots=True)
class Example:
    """One example value and the schema (a pointer into the bundle) it must satisfy."""

    label: str
    value: Any
    schema: Pointer
    direction: Direction


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An example that cannot be checked: its `$ref` points nowhere, or its spec is broken."""

    label: str
    reason: str


Found = Example | Unreadable


class Collector:
    """Walks a bundled OpenAPI 3.1 document for every example and the schema it belongs to."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.found: list[Found] = []

    def collect(self) -> list[Found]:
        """Examples of paths, webhooks and components, in document order."""
        for path, item in _mapping(self.document.get("paths")).items():
            self.path_item(item, ("paths", path), label=path)
        for name, item in _mapping(self.document.get("webhooks")).items():
            self.path_item(item, ("webhooks", name), label=f"webhook {name}")
        components = _mapping(self.document.get("components"))
        for name, item in _mapping(components.get("pathItems")).items():
            self.path_item(item, ("components", "pathItems", name), label=f"pathItems/{name}")
        for section, walk in (
            ("parameters", self.parameter),
            ("headers", self.header),
            ("requestBodies", self.request_body),
            ("responses", self.response),
        ):
            for name, node in _mapping(components.get(section)).items():
                walk(node, ("components", section, name), label=f"components/{section}/{name}")
        for name, node in _mapping(components.get("schemas")).items():
            self.schema(node, ("components", "schemas", name), label=f"schema {name}")
        return self.found

    def resolve(self, node: Any, pointer: Pointer, *, label: str) -> tuple[Any, Pointer] | None:
        """Follow a chain of local `$ref`s; None (and an Unreadable) when it breaks."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref: str = node["$ref"]
            if not ref.startswith("#") or ref in seen:
                self.found.append(Unreadable(label, f"$ref {ref!r} cannot be resolved"))
                return None
            seen.add(ref)
            pointer = parse_pointer(ref[1:])
            try:
                node = _at(self.document, pointer)
            except (KeyError, IndexError, TypeError):
                self.found.append(Unreadable(label, f"$ref {ref!r} points at nothing"))
                return None
        return node, pointer

    def owned(self, node: Any, pointer: Pointer, *, label: str) -> tuple[Any, Pointer] | None:
        """The node to walk here: None for a reference to a component walked on its own."""
        if isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/components/"):
            # Checked once, where it is defined; resolving only reports a broken reference.
            self.resolve(node, pointer, label=label)
            return None
        return self.resolve(node, pointer, label=label)

    def path_item(self, node: Any, pointer: Pointer, *, label: str) -> None:
        """Parameters and operations of a Path Item Object."""
        resolved = self.owned(node, pointer, label=label)
        if resolved is None or not isinstance(resolved[0], dict):
            return
        item, pointer = resolved
        self.parameters(item, pointer, label=label)
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                self.operation(operation, (*pointer, method), label=f"{method.upper()} {label}")

    def operation(self, operation: dict[str, Any], pointer: Pointer, *, label: str) -> None:
        """Parameters, request body, responses and callbacks of an Operation Object."""
        self.parameters(operation, pointer, label=label)
        if "requestBody" in operation:
            body = operation["requestBody"]
            self.request_body(body, (*pointer, "requestBody"), label=f"{label} request")
        for status, response in _mapping(operation.get("responses")).items():
            at = (*pointer, "responses", status)
            self.response(response, at, label=f"{label} {status}")
        for name, callback in _mapping(operation.get("callbacks")).items():
            for expression, item in _mapping(callback).items():
                at = (*pointer, "callbacks", name, expression)
                self.path_item(item, at, label=f"{label} callback {name} {expression}")

    def parameters(self, owner: dict[str, Any], pointer: Pointer, *, label: str) -> None:
        """The `parameters` list of a Path Item or an Operation."""
        for index, parameter in enumerate(owner.get("parameters") or []):
            self.parameter(parameter, (*pointer, "parameters", index), label=label)

    def parameter(self, node: Any, pointer: Pointer, *, label: str) -> None:
        """A Parameter Object: examples beside its `schema` or in its `content`."""
        resolved = self.owned(node, pointer, label=label)
        if resolved is None or not isinstance(resolved[0], dict):
            return
        parameter, pointer = resolved
        name = parameter.get("name", "?")
        inside = label.startswith("components/")
        self.carrier(parameter, pointer, label=label if inside else f"{label} parameter {name}")

    def header(self, node: Any, pointer: Pointer, *, label: str) -> None:
        """A Header Object: like a parameter, examples beside `schema` or in `content`."""
        resolved = self.owned(node, pointer, label=label)
        if resolved is not None and isinstance(resolved[0], dict):
            self.carrier(resolved[0], resolved[1], label=label, direction="response")

    def carrier(
        self,
        node: dict[str, Any],
        pointer: Pointer,
        *,
        label: str,
        direction: Direction = "request",
    ) -> None:
        """A Parameter or Header: its own examples against its `schema`, or its content's."""
        if "schema" in node:
            self.examples(node, pointer, label=label, direction=direction)
        self.content(node, pointer, label=label, direction=direction)

    def request_body(self, node: Any, pointer: Pointer, *, label: str) -> None:
        """A Request Body Object: examples of each media type, sent by a client."""
        resolved = self.owned(node, pointer, label=label)
        if resolved is not None and isinstance(resolved[0], dict):
            self.content(resolved[0], resolved[1], label=label, direction="request")

    def response(self, node: Any, pointer: Pointer, *, label: str) -> None:
        """A Response Object: its headers and the examples of each media type."""
        resolved = self.owned(node, pointer, label=label)
        if resolved is None or not isinstance(resolved[0], dict):
            return
        response, pointer = resolved
        for name, header in _mapping(response.get("headers")).items():
            self.header(header, (*pointer, "headers", name), label=f"{label} header {name}")
        self.content(response, pointer, label=label, direction="response")

    def content(
        self, owner: dict[str, Any], pointer: Pointer, *, label: str, direction: Direction
    ) -> None:
        """Each Media Type Object of `owner["content"]`; JSON goes unnamed in labels."""
        for media_type, node in _mapping(owner.get("content")).items():
            if not isinstance(node, dict):
                continue
            at = (*pointer, "content", media_type)
            shown = label if media_type == "application/json" else f"{label} {media_type}"
            self.examples(node, at, label=shown, direction=direction)

    def examples(
        self, owner: dict[str, Any], pointer: Pointer, *, label: str, direction: Direction
    ) -> None:
        """`example` and each Example Object of `examples`, checked against `owner["schema"]`."""
        if "schema" not in owner:
            # Without a schema any value is valid (OAS 3.1 §4.8.14.1); nothing to check.
            return
        schema = (*pointer, "schema")
        self.schema(owner["schema"], schema, label=f"{label} schema")
        if "example" in owner:
            self.found.append(Example(f"{label} example", owner["example"], schema, direction))
        for name, node in _mapping(owner.get("examples")).items():
            at = (*pointer, "examples", name)
            resolved = self.resolve(node, at, label=f"{label} {name}")
            if resolved is None or not isinstance(resolved[0], dict):
                continue
            if "value" in resolved[0]:
                example = Example(f"{label} {name}", resolved[0]["value"], schema, direction)
                self.found.append(example)

    def schema(self, node: Any, pointer: Pointer, *, label: str, at: str = "") -> None:
        """Schema-level `examples` (and the deprecated `example`), in every subschema."""
        if not isinstance(node, dict) or ("$ref" in node and len(node) == 1):
            return
        where = f"{label}{at}"
        for index, value in enumerate(node.get("examples") or []):
            self.found.append(Example(f"{where} examples[{index}]", value, pointer, "schema"))
        if "example" in node:
            self.found.append(Example(f"{where} example", node["example"], pointer, "schema"))
        for keyword in ONE_SCHEMA:
            if keyword in node:
                sub = (*pointer, keyword)
                self.schema(node[keyword], sub, label=label, at=f"{at}/{keyword}")
        for keyword in SCHEMA_LISTS:
            for index, item in enumerate(node.get(keyword) or []):
                sub = (*pointer, keyword, index)
                self.schema(item, sub, label=label, at=f"{at}/{keyword}/{index}")
        for keyword in SCHEMA_MAPS:
            for name, item in _mapping(node.get(keyword)).items():
                sub = (*pointer, keyword, name)
                self.schema(item, sub, label=label, at=f"{at}/{keyword}/{name}")


def _mapping(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}


def _at(document: Any, pointer: Pointer) -> Any:
    node = document
    for token in pointer:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


# RFC 3986 §3: a scheme, then characters that may appear in a URI (no spaces, no controls).
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]*$")


def format_checker() -> FormatChecker:
    """`date-time` (RFC 3339) and `email` from jsonschema, `uri` (RFC 3986 §3) from here.

    jsonschema checks `uri` only with an optional package (rfc3987) this project does not
    install, and an unknown format passes silently; so `uri` is checked here.
    """
    checker = FormatChecker(formats=("date-time", "email"))

    @checker.checks("uri")
    def is_uri(instance: object) -> bool:
        return not isinstance(instance, str) or _URI.match(instance) is not None

    return checker


def example_errors(document: dict[str, Any], example: Example) -> list[str]:
    """Why `example` does not satisfy its schema in `document`: `$.path: message` lines.

    A request may leave out a required `readOnly` property and a response a required
    `writeOnly` one (OAS 3.1 §4.8.24, JSON Schema Validation §9.4); schema-level examples
    are whole representations and leave nothing out.
    """
    absent_ok = {"request": "readOnly", "response": "writeOnly"}.get(example.direction)
    validator_class = _validator_class(document, absent_ok=absent_ok)
    registry: Registry[Any] = Registry().with_resource(
        BUNDLE_URI, DRAFT202012.create_resource(document)
    )
    root = {"$ref": BUNDLE_URI + format_pointer(example.schema)}
    validator = validator_class(root, registry=registry, format_checker=format_checker())
    errors = sorted(validator.iter_errors(example.value), key=lambda error: error.json_path)
    return [f"{error.json_path}: {error.message}" for error in errors]


def _validator_class(document: dict[str, Any], *, absent_ok: str | None) -> type[Validator]:
    """Draft 2020-12 whose `required` forgives properties flagged `absent_ok`."""

    def required(
        validator: Validator, names: Any, instance: Any, schema: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object"):
            return
        properties = _mapping(schema.get("properties"))
        for name in names:
            if name in instance:
                continue
            if absent_ok is not None and _flagged(document, properties.get(name), absent_ok):
                continue
            yield ValidationError(f"{name!r} is a required property")

    # types-jsonschema leaves `extend` unannotated.
    validator_class: type[Validator] = extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"required": required}
    )
    return validator_class


def _flagged(document: dict[str, Any], schema: Any, flag: str) -> bool:
    """Whether `schema` (followed through local `$ref`s) says `flag: true`."""
    for _ in range(32):
        if not isinstance(schema, dict):
            return False
        if schema.get(flag) is True:
            return True
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#"):
            return False
        try:
            schema = _at(document, parse_pointer(ref[1:]))
        except (KeyError, IndexError, TypeError, ValueError):
            return False
    return False


def load_examples(spec: Path) -> tuple[dict[str, Any], list[Found]]:
    """The bundled document of `spec` and every example in it; a broken spec is one Unreadable."""
    try:
        bundle = bundle_spec(spec)
    except Exception as exc:  # any failure is the spec's, reported by the test that needs it
        return {}, [Unreadable("bundle", f"{type(exc).__name__}: {exc}")]
    if not isinstance(bundle.data, dict):
        return {}, [Unreadable("bundle", "the bundle is not a mapping")]
    return bundle.data, Collector(bundle.data).collect()


def _cases() -> Iterator[Any]:
    for spec in SPECS:
        document, found = load_examples(spec)
        for item in found:
            yield pytest.param(document, item, id=f"{spec.parent.name}:{item.label}")


@pytest.mark.parametrize(("document", "example"), list(_cases()))
def test_example_matches_its_schema_when_spec_is_bundled(
    document: dict[str, Any], example: Found
) -> None:
    if isinstance(example, Unreadable):
        pytest.fail(f"{example.label}: {example.reason}")
    errors = example_errors(document, example)
    schema = format_pointer(example.schema)
    assert not errors, f"{example.label} does not match {schema}:\n  " + "\n  ".join(errors)


# The seeds' own examples: (API folder, HTTP method, "request" or a response status).
SEEDS = [
    ("census", "patch", "request"),
    ("census", "patch", "200"),
    ("supermetrics", "put", "request"),
]


def example_names(document: dict[str, Any], operation: dict[str, Any], where: str) -> set[str]:
    """Names in `examples` of every media type of the operation's request body or response."""
    node = operation.get("requestBody") if where == "request" else None
    if where != "request":
        node = _mapping(operation.get("responses")).get(where)
    collector = Collector(document)
    resolved = collector.resolve(node, (), label=where)
    owner = resolved[0] if resolved is not None else None
    return {
        name
        for media in _mapping(_mapping(owner).get("content")).values()
        for name in _mapping(_mapping(media).get("examples"))
    }


@pytest.mark.parametrize(("api", "method", "where"), SEEDS, ids=lambda value: str(value))
def test_seed_example_exists_when_reading_the_seeded_operation(
    api: str, method: str, where: str
) -> None:
    spec = REPO / "spec" / api / "openapi.yaml"
    assert spec.is_file(), f"spec/{api}/openapi.yaml does not exist (yet)"
    document, found = load_examples(spec)
    assert document, f"spec/{api}/openapi.yaml does not bundle: {found}"
    seen = {
        f"{method.upper()} {path}": example_names(document, item[method], where)
        for path, item in _mapping(document.get("paths")).items()
        if isinstance(item, dict) and isinstance(item.get(method), dict)
    }
    assert seen, f"spec/{api}/openapi.yaml has no {method.upper()} operation"
    assert any("seed" in names for names in seen.values()), (
        f"no {method.upper()} {where} example is named 'seed' in spec/{api}/openapi.yaml; "
        f"examples found: {seen}"
    )


ITEMS = {
    "openapi.yaml": """\
    openapi: 3.1.0
    info:
      title: Items
      version: "1"
    paths:
      /items:
        post:
          requestBody:
            content:
              application/json:
                schema:
                  $ref: "#/components/schemas/Item"
                examples:
                  new:
                    $ref: "#/components/examples/NewItem"
          responses:
            "201":
              description: Created.
              content:
                application/json:
                  schema:
                    $ref: "#/components/schemas/Item"
                  example:
                    id: it_1
                    name: Pen
                    createdAt: "2026-01-02T03:04:05Z"
    components:
      schemas:
        Item:
          type: object
          required: [id, name, createdAt]
          properties:
            id:
              type: string
              readOnly: true
            name:
              type: string
            createdAt:
              type: string
              format: date-time
              readOnly: true
            homepage:
              type: string
              format: uri
            owner:
              type: string
              format: email
          examples:
            - id: it_2
              name: Cup
              createdAt: "2026-05-06T07:08:09Z"
      examples:
        NewItem:
          value:
            name: Pen
    """
}


def item_examples(
    tmp_path: Path, replace: dict[str, str] | None = None
) -> dict[str, tuple[dict[str, Any], Example]]:
    """The ITEMS spec, each `replace` key swapped for its value, collected: examples by label."""
    text = ITEMS["openapi.yaml"]
    for old, new in (replace or {}).items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    document, found = load_examples(write_tree(tmp_path, {"openapi.yaml": text}))
    assert all(isinstance(item, Example) for item in found), found
    return {item.label: (document, item) for item in found if isinstance(item, Example)}


def test_collector_finds_every_example_when_spec_uses_all_kinds(tmp_path: Path) -> None:
    found = item_examples(tmp_path)
    assert sorted(found) == [
        "POST /items 201 example",
        "POST /items request new",
        "schema Item examples[0]",
    ]
    for document, example in found.values():
        assert example_errors(document, example) == [], example.label


@pytest.mark.parametrize(
    ("old", "new", "label", "error"),
    [
        (
            "value:\n            name: Pen",
            "value:\n            name: 5",
            "POST /items request new",
            "$.name: 5 is not of type 'string'",
        ),
        (
            "                    name: Pen",
            "                    name: [Pen]",
            "POST /items 201 example",
            "$.name: ['Pen'] is not of type 'string'",
        ),
        (
            '"2026-01-02T03:04:05Z"',
            '"2026-01-02 03:04"',
            "POST /items 201 example",
            "$.createdAt: '2026-01-02 03:04' is not a 'date-time'",
        ),
        (
            "name: Cup",
            "name: Cup\n              homepage: not a uri",
            "schema Item examples[0]",
            "$.homepage: 'not a uri' is not a 'uri'",
        ),
        (
            "name: Cup",
            "name: Cup\n              owner: nobody",
            "schema Item examples[0]",
            "$.owner: 'nobody' is not a 'email'",
        ),
    ],
    ids=["request type", "response type", "date-time", "uri", "email"],
)
def test_example_errors_name_the_mismatch_when_an_example_is_off_its_schema(
    tmp_path: Path, old: str, new: str, label: str, error: str
) -> None:
    document, example = item_examples(tmp_path, {old: new})[label]
    assert example_errors(document, example) == [error]


def test_required_read_only_property_may_be_absent_when_example_is_a_request(
    tmp_path: Path,
) -> None:
    document, example = item_examples(tmp_path)["POST /items request new"]
    assert "id" not in example.value
    assert example_errors(document, example) == []
    as_response = Example(example.label, example.value, example.schema, "response")
    assert example_errors(document, as_response) == [
        "$: 'id' is a required property",
        "$: 'createdAt' is a required property",
    ]
