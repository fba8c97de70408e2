"""oaskit's structural checks beside openapi-spec-validator, the oracle for "is it valid OpenAPI".

Each real spec in `directory/` (its README.md says where they come from) and broken variants
of each, written as JSON into a temporary folder, are judged twice: by `lint_spec` with no rule
selected (what remains are the checks that always run: loading, bundling, the meta-schema)
and by `openapi_spec_validator.validate`. The verdicts (valid or not) agree on every case but
those in DIFFERENCES, where they differ, each for the reason the OAS section it names gives,
and the oaskit rule it names, on by default at error level, reports the problem.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from oaskit.config import LintConfig
from oaskit.errors import Level, SpecInputError
from oaskit.lint import CHECKS, lint_spec, registry

DIRECTORY = Path(__file__).parent / "directory"
SPECS = sorted(path.name for path in DIRECTORY.glob("*.yaml"))
CHECKS_ONLY = LintConfig(select=())
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OK = {"200": {"description": "OK."}}

Mutation = Callable[[dict[str, Any]], None]


def _operation(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec's first operation (made when it has none)."""
    paths = spec.setdefault("paths", {})
    for item in paths.values():
        for method in METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                operation: dict[str, Any] = item[method]
                return operation
    paths["/oracle-operation"] = {"get": {"responses": dict(OK)}}
    made: dict[str, Any] = paths["/oracle-operation"]["get"]
    return made


def _schemas(spec: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
    return schemas


def _no_info(spec: dict[str, Any]) -> None:
    del spec["info"]


def _no_openapi(spec: dict[str, Any]) -> None:
    del spec["openapi"]


def _paths_not_an_object(spec: dict[str, Any]) -> None:
    spec["paths"] = ["/items"]


def _title_not_a_string(spec: dict[str, Any]) -> None:
    spec["info"]["title"] = 42


def _unknown_top_level_field(spec: dict[str, Any]) -> None:
    spec["oracle"] = True


def _response_without_description(spec: dict[str, Any]) -> None:
    _operation(spec)["responses"]["418"] = {}


def _ref_to_nowhere(spec: dict[str, Any]) -> None:
    _operation(spec)["responses"]["419"] = {"$ref": "#/components/responses/OracleMissing"}


def _parameter_without_in(spec: dict[str, Any]) -> None:
    parameter = {"name": "oracle", "schema": {"type": "string"}}
    _operation(spec).setdefault("parameters", []).append(parameter)


def _unknown_schema_type(spec: dict[str, Any]) -> None:
    _schemas(spec)["OracleType"] = {"type": "strin"}


def _duplicate_operation_id(spec: dict[str, Any]) -> None:
    operation_id = _operation(spec).setdefault("operationId", "oracleOperation")
    spec["paths"]["/oracle-copy"] = {"get": {"operationId": operation_id, "responses": OK}}


def _undeclared_path_parameter(spec: dict[str, Any]) -> None:
    spec["paths"]["/oracle/{undeclared}"] = {"get": {"responses": OK}}


def _duplicate_parameter(spec: dict[str, Any]) -> None:
    # Two different objects, so that the meta-schema's `uniqueItems` (3.0) does not see them.
    parameters = _operation(spec).setdefault("parameters", [])
    for description in ("Once.", "Twice."):
        parameters.append(
            {"name": "oracle", "in": "query", "description": description, "schema": {}}
        )


def _default_of_wrong_type(spec: dict[str, Any]) -> None:
    _schemas(spec)["OracleDefault"] = {"type": "integer", "default": "ten"}


VARIANTS: dict[str, Mutation] = {
    "no-info": _no_info,
    "no-openapi": _no_openapi,
    "paths-not-an-object": _paths_not_an_object,
    "title-not-a-string": _title_not_a_string,
    "unknown-top-level-field": _unknown_top_level_field,
    "response-without-description": _response_without_description,
    "ref-to-nowhere": _ref_to_nowhere,
    "parameter-without-in": _parameter_without_in,
    "unknown-schema-type": _unknown_schema_type,
    "duplicate-operation-id": _duplicate_operation_id,
    "undeclared-path-parameter": _undeclared_path_parameter,
    "duplicate-parameter": _duplicate_parameter,
    "default-of-wrong-type": _default_of_wrong_type,
}


@dataclass(frozen=True, slots=True)
class Difference:
    """Why the two verdicts differ on a case, and what in oaskit reports the problem."""

    # The section of the OpenAPI Specification (or what it builds on) that decides the case.
    decided_by: str
    # The oaskit rule or check that reports it at error level with the default rules.
    reported_by: str
    # Whether openapi-spec-validator is the one that refuses the document (else oaskit is).
    oracle_refuses: bool = True
    # The OAS versions (`3.0`, `3.1`) the difference holds for.
    versions: tuple[str, ...] = ("3.0", "3.1")


# Keyed by variant, or by spec file for a spec as published. openapi-spec-validator walks the
# document after its schema for duplicate operationIds and parameters, unresolved path
# parameters and defaults that do not match their schema; oaskit leaves those to lint rules
# that are errors by default and say each at its line (oaskit.spec.validate_bundle).
DIFFERENCES: dict[str, Difference] = {
    "duplicate-operation-id": Difference(
        "OAS 3.1 4.8.10.1, 3.0 4.7.10.1: an operationId MUST be unique among all operations",
        "operation-id-is-unique",
    ),
    "undeclared-path-parameter": Difference(
        "OAS 3.1 and 3.0 3.2 (Path Templating): each template expression MUST correspond to a"
        " path parameter",
        "path-parameters-are-declared",
    ),
    "medium.com__medium.com.yaml": Difference(
        "OAS 3.0 3.2 (Path Templating): `/search/articles?query={query}` has a template"
        " expression no path parameter fills (`query` is declared `in: query`)",
        "path-parameters-are-declared",
    ),
    "duplicate-parameter": Difference(
        "OAS 3.1 4.8.10.1, 3.0 4.7.10.1: a parameters list MUST NOT include duplicated"
        " parameters (same name and location)",
        "parameters-are-unique",
    ),
    "default-of-wrong-type": Difference(
        "OAS 3.0.3 4.7.24: a default MUST conform to the schema's type. In 3.1 JSON Schema"
        " 2020-12 validation 9.2 only recommends a valid default: the oracle is stricter there",
        "default-matches-schema",
    ),
    "remove.bg__remove.bg.yaml": Difference(
        "OAS 3.0.3 4.7.24: a default MUST conform to the schema's type (`'false'` for a boolean)",
        "default-matches-schema",
    ),
    "weber-gesamtausgabe.de__weber-gesamtausgabe.de.yaml": Difference(
        "OAS 3.0.3 4.7.24 asks a default to conform to the type only, which a date-time string"
        " does for `type: string`; the oracle also checks `format: date`",
        "default-matches-schema",
    ),
}

CASES = [(spec, None) for spec in SPECS] + [(s, v) for s in SPECS for v in VARIANTS]


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DIRECTORY / name).read_text(encoding="utf-8"))
    return data


