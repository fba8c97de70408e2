"""Schemathesis property tests of the Supermetrics dialect, in process, every check and phase."""

from __future__ import annotations

from pathlib import Path

from connectors_service.store import Store
from oaskit.fuzz import format_report, run_fuzz
from tests.service.conftest import Service
from tests.service.fuzz_options import project_options

SPEC = Path(__file__).resolve().parents[2] / "spec" / "supermetrics" / "openapi.yaml"
COLLECTION = "/v1/teams/{team_id}/connector_builder/connectors"
ITEM = f"{COLLECTION}/{{connector_identifier}}"


def test_supermetrics_dialect_passes_every_check_when_fuzzed_in_process(
    service: Service, store: Store
) -> None:
    """Examples, coverage, fuzzing and stateful phases: zero failures, zero errors."""
    principal = store.resolve_api_key(service.key)
    assert principal is not None
    # Every team but the key's own is 404, and the test organization's number depends on how
    # many organizations the database already holds (PostgreSQL is shared by the whole run):
    # every case sends the key's own team.
    options = project_options(
        SPEC, headers=service.auth, parameters={"team_id": principal.team_number}
    )
    report = run_fuzz(options, app=service.app)
    assert report.ok, format_report(report)
    assert report.cases > 100, format_report(report)
    seen = {stats.label: stats.statuses for stats in report.operations}
    # Each operation was reached with success responses, not only with rejections.
    assert 200 in seen[f"GET {COLLECTION}"], format_report(report)
    assert 201 in seen[f"POST {COLLECTION}"], format_report(report)
    assert 200 in seen[f"GET {ITEM}"], format_report(report)
    assert 204 in seen[f"PUT {ITEM}"], format_report(report)
    assert 204 in seen[f"DELETE {ITEM}"], format_report(report)
