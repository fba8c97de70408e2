"""Structural validation of a bundled spec against the OpenAPI meta-schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from oaskit.errors import Finding, Level, SpecInputError
from oaskit.spec._bundle import Bundle

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
    """Every meta-schema violation, each at its source location (not just the first)."""
    version = openapi_version(bundle)
    validator_class = OpenAPIV31SpecValidator if version == "3.1" else OpenAPIV30SpecValidator
    findings = []
    for error in _iter_errors(validator_class(bundle.data)):
        pointer = _pointer_in(bundle.data, tuple(error.absolute_path))
        findings.append(
            Finding("oas-schema", _one_line(error), bundle.locate(pointer), Level.ERROR)
        )
    return sorted(set(findings), key=lambda f: (f.location, f.message))


def _iter_errors(validator: Any) -> Iterator[ValidationError]:
    # The validator reports nested errors through `context`; the leaves say the most.
    for error in validator.iter_errors():
        if isinstance(error, ValidationError) and error.context:
            yield from _leaves(error)
        elif isinstance(error, ValidationError):
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
