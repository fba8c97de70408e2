"""Behaviour of `oaskit.fuzz` against a tiny items API, correct and with planted defects."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from items_api import ITEM_SCHEMA, NEW_ITEM_SCHEMA, PATHS, SEED, SPEC, TOKEN, Defect, build_app

import oaskit.fuzz
from oaskit.fuzz import FuzzOptions, FuzzReport, FuzzUsageError, format_report, run_fuzz

MakeOptions = Callable[..., FuzzOptions]


POST, GET, DELETE = "POST /items", "GET /items/{id}", "DELETE /items/{id}"
OPERATIONS = (POST, GET, DELETE)


def failed_checks(report: FuzzReport, operation: str) -> set[str]:
    return {failure.check for failure in report.failures if failure.operation == operation}


def test_exports_a_sorted_public_api_when_imported() -> None:
    assert oaskit.fuzz.__all__ == sorted(oaskit.fuzz.__all__)
    assert all(hasattr(oaskit.fuzz, name) for name in oaskit.fuzz.__all__)


def test_reports_ok_when_app_matches_spec_in_process(make_options: MakeOptions) -> None:
    report = run_fuzz(make_options(), app=build_app())

    assert report.failures == ()
    assert report.errors == ()
    assert report.ok
    assert report.seed == SEED
    assert [operation.label for operation in report.operations] == [POST, DELETE, GET]
    assert report.cases == sum(operation.cases for operation in report.operations) > 0
    get_item = report.operations[2]
    # 200 from valid ids, 401 from the ignored_auth check; which other statuses the generated
    # ids reach depends on the data hypothesis draws, so they are not asserted.
    assert {200, 401}.issubset(get_item.statuses)


def test_reports_ok_when_app_matches_spec_over_a_socket(
    make_options: MakeOptions, live_url: str
) -> None:
    report = run_fuzz(make_options(base_url=live_url))

    assert report.failures == ()
    assert report.errors == ()
    assert report.ok
    assert report.cases > 0


def test_resolves_relative_refs_when_spec_spans_files(
    tmp_path: Path, make_options: MakeOptions
) -> None:
    (tmp_path / "paths").mkdir()
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "schemas.yaml").write_text(
        yaml.safe_dump({"Item": ITEM_SCHEMA, "NewItem": NEW_ITEM_SCHEMA})
    )
    # References inside the split files point at the sibling schemas file, not at `#/components`.
    paths = json.loads(
        json.dumps(PATHS).replace("#/components/schemas/", "../components/schemas.yaml#/")
    )
    (tmp_path / "paths" / "items.yaml").write_text(yaml.safe_dump(paths))
    root = {
        **{key: value for key, value in SPEC.items() if key != "components"},
        "paths": {path: {"$ref": f"paths/items.yaml#/{_escape(path)}"} for path in PATHS},
        "components": {"securitySchemes": SPEC["components"]["securitySchemes"]},
    }
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(yaml.safe_dump(root))

    report = run_fuzz(make_options(spec_path=spec_path), app=build_app("body_off_schema"))

    # The planted body defect is only visible once the response schema in the third file resolves.
    assert report.errors == ()
    assert "response_schema_conformance" in failed_checks(report, "GET /items/{id}")


@pytest.mark.parametrize(
    ("defect", "operation", "checks"),
    [
        ("server_error", POST, {"not_a_server_error", "status_code_conformance"}),
        ("body_off_schema", GET, {"response_schema_conformance"}),
        ("ignores_auth", GET, {"ignored_auth", "missing_required_header"}),
        ("undocumented_status", POST, {"status_code_conformance", "positive_data_acceptance"}),
        # schemathesis files a read after a successful delete under the DELETE that freed it.
        ("delete_keeps_item", DELETE, {"use_after_free"}),
    ],
)
def test_reports_failure_when_app_has_planted_defect(
    make_options: MakeOptions, defect: Defect, operation: str, checks: set[str]
) -> None:
    report = run_fuzz(make_options(), app=build_app(defect))

    assert not report.ok
    assert failed_checks(report, operation) == checks
    # The defect is confined to one operation; the others stay clean.
    for other in set(OPERATIONS) - {operation}:
        assert failed_checks(report, other) == set()


def test_refuses_spec_when_a_ref_does_not_resolve(
    tmp_path: Path, make_options: MakeOptions
) -> None:
    spec = json.loads(json.dumps(SPEC))
    response = spec["paths"]["/items/{id}"]["get"]["responses"]["200"]
    response["content"]["application/json"]["schema"] = {"$ref": "./missing.yaml#/Item"}
    spec_path = tmp_path / "broken.json"
    spec_path.write_text(json.dumps(spec))

    # schemathesis alone would only warn and skip validating that response; oaskit bundles the
    # spec first and refuses it, naming the file and position of the broken `$ref`.
    with pytest.raises(FuzzUsageError) as refused:
        run_fuzz(make_options(spec_path=spec_path), app=build_app())

    message = str(refused.value)
    assert f"{spec_path}:1:" in message
    assert "missing.yaml: cannot read file" in message


def test_reports_error_when_app_raises_in_process(make_options: MakeOptions) -> None:
    app = FastAPI()

    @app.get("/items/{id}")
    def get_item(id: int) -> None:
        raise RuntimeError("kaboom")

    report = run_fuzz(make_options(phases=("examples",)), app=app)

    # In process the exception reaches schemathesis instead of becoming a 500 on a socket.
    assert not report.ok
    assert any("kaboom" in error for error in report.errors)


def test_reports_each_failure_once_when_it_repeats(make_options: MakeOptions) -> None:
    report = run_fuzz(make_options(), app=build_app("body_off_schema"))

    keys = [(failure.operation, failure.check, failure.message) for failure in report.failures]
    assert len(keys) == len(set(keys))
    # Every 200 breaks the schema in the same two ways; each way is reported once.
    get_item = report.operations[2]
    assert get_item.label == GET
    assert get_item.statuses[200] > 2
    assert len(report.failures) == 2


def test_runs_only_selected_checks_when_checks_are_given(make_options: MakeOptions) -> None:
    report = run_fuzz(
        make_options(checks=("not_a_server_error",)), app=build_app("body_off_schema")
    )

    assert report.ok
    assert report.failures == ()


def test_redacts_token_when_failure_carries_curl(make_options: MakeOptions) -> None:
    report = run_fuzz(make_options(), app=build_app("server_error"))
    failure = next(f for f in report.failures if f.check == "not_a_server_error")

    assert failure.curl.startswith("curl ")
    assert "Authorization: ***" in failure.curl
    assert TOKEN not in failure.curl
    assert TOKEN not in format_report(report)


def test_formats_table_failures_and_verdict_when_run_fails(make_options: MakeOptions) -> None:
    report = run_fuzz(make_options(), app=build_app("server_error"))
    text = format_report(report)
    lines = text.splitlines()

    assert lines[0].split()[:2] == ["operation", "cases"]
    assert "500" in lines[0].split()
    assert [" ".join(line.split()[:2]) for line in lines[1:4]] == [POST, DELETE, GET]
    assert "[not_a_server_error] Server error" in text
    assert lines[-1] == (
        f"fuzz: {len(report.failures)} failures, {report.cases} cases, 3 operations, seed {SEED}"
    )


def test_formats_clean_verdict_when_run_passes(make_options: MakeOptions) -> None:
    report = run_fuzz(make_options(), app=build_app())

    assert format_report(report).splitlines()[-1] == (
        f"fuzz: 0 failures, {report.cases} cases, 3 operations, seed {SEED}"
    )


def test_raises_usage_error_when_server_is_unreachable(
    make_options: MakeOptions, free_url: str
) -> None:
    with pytest.raises(FuzzUsageError, match=rf"^cannot reach {free_url}: connection refused$"):
        run_fuzz(make_options(base_url=free_url))


def test_raises_usage_error_when_check_is_unknown(make_options: MakeOptions) -> None:
    with pytest.raises(FuzzUsageError, match=r"^unknown check no_such_check \(known: .*\)$"):
        make_options(checks=("not_a_server_error", "no_such_check"))


def test_raises_usage_error_when_phase_is_unknown(make_options: MakeOptions) -> None:
    with pytest.raises(FuzzUsageError, match=r"^unknown phase warmup "):
        make_options(phases=("examples", "warmup"))


def test_raises_usage_error_when_neither_url_nor_app_is_given(make_options: MakeOptions) -> None:
    with pytest.raises(FuzzUsageError, match="nothing to fuzz"):
        run_fuzz(make_options())


def test_raises_usage_error_when_spec_file_is_missing(
    tmp_path: Path, make_options: MakeOptions
) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(FuzzUsageError, match=r"^cannot read spec .*nope\.yaml: no such file"):
        run_fuzz(make_options(spec_path=missing), app=build_app())


def test_hides_headers_when_options_are_printed(make_options: MakeOptions) -> None:
    assert TOKEN not in repr(make_options())


def _escape(path: str) -> str:
    # JSON Pointer (RFC 6901 section 3): "~" and "/" inside a key become "~0" and "~1".
    return path.replace("~", "~0").replace("/", "~1")
