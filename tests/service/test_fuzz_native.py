"""Schemathesis property tests of the native dialect, in process, with every check and phase."""

from __future__ import annotations

from pathlib import Path

from oaskit.fuzz import format_report, run_fuzz
from tests.service.conftest import Service
from tests.service.fuzz_options import project_options

SPEC = Path(__file__).resolve().parents[2] / "spec" / "connectors" / "openapi.yaml"


def test_native_dialect_passes_every_check_when_fuzzed_in_process(service: Service) -> None:
    """Examples, coverage, fuzzing and stateful phases: zero failures, zero errors.

    With the project's fuzz settings: fresh Idempotency-Keys, current ETags in If-Match, and
    the invariant checks of `tests.service.invariants`.
    """
    options = project_options(SPEC, headers=service.auth)
    report = run_fuzz(options, app=service.app)
    assert report.ok, format_report(report)
    assert report.cases > 100, format_report(report)
    seen = {stats.label: stats.statuses for stats in report.operations}
    # Each operation was reached with success responses, not only with rejections.
    assert 201 in seen["POST /v1/connectors"], format_report(report)
    assert 200 in seen["GET /v1/connectors/{id}"], format_report(report)
    assert 200 in seen["PUT /v1/connectors/{id}"], format_report(report)
