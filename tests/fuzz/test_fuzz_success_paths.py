"""How often a run reaches success paths, and the options that let it: pinned parameters, fresh
values, current entity tags; and the user's own checks, loaded from a module."""

from __future__ import annotations

import dataclasses
import json
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest
from team_notes_api import SPEC, TEAM, TOKEN, build_app

from oaskit.fuzz import (
    FreshTarget,
    FuzzOptions,
    FuzzReport,
    FuzzRun,
    FuzzUsageError,
    OperationStats,
    format_html,
    format_junit,
    format_report,
    run_fuzz,
)
from oaskit.fuzz._checks import module_checks

CREATE, UPDATE = "POST /teams/{team_id}/notes", "PUT /teams/{team_id}/notes/{id}"
DELETE = "DELETE /teams/{team_id}/notes/{id}"
SEED = 20261123


@pytest.fixture
def notes_spec(tmp_path: Path) -> Path:
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(SPEC), encoding="utf-8")
    return path


def options(spec: Path, **overrides: object) -> FuzzOptions:
    values: dict[str, object] = {
        "headers": {"Authorization": f"Bearer {TOKEN}"},
        "max_examples": 15,
        "seed": SEED,
        "mode": "positive",
        **overrides,
    }
    return FuzzOptions(spec, **values)  # type: ignore[arg-type]


def share(report: FuzzReport, label: str) -> float:
    [operation] = [item for item in report.operations if item.label == label]
    assert operation.success_share is not None
    return operation.success_share


def stats(label: str, cases: int, statuses: dict[int, int]) -> OperationStats:
    return OperationStats(label=label, cases=cases, statuses=MappingProxyType(statuses))


def report_of(*operations: OperationStats) -> FuzzReport:
    return FuzzReport(
        ok=True,
        cases=sum(operation.cases for operation in operations),
        operations=operations,
        failures=(),
        errors=(),
        elapsed=1.0,
        seed=1,
    )


# --- the share of 2xx answers and the warning ------------------------------------------------


def test_counts_every_2xx_status_as_success_when_computing_the_share() -> None:
    operation = stats("PUT /a", 40, {200: 3, 204: 1, 304: 2, 412: 34})

    assert operation.successes == 4
    assert operation.success_share == pytest.approx(0.1)
    assert not operation.success_rarely_reached


def test_has_no_share_and_no_warning_when_an_operation_had_no_case() -> None:
    operation = stats("GET /a", 0, {})

    assert operation.success_share is None
    assert not operation.success_rarely_reached


def test_shows_share_column_and_warns_when_success_path_is_rarely_reached() -> None:
    report = report_of(stats("POST /a", 100, {201: 9, 422: 91}), stats("GET /a", 4, {200: 4}))

    text = format_report(report)

    table = text.splitlines()
    assert table[0].split()[:3] == ["operation", "cases", "2xx"]
    assert table[1].split()[:4] == ["POST", "/a", "100", "9%"]
    assert table[2].split()[:4] == ["GET", "/a", "4", "100%"]
    assert "warning: 1 operation answered 2xx to fewer than 10% of their cases" in text
    assert "   POST /a: 9 of 100 (9%)" in text
    assert "GET /a:" not in text


def test_shows_how_often_valid_cases_succeeded_beside_the_share_of_all_cases() -> None:
    operation = dataclasses.replace(
        stats("PUT /a", 100, {200: 20, 400: 80}), valid_cases=25, valid_successes=20
    )

    [_, row] = format_report(report_of(operation)).splitlines()[:2]

    assert row.split()[:6] == ["PUT", "/a", "100", "20%", "25", "80%"]


def test_counts_valid_cases_and_their_successes_when_a_run_mixes_modes(notes_spec: Path) -> None:
    report = run_fuzz(
        options(notes_spec, mode="all", parameters={"team_id": TEAM}), app=build_app()
    )

    [create] = [item for item in report.operations if item.label == CREATE]
    assert 0 < create.valid_cases < create.cases
    # Invalid bodies are refused; an invalid case the app does not check may still succeed.
    assert 0 < create.valid_successes <= create.successes


def test_does_not_warn_when_every_operation_reaches_its_success_path_often_enough() -> None:
    text = format_report(report_of(stats("POST /a", 10, {201: 1, 422: 9})))

    assert "warning" not in text


def test_reports_share_and_warning_in_junit_and_html_too() -> None:
    run = FuzzRun("api", report_of(stats("POST /a", 200, {201: 1, 400: 199})))

    [system_out] = [
        node.text or "" for node in ET.fromstring(format_junit([run])).iter("system-out")
    ]
    page = format_html([run], title="api")

    assert "1 answered 2xx (<1%)" in system_out
    assert "warning: fewer than 10% of the cases answered 2xx" in system_out
    assert "<th>2xx</th>" in page
    assert '<td class="rare">&lt;1%</td>' in page
    assert "POST /a: 1 of 200 (&lt;1%)" in page


# --- pinned parameters, fresh values, current entity tags ------------------------------------


def test_rarely_reaches_success_paths_when_run_sends_the_spec_examples(notes_spec: Path) -> None:
    report = run_fuzz(options(notes_spec), app=build_app())

    # The example team does not exist: creating is 404, so nothing is there to update.
    assert share(report, CREATE) < 0.1
    assert {operation.label for operation in report.rarely_succeeding} >= {CREATE, UPDATE}
    assert "warning:" in format_report(report)


