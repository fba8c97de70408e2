"""Which statuses the data checks accept per operation, from the statuses the spec documents."""

from __future__ import annotations

from typing import Any

from schemathesis.config import SchemathesisConfig

from oaskit.fuzz._config import accept_documented_state_rules


def _accepted(spec: dict[str, Any]) -> list[tuple[list[str], list[str]]]:
    # One override per operation that needs one, in the spec's order.
    config = SchemathesisConfig()
    accept_documented_state_rules(config, spec)
    return [
        (
            override.checks.positive_data_acceptance.expected_statuses,
            override.checks.negative_data_rejection.expected_statuses,
        )
        for override in config.projects.override.operations.operations
    ]


def _operation(operation_id: str, *statuses: str) -> dict[str, Any]:
    return {"operationId": operation_id, "responses": {s: {"description": s} for s in statuses}}


def test_documented_412_is_accepted_by_both_data_checks_when_the_operation_has_it() -> None:
    spec = {"paths": {"/a": {"put": _operation("putA", "200", "400", "412")}}}

    [(positive, negative)] = _accepted(spec)

    assert "412" in positive
    assert "412" in negative


def test_documented_422_is_accepted_only_for_valid_data_when_the_operation_has_it() -> None:
    spec = {"paths": {"/a": {"post": _operation("postA", "201", "422")}}}

    [(positive, negative)] = _accepted(spec)

    assert "422" in positive
    assert "412" not in negative


def test_operation_keeps_the_defaults_when_it_documents_neither() -> None:
    spec = {"paths": {"/a": {"get": _operation("getA", "200", "404")}}}

    assert _accepted(spec) == []
