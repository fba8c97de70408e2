"""Test a connector's stored configuration without any outbound request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from connectors_service.domain._errors import DomainError, Violation
from connectors_service.domain._fields import check_values
from connectors_service.domain._http import placeholders
from connectors_service.domain._secrets import SecretRules
from connectors_service.store import ConnectorRecord

__all__ = ["TestOutcome", "TestStepOutcome", "test_connector"]


@dataclass(frozen=True, slots=True)
class TestStepOutcome:
    """One step: what it checks, how it went, what it found (never a value)."""

    name: str
    status: str
    message: str


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """The steps and the overall status."""

    status: str
    tested_at: datetime
    steps: tuple[TestStepOutcome, ...]


def test_connector(record: ConnectorRecord, *, now: datetime) -> TestOutcome:
    """Check definitions, configuration and template; 422 when there is no template to test."""
    if record.http is None:
        violation = Violation(
            "/http", "NOT_TESTABLE", "The connector has no HTTP template to test."
        )
        raise DomainError.unprocessable([violation])
    fields = record.fields or []
    values = {**SecretRules.from_fields(record.fields).defaults, **record.data}
    missing = [
        str(f["id"])
        for f in fields
        if f.get("required") is True and values.get(str(f["id"])) in (None, "")
    ]
    invalid = check_values(values, fields)
    unresolved = [name for name in placeholders(record.http) if name.split(".")[0] not in values]
    steps = (
        TestStepOutcome("definition", "passed", f"{len(fields)} field(s) are defined."),
        TestStepOutcome(
            "configuration",
            "failed" if missing or invalid else "passed",
            _configuration_message(missing, len(invalid)),
        ),
        TestStepOutcome(
            "template",
            "failed" if unresolved else "passed",
            f"Unresolved placeholder(s): {', '.join(unresolved)}."
            if unresolved
            else "Every placeholder of the HTTP template resolves.",
        ),
        TestStepOutcome(
            "connection", "skipped", "The reference service makes no outbound requests."
        ),
    )
    status = "failed" if any(step.status == "failed" for step in steps) else "passed"
    return TestOutcome(status=status, tested_at=now, steps=steps)


def _configuration_message(missing: list[str], invalid: int) -> str:
    if missing:
        return f"Required value(s) not set: {', '.join(missing)}."
    if invalid:
        return f"{invalid} value(s) break their field's rules."
    return "Every required value is set and of its type."
