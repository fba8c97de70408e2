"""`oaskit.lint`: built-in rules fire on violations only; the registry refuses duplicates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from oaskit.config import LintConfig
from oaskit.errors import Level
from oaskit.lint import (
    CHECKS,
    Rule,
    RuleRegistry,
    all_rule_docs,
    explain,
    lint_spec,
    registry,
    rule,
)
from oaskit.lint import _registry as registry_module
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


ERROR, WARNING = Level.ERROR, Level.WARNING
# rule name, how to break the clean spec, the one message expected, the rule's default level:
# only a defect is an error; house style (ids' casing, summaries, tags, responses) warns.
VIOLATIONS: list[tuple[str, Mutation, str, Level]] = [
    ("operation-id-is-camel-case", _snake_id, "operationId 'get_item' is not camelCase", WARNING),
    ("operation-has-operation-id", _no_id, "operation has no operationId", WARNING),
    (
        "operation-id-is-unique",
        _shared_id,
        "operationId 'getItem' is also used by GET /items/{id}",
        ERROR,
    ),
    ("operation-has-summary", _no_summary, "operation has no summary", WARNING),
    (
        "operation-has-declared-tag",
        _undeclared_tag,
        "tag 'widgets' is not declared in the top-level tags",
        WARNING,
    ),
    ("operation-has-declared-tag", _no_tag, "operation has no tag", WARNING),
    (
        "operation-has-success-response",
        _no_success,
        "operation documents no 2xx response",
        WARNING,
    ),
    ("operation-has-error-response", _no_error, "operation documents no 4xx response", WARNING),
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
    ("code", "mutate", "message", "level"),
    VIOLATIONS,
    ids=[m.__name__.strip("_") for _, m, _, _ in VIOLATIONS],
)
def test_rule_fires_once_when_spec_violates_it(
    tmp_path: Path, code: str, mutate: Mutation, message: str, level: Level
) -> None:
    path = _write_spec(tmp_path, mutate)

    # The meta-schema also refuses a shared operationId; only the rule is under test.
    findings = [
        f for f in lint_spec(path, config=LintConfig(select=(code,))) if f.code != "oas-schema"
    ]

    assert [(f.code, f.message, f.level) for f in findings] == [(code, message, level)]
    assert findings[0].location.file == (tmp_path / "openapi.yaml").resolve()


def test_runs_operation_rules_by_default_except_casing_when_nothing_is_selected(
    tmp_path: Path,
) -> None:
    findings = lint_spec(_write_spec(tmp_path, _snake_id))

    assert findings == []
    assert {r.name for r in operations_rules() if not r.default} == {"operation-id-is-camel-case"}


def operations_rules() -> list[Rule]:
    """The built-in rules of the operations family."""
    return [each for each in registry if each.check.__module__ == operations.__name__]


def test_every_built_in_rule_has_a_violation_case_when_registered() -> None:
    built_in = {each.name for each in operations_rules()}

    assert built_in == {code for code, _, _, _ in VIOLATIONS}
    assert len(built_in) == len(operations.__all__)


def test_locates_finding_at_operation_id_line_when_id_is_not_camel_case(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": CLEAN_SPEC.replace("getItem", "get-item")})

    findings = lint_spec(path, config=LintConfig(select=("operation-id-is-camel-case",)))

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


def test_explains_every_rule_and_check_when_documented() -> None:
    docs = all_rule_docs()

    assert [doc.name for doc in docs] == sorted({r.name for r in registry} | set(CHECKS))
    assert [doc.name for doc in docs if not doc.explanation.strip()] == []
    assert [doc.name for doc in docs if doc.explanation.strip() == doc.description] == []


def test_names_peers_as_tool_and_rule_when_built_in_rules_have_peers() -> None:
    peers = [peer for doc in all_rule_docs() for peer in doc.peers]

    assert peers
    assert {peer.partition(":")[0] for peer in peers} == {"spectral", "redocly"}


def test_returns_rule_doc_when_explaining_a_registered_rule() -> None:
    doc = explain("operation-id-is-unique")

    assert doc is not None
    assert (doc.kind, doc.level, doc.default) == ("rule", Level.ERROR, True)
    assert doc.description == "No two operations share an operationId."
    assert "MUST be unique" in doc.explanation
    assert doc.peers == (
        "spectral:operation-operationId-unique",
        "redocly:operation-operationId-unique",
    )


def test_returns_check_doc_when_explaining_a_check() -> None:
    doc = explain("ref-unresolvable")

    assert doc is not None
    assert (doc.kind, doc.level, doc.default) == ("check", Level.ERROR, True)
    assert doc.description == CHECKS["ref-unresolvable"]
    assert "redocly:no-unresolved-refs" in doc.peers


def test_returns_none_when_explaining_an_unknown_name() -> None:
    assert explain("no-such-rule") is None


def test_takes_explanation_from_docstring_body_when_rule_is_registered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = RuleRegistry()
    monkeypatch.setattr(registry_module, "registry", fresh)

    @rule("blue-widgets", level=Level.WARNING, default=False, peers=("spectral:blue",))
    def check(bundle: Bundle) -> Iterator[tuple[tuple[str | int, ...], str]]:
        """Every widget is blue.

        Blue widgets render well.
            Indented lines keep their indent.
        """
        yield from ()

    registered = fresh.get("blue-widgets")
    assert registered is not None
    assert (registered.level, registered.default) == (Level.WARNING, False)
    assert registered.description == "Every widget is blue."
    assert registered.explanation == (
        "Blue widgets render well.\n    Indented lines keep their indent."
    )
    assert registered.peers == ("spectral:blue",)
    assert "blue-widgets" not in registry


def test_refuses_rule_when_a_peer_is_not_tool_and_rule_name() -> None:
    fresh = RuleRegistry()

    def check(bundle: Bundle) -> Iterator[tuple[tuple[str | int, ...], str]]:
        yield from ()

    with pytest.raises(ValueError, match="peer 'operation-tags' of lint rule 'tagged'"):
        fresh.register(
            Rule(
                name="tagged",
                level=Level.WARNING,
                check=check,
                description="Tagged.",
                peers=("operation-tags",),
            )
        )
    assert "tagged" not in fresh
