"""Structural validation of a bundled spec against the OpenAPI meta-schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError
from jsonschema_path import SchemaPath
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation import keywords
from referencing.exceptions import Unresolvable

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


# Where a schema error lies: the validator reports paths relative to the Schema Object it was
# checking, so the located validators below record that object's place in the document.
_BASE = "oaskit_schema_base"


class _Ids(set[int]):
    """A set with the `append` of the list the validator keeps its visited schema ids in."""

    def append(self, item: int) -> None:
        """Add `item`, as `list.append` would."""
        self.add(item)


def _locating(base: type[keywords.SchemaValidator]) -> type[keywords.SchemaValidator]:
    class Locating(base):  # type: ignore[valid-type,misc]
        def __init__(self, registry: Any) -> None:
            super().__init__(registry)
            # openapi-spec-validator 0.9 tests `id(schema) in <list>` for every schema: quadratic,
            # 7 of the 9 s its checks take on GitHub's spec. Only `in` and `append` are used.
            self.visited_schema_ids = _Ids()
            self.meta_checked_schema_ids = _Ids()

        def __call__(
            self, schema: SchemaPath, require_properties: bool = True, meta_checked: bool = False
        ) -> Iterator[ValidationError]:
            for error in super().__call__(schema, require_properties, meta_checked):
                # Nested schemas are checked through this same method, so the innermost wins.
                if not hasattr(error, _BASE):
                    setattr(error, _BASE, tuple(schema.parts))
                yield error

    return Locating


class _Paths(keywords.PathsValidator):
    def __call__(self, paths: SchemaPath) -> Iterator[ValidationError]:
        # The Paths Object may carry `x-` extensions (OAS 3.1 4.8.8); openapi-spec-validator 0.9
        # reads each as a Path Item and fails with a KeyError on a string value (APIs.guru's
        # apicurio.local spec has `x-codegen-contextRoot`). The meta-schema checks them.
        for url, path_item in paths.items():
            if isinstance(url, str) and not url.startswith("x-"):
                yield from self.path_validator(url, path_item)


class _V30(OpenAPIV30SpecValidator):
    # The base class declares a plain dict; it is only ever read.
    keyword_validators = {  # noqa: RUF012
        **OpenAPIV30SpecValidator.keyword_validators,
        "paths": _Paths,
        "schema": _locating(keywords.OpenAPIV30SchemaValidator),
    }


class _V31(OpenAPIV31SpecValidator):
    # The base class declares a plain dict; it is only ever read.
    keyword_validators = {  # noqa: RUF012
        **OpenAPIV31SpecValidator.keyword_validators,
        "paths": _Paths,
        "schema": _locating(keywords.OpenAPIV31SchemaValidator),
    }


def validate_bundle(bundle: Bundle) -> list[Finding]:
    """Every meta-schema violation, each at its source location (not just the first)."""
    version = openapi_version(bundle)
    validator = (_V31 if version == "3.1" else _V30)(bundle.data)
    findings = []
    try:
        for base, error in _iter_errors(validator):
            path = (*base, *error.absolute_path)
            pointer = _pointer_in(bundle.data, path)
            findings.append(
                Finding("oas-schema", _one_line(error), bundle.locate(pointer), Level.ERROR)
            )
    except Unresolvable as exc:
        # The validator cannot go past a `$ref` that misses; the bundler has already reported
        # each such reference at its own place, so only say it when it has not.
        if not any(p.code.startswith("ref-") for p in bundle.problems):
            message = f"validation stopped at an unresolvable reference: {exc}"
            findings.append(Finding("ref-unresolvable", message, bundle.locate(()), Level.ERROR))
    return sorted(set(findings), key=lambda f: (f.location, f.message))


def _iter_errors(validator: Any) -> Iterator[tuple[tuple[Any, ...], ValidationError]]:
    # Nested errors come through `context`; the leaves say the most. A leaf's absolute path runs
    # through its parents, so it shares the top error's base.
    for error in validator.iter_errors():
        if not isinstance(error, ValidationError):
            continue
        base = getattr(error, _BASE, ())
        if error.context:
            yield from ((base, leaf) for leaf in _leaves(error))
        else:
            yield base, error


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