def _version(spec: dict[str, Any]) -> str:
    return str(spec.get("openapi", ""))[:3]


def _expected(name: str, variant: str | None, version: str) -> Difference | None:
    """The documented difference for a case, if any."""
    found = DIFFERENCES.get(variant if variant is not None else name)
    return found if found is not None and version in found.versions else None


def _oracle_refuses(spec: dict[str, Any]) -> bool:
    try:
        validate(spec)
    except Exception:  # any refusal (schema, walk, unresolvable reference) is the verdict
        return True
    return False


def _oaskit_refuses(path: Path) -> bool:
    try:
        findings = lint_spec(path, config=CHECKS_ONLY)
    except SpecInputError:
        return True
    return any(finding.level is Level.ERROR for finding in findings)


@pytest.mark.parametrize(
    ("name", "variant"), CASES, ids=[f"{s.removesuffix('.yaml')}:{v or '-'}" for s, v in CASES]
)
def test_agrees_with_openapi_spec_validator_when_difference_is_not_documented(
    tmp_path: Path, name: str, variant: str | None
) -> None:
    original = _load(name)
    spec = copy.deepcopy(original)
    path = DIRECTORY / name
    if variant is not None:
        VARIANTS[variant](spec)
        # JSON: oaskit reads it faster than YAML, and this is about the data, not the syntax.
        path = tmp_path / f"{name.removesuffix('.yaml')}.json"
        path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")

    oracle, ours = _oracle_refuses(spec), _oaskit_refuses(path)

    difference = _expected(name, variant, _version(original))
    if difference is None:
        assert ours == oracle
    else:
        assert (oracle, ours) == (difference.oracle_refuses, not difference.oracle_refuses)
        assert _reports_by_default(path, difference.reported_by)


def _reports_by_default(path: Path, code: str) -> bool:
    """Whether `code`, a check or a rule on by default at error level, reports an error."""
    found = registry.get(code)
    if found is None:
        assert code in CHECKS
        config = CHECKS_ONLY
    else:
        assert (found.default, found.level) == (True, Level.ERROR)
        config = LintConfig(select=(code,))
    findings = lint_spec(path, config=config)
    return any(f.code == code and f.level is Level.ERROR for f in findings)


def test_refuses_every_variant_when_judged_by_either_side() -> None:
    # A variant that neither side refuses would test nothing about the checks.
    for variant, mutate in VARIANTS.items():
        spec = _load(SPECS[0])
        mutate(spec)
        assert _oracle_refuses(spec) or variant in DIFFERENCES, variant


def test_uses_every_documented_difference_when_cases_are_listed() -> None:
    keys = set(SPECS) | set(VARIANTS)

    assert set(DIFFERENCES) <= keys
