"""`oaskit.lint`: built-in rules fire on violations only; the registry refuses duplicates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from oaskit.errors import Level
from oaskit.lint import Rule, RuleRegistry, lint_spec, registry, rule
from oaskit.lint.rules import operations
from oaskit.spec import Bundle
from tests._specs import CLEAN_SPEC, write_tree

REAL_SPEC = Path(__file__).resolve().parents[2] / "spec" / "connectors" / "openapi.yaml"

Mutation = Callable[[dict[str, Any]], None]


def _operation(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"]["/items/{id}"]["get"]
    return operation


def _snake_id(spec: dict[str, Any]) -> None:
    _operation(spec)["operationId"] = "get_item"


def _no_id(spec: dict[str, Any]) -> None:
    del _operation(spec)["operationId"]


def _shared_id(spec: dict[str, Any]) -> None:
    spec["paths"]["/items/{id}"]["delete"] = {**_operation(spec), "summary": "Delete an item."}


def _no_summary(spec: dict[str, Any]) -> None:
    _operation(spec)["summary"] = "  "


def _undeclared_tag(spec: dict[str, Any]) -> None:
    _operation(spec)["tags"] = ["items", "widgets"]


def _no_tag(spec: dict[str, Any]) -> None:
    del _operation(spec)["tags"]


def _no_success(spec: dict[str, Any]) -> None:
    del _operation(spec)["responses"]["200"]


def _no_error(spec: dict[str, Any]) -> None:
    del _operation(spec)["responses"]["404"]


# rule name, how to break the clean spec, the one message expected.
VIOLATIONS: list[tuple[str, Mutation, str]] = [
    ("operation-id-is-camel-case", _snake_id, "operationId 'get_item' is not camelCase"),
    ("operation-id-is-camel-case", _no_id, "operation has no operationId"),
    ("operation-id-is-unique", _shared_id, "operationId 'getItem' is also used by GET /items/{id}"),
    ("operation-has-summary", _no_summary, "operation has no summary"),
    (
        "operation-has-declared-tag",
        _undeclared_tag,
        "tag 'widgets' is not declared in the top-level tags",
    ),
    ("operation-has-declared-tag", _no_tag, "operation has no tag"),
    ("operation-has-success-response", _no_success, "operation documents no 2xx response"),
    ("operation-has-error-response", _no_error, "operation documents no 4xx response"),
]


def _write_spec(tmp_path: Path, mutate: Mutation | None = None) -> Path:
    spec = yaml.safe_load(CLEAN_SPEC)
    if mutate is not None:
        mutate(spec)
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def test_finds_nothing_when_spec_is_clean(tmp_path: Path) -> None:
    assert lint_spec(_write_spec(tmp_path)) == []


@pytest.mark.parametrize(
    ("code", "mutate", "message"), VIOLATIONS, ids=[m.__name__.strip("_") for _, m, _ in VIOLATIONS]
)
def test_rule_fires_once_when_spec_violates_it(
    tmp_path: Path, code: str, mutate: Mutation, message: str
) -> None:
    # The meta-schema also refuses a shared operationId; only the house rules are under test.
    findings = [f for f in lint_spec(_write_spec(tmp_path, mutate)) if f.code != "oas-schema"]

    assert [(f.code, f.message, f.level) for f in findings] == [(code, message, Level.ERROR)]
    assert findings[0].location.file == (tmp_path / "openapi.yaml").resolve()


def test_every_built_in_rule_has_a_violation_case_when_registered() -> None:
    built_in = {each.name for each in registry if each.check.__module__ == operations.__name__}

    assert built_in == {code for code, _, _ in VIOLATIONS}
    assert len(built_in) == len(operations.__all__)


def test_locates_finding_at_operation_id_line_when_id_is_not_camel_case(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": CLEAN_SPEC.replace("getItem", "get-item")})

    findings = lint_spec(path)

    assert [(f.code, f.location.line, f.location.col) for f in findings] == [
        ("operation-id-is-camel-case", 10, 20)
    ]


def test_includes_load_problems_when_spec_has_duplicate_key(tmp_path: Path) -> None:
    text = CLEAN_SPEC.replace('  version: "1"\n', '  version: "1"\n  title: Again\n')
    path = write_tree(tmp_path, {"openapi.yaml": text})

    findings = lint_spec(path)

    assert [(f.code, f.location.line) for f in findings] == [("duplicate-key", 5)]


def test_reports_ref_unresolvable_when_a_ref_points_at_nothing(tmp_path: Path) -> None:
    text = CLEAN_SPEC.replace("#/components/schemas/Item", "#/components/schemas/Missing")
    path = write_tree(tmp_path, {"openapi.yaml": text})

    findings = lint_spec(path)

    assert [(f.code, f.location.line) for f in findings] == [("ref-unresolvable", 25)]


def test_raises_value_error_when_rule_name_is_registered_twice() -> None:
    fresh = RuleRegistry()

    def check(bundle: Bundle) -> Iterator[tuple[tuple[str | int, ...], str]]:
        yield (), "always"

    fresh.register(Rule(name="always", level=Level.WARNING, check=check, description="Always."))

    with pytest.raises(ValueError, match="'always' is already registered"):
        fresh.register(Rule(name="always", level=Level.ERROR, check=check, description="Again."))
    assert [each.level for each in fresh] == [Level.WARNING]


def test_refuses_decorated_rule_when_name_is_built_in() -> None:
    def check(bundle: Bundle) -> Iterator[tuple[tuple[str | int, ...], str]]:
        yield from ()

    with pytest.raises(ValueError, match="already registered"):
        rule("operation-has-summary")(check)
    assert next(r for r in registry if r.name == "operation-has-summary").check is not check


def test_lists_rules_sorted_by_name_when_iterated() -> None:
    fresh = RuleRegistry()

    def check(bundle: Bundle) -> Iterator[tuple[tuple[str | int, ...], str]]:
        yield from ()

    for name in ("zeta", "alpha", "mid"):
        fresh.register(Rule(name=name, level=Level.INFO, check=check, description=name))

    assert [each.name for each in fresh] == ["alpha", "mid", "zeta"]
    assert "mid" in fresh
    assert "other" not in fresh


def test_finds_nothing_when_linting_the_real_connectors_spec() -> None:
    assert lint_spec(REAL_SPEC) == []
