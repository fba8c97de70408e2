"""Schemathesis property tests of the Census dialect, in process, with every check and phase."""

from __future__ import annotations

import os
from pathlib import Path

from oaskit.fuzz import FuzzOptions, format_report, run_fuzz
from tests.service.conftest import Service

SPEC = Path(__file__).resolve().parents[2] / "spec" / "census" / "openapi.yaml"
# `make fuzz-deep` raises this; the default keeps `make test` quick.
FUZZ_EXAMPLES = int(os.environ.get("OASKIT_FUZZ_EXAMPLES", "30"))


def test_census_dialect_passes_every_check_when_fuzzed_in_process(
    service: Service,
) -> None:
    """Examples, coverage, fuzzing and stateful phases: zero failures, zero errors."""
    app = service.app
    options = FuzzOptions(SPEC, headers=service.auth, max_examples=FUZZ_EXAMPLES, seed=20261123)
    report = run_fuzz(options, app=app)
    assert report.ok, format_report(report)
    assert report.cases > 100, format_report(report)
    seen = {stats.label: stats.statuses for stats in report.operations}
    # Each operation was reached with success responses, not only with rejections.
    assert 200 in seen["GET /api/v1/connectors"], format_report(report)
    assert 201 in seen["POST /api/v1/connectors"], format_report(report)
    assert 200 in seen["GET /api/v1/connectors/{service_name}"], format_report(report)
    assert 200 in seen["PATCH /api/v1/connectors/{service_name}"], format_report(report)
