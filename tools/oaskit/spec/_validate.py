"""Structural validation of a bundled spec against the OpenAPI meta-schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from oaskit.errors import Finding, Level, SpecInputError
from oaskit.spec._bundle import Bundle
from oaskit.spec._load import Pointer
from oaskit.spec._pointer import parse_pointer
from oaskit.spec._schema_shape import check_schemas
from oaskit.spec._schema_sites import schema_sites

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

__all__ = ["openapi_version", "validate_bundle"]


def openapi_version(bundle: Bundle) -> str:
    """`3.0` or `3.1`; anything else is unusable input (SpecInputError)."""
    data = bundle.data
    version = data.get("openapi") if isinstance(data, dict) else None
    if isinstance(data, dict) and "swagger" in data:
        raise SpecInputError(
            Finding(
                "input-not-supported",
                "Swagger 2.0 is not supported; convert it to OpenAPI 3 first "
                "(for example with `npx swagger2openapi`)",
                bundle.locate(("swagger",)),
            )
        )
    if isinstance(version, int | float) and not isinstance(version, bool):
        raise SpecInputError(
            Finding(
                "input-not-openapi",
                f'`openapi: {version}` is a number; write the version as a string, e.g. "3.1.0"',
                bundle.locate(("openapi",)),
            )
        )
    if not isinstance(version, str):
        raise SpecInputError(
            Finding(
                "input-not-openapi",
                "not an OpenAPI document: no `openapi` version field",
                bundle.locate(()),
            )
        )
    for prefix in ("3.0", "3.1"):
        if version == prefix or version.startswith(prefix + "."):
            return prefix
    raise SpecInputError(
        Finding(
            "input-not-supported",
            f"OpenAPI {version} is not supported; use 3.0 or 3.1",
            bundle.locate(("openapi",)),
        )
    )


def validate_bundle(bundle: Bundle) -> list[Finding]:
    """Every meta-schema violation, each at its source location (not just the first).

    The document is checked against the OAS 3.0 or 3.1 JSON Schema; for 3.1, whose JSON Schema
    leaves Schema Objects open, every Schema Object is then checked against the OAS dialect's
    keyword table. openapi-spec-validator's further walk (duplicate operationIds, parameters and
    tags, unresolved path parameters) is left to the lint rules, which say it at the right line.
    """
    version = openapi_version(bundle)
    data = bundle.data
    findings = []
    for error in _document_errors(version, data):
        pointer = _pointer_in(data, tuple(error.absolute_path))
        message = _one_line(error)
        findings.append(Finding("oas-schema", message, bundle.locate(pointer), Level.ERROR))
    if version == "3.1":
        resolve = _Resolver(data)
        for pointer, message in check_schemas(schema_sites(data), resolve):
            findings.append(Finding("oas-schema", message, bundle.locate(pointer), Level.ERROR))
    return sorted(set(findings), key=lambda f: (f.location, f.message))


def _document_errors(version: str, data: Any) -> Iterator[ValidationError]:
    # jsonschema-rs answers "valid?" for GitHub's spec in 20 ms where jsonschema takes 5 s, but
    # reports a failed `oneOf` as one error at the top; jsonschema's error tree names the leaf
    # that went wrong. So: Rust for the common, valid case, Python for the words when not.
    schema = _document_schema(version)
    if _fast_validator(version).is_valid(data):
        return iter(())
    # Imported only here: the valid case, the common one, does without it (60 ms of start-up).
    from jsonschema.protocols import Validator
    from jsonschema.validators import validator_for

    validator: Validator = validator_for(schema)(schema)
    return _iter_errors(validator.iter_errors(data))


@cache
def _document_schema(version: str) -> dict[str, Any]:
    # The OpenAPI Initiative's JSON Schema for the version (schemas/README.md).
    path = Path(__file__).parent / "schemas" / f"oas-{version}.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@cache
def _fast_validator(version: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(_document_schema(version))


class _Resolver:
    """Local `$ref`s of one document to their target, remembered; None when one misses."""

    def __init__(self, data: Any) -> None:
        self._data = data
        self._known: dict[str, tuple[Pointer, Any] | None] = {}

    def __call__(self, ref: str) -> tuple[Pointer, Any] | None:
        if ref not in self._known:
            self._known[ref] = self._find(ref)
        return self._known[ref]

    def _find(self, ref: str) -> tuple[Pointer, Any] | None:
        try:
            pointer = parse_pointer(ref[1:])
        except ValueError:
            return None
        node = self._data
        for token in pointer:
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and str(token).isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return pointer, node


def _iter_errors(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    # Nested errors come through `context`; the leaves say the most.
    for error in errors:
        if error.context:
            yield from _leaves(error)
        else:
            yield error


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    best: dict[tuple[str | int, ...], ValidationError] = {}
    for sub in error.context or []:
        if sub.context:
            yield from _leaves(sub)
            continue
        best.setdefault(tuple(sub.absolute_path), sub)
    yield from best.values()


def _pointer_in(data: Any, path: tuple[Any, ...]) -> tuple[str | int, ...]:
    # The validator reports `responses/201` with an int key; the document's keys are strings.
    tokens: list[str | int] = []
    node = data
    for token in path:
        if isinstance(node, dict):
            key = token if token in node else str(token)
            tokens.append(key)
            node = node.get(key)
        elif isinstance(node, list) and isinstance(token, int):
            tokens.append(token)
            node = node[token] if 0 <= token < len(node) else None
        else:
            tokens.append(token)
    return tuple(tokens)


def _one_line(error: ValidationError) -> str:
    # The validator appends "Failed validating ... On instance ..."; the first part says it all.
    text = str(error.message).split("\n\nFailed validating")[0].split(" Failed validating ")[0]
    message = " ".join(text.split())
    return message if len(message) <= 200 else message[:197] + "..."