def test_reaches_success_paths_when_parameters_are_pinned_and_values_kept_current(
    notes_spec: Path,
) -> None:
    tuned = options(
        notes_spec,
        parameters={"team_id": TEAM},
        fresh=(FreshTarget.parse("header:Idempotency-Key"),),
        track_etags=True,
    )

    report = run_fuzz(tuned, app=build_app())

    assert report.ok, format_report(report)
    for label in (CREATE, UPDATE, DELETE):
        assert share(report, label) >= 0.3, format_report(report)
    assert report.rarely_succeeding == (), format_report(report)


def test_reuses_the_example_key_and_tag_when_neither_option_is_given(notes_spec: Path) -> None:
    pinned = options(notes_spec, parameters={"path.team_id": TEAM})

    report = run_fuzz(pinned, app=build_app())

    [create] = [item for item in report.operations if item.label == CREATE]
    [update] = [item for item in report.operations if item.label == UPDATE]
    # The example Idempotency-Key with a new body is 422; the example If-Match is 412.
    assert create.statuses.get(422, 0) > 0, format_report(report)
    assert update.statuses.get(412, 0) > 0, format_report(report)


def test_sends_a_new_key_in_every_case_when_the_header_is_fresh(notes_spec: Path) -> None:
    fresh = options(
        notes_spec,
        parameters={"team_id": TEAM},
        fresh=(FreshTarget.parse("createNote=header:Idempotency-Key"),),
    )

    report = run_fuzz(fresh, app=build_app())

    [create] = [item for item in report.operations if item.label == CREATE]
    assert 422 not in create.statuses, format_report(report)


@pytest.mark.parametrize(
    ("text", "header", "pointer", "operation"),
    [
        ("header:Idempotency-Key", "Idempotency-Key", None, None),
        ("body:/connector/service_name", None, ("connector", "service_name"), None),
        ("body:/a~1b/0/c~0d", None, ("a/b", "0", "c~d"), None),
        ("createNote=header:X-Key", "X-Key", None, "createNote"),
    ],
)
def test_parses_fresh_targets_when_they_are_well_formed(
    text: str, header: str | None, pointer: tuple[str, ...] | None, operation: str | None
) -> None:
    target = FreshTarget.parse(text)

    assert (target.header, target.pointer, target.operation_id) == (header, pointer, operation)


@pytest.mark.parametrize("text", ["Idempotency-Key", "header:", "body:a", "query:x", "=header:X"])
def test_refuses_fresh_target_when_it_is_malformed(text: str) -> None:
    with pytest.raises(FuzzUsageError, match="invalid fresh target") as caught:
        FreshTarget.parse(text)

    assert caught.value.option == "fresh"


@pytest.mark.parametrize("key", ["", "path.", "  "])
def test_refuses_pinned_parameter_when_its_key_is_empty(notes_spec: Path, key: str) -> None:
    with pytest.raises(FuzzUsageError, match="invalid parameter"):
        options(notes_spec, parameters={key: 1})


# --- the user's own checks ---------------------------------------------------------------------


@pytest.fixture
def check_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A module in the working directory whose check fails on every created note."""
    name = f"notes_checks_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(
        textwrap.dedent(
            """
            import schemathesis

            @schemathesis.check
            def no_note_is_created(ctx, response, case):
                if response.status_code == 201:
                    raise AssertionError("a note was created")
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    yield name
    # The registry is process-wide; later tests must not see this check registered.
    from schemathesis.checks import CHECKS

    for check in module_checks((name,)):
        CHECKS.unregister(check)
    sys.modules.pop(name, None)


def test_runs_the_checks_of_a_named_module_when_it_is_given(
    notes_spec: Path, check_module: str
) -> None:
    tuned = options(notes_spec, parameters={"team_id": TEAM}, check_modules=(check_module,))

    report = run_fuzz(tuned, app=build_app())

    assert "no_note_is_created" in report.checks
    assert {failure.check for failure in report.failures} == {"no_note_is_created"}
    assert report.failures[0].message == "a note was created"


def test_leaves_a_loaded_module_out_when_a_later_run_does_not_name_it(
    notes_spec: Path, check_module: str
) -> None:
    run_fuzz(
        options(notes_spec, parameters={"team_id": TEAM}, check_modules=(check_module,)),
        app=build_app(),
    )

    report = run_fuzz(options(notes_spec, parameters={"team_id": TEAM}), app=build_app())

    assert "no_note_is_created" not in report.checks
    assert report.ok, format_report(report)


def test_accepts_a_module_check_by_name_when_checks_are_listed(
    notes_spec: Path, check_module: str
) -> None:
    tuned = options(
        notes_spec,
        parameters={"team_id": TEAM},
        check_modules=(check_module,),
        checks=("no_note_is_created",),
    )

    assert run_fuzz(tuned, app=build_app()).checks == ("no_note_is_created",)


def test_refuses_a_module_that_cannot_be_imported(notes_spec: Path) -> None:
    with pytest.raises(FuzzUsageError, match="cannot import check module 'no_such_module_x'"):
        options(notes_spec, check_modules=("no_such_module_x",))


def test_keeps_u0000_out_of_generated_strings_when_asked() -> None:
    from oaskit.fuzz._config import build_config

    spec = Path("openapi.json")
    allowed = build_config(FuzzOptions(spec), base_url="http://127.0.0.1")
    refused = build_config(FuzzOptions(spec, allow_nul=False), base_url="http://127.0.0.1")

    assert allowed.projects.override.generation.allow_x00 is True
    assert refused.projects.override.generation.allow_x00 is False
