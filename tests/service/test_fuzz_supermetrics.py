"""Schemathesis property tests of the Supermetrics dialect, in process, every check and phase."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

from connectors_service.store import Store
from oaskit.fuzz import FuzzOptions, format_report, run_fuzz
from tests.service.conftest import Service

SPEC = Path(__file__).resolve().parents[2] / "spec" / "supermetrics" / "openapi.yaml"
# `make fuzz-deep` raises this; the default keeps `make test` quick.
FUZZ_EXAMPLES = int(os.environ.get("OASKIT_FUZZ_EXAMPLES", "30"))
COLLECTION = "/v1/teams/{team_id}/connector_builder/connectors"
ITEM = f"{COLLECTION}/{{connector_identifier}}"


def spec_for_team(team: int, folder: Path) -> Path:
    """A copy of the spec in `folder` whose `team_id` example is `team`, and nothing else changed.

    Every team but the key's own is 404, and the test organization's number depends on how many
    organizations the database already holds (PostgreSQL is shared by the whole run). The
    example is what schemathesis draws known-good values from, so it must name the key's team;
    `FuzzOptions` has no parameter override that would do this without a copy.
    """
    copy = folder / "supermetrics"
    shutil.copytree(SPEC.parent, copy)
    parameter = copy / "components" / "parameters" / "TeamId.yaml"
    document = yaml.safe_load(parameter.read_text())
    document["example"] = team
    parameter.write_text(yaml.safe_dump(document, sort_keys=False))
    return copy / "openapi.yaml"


def test_supermetrics_dialect_passes_every_check_when_fuzzed_in_process(
    service: Service, store: Store, tmp_path: Path
) -> None:
    """Examples, coverage, fuzzing and stateful phases: zero failures, zero errors."""
    principal = store.resolve_api_key(service.key)
    assert principal is not None
    spec = spec_for_team(principal.team_number, tmp_path)
    options = FuzzOptions(spec, headers=service.auth, max_examples=FUZZ_EXAMPLES, seed=20261123)
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
