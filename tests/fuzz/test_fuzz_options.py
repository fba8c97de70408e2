"""Selection, pacing, time budget and progress of `oaskit.fuzz` runs against the items API."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from items_api import SPEC, TOKEN, build_app

from oaskit.fuzz import (
    FuzzOptions,
    FuzzUsageError,
    OperationFilter,
    format_report,
    parse_operation_filter,
    run_fuzz,
)

MakeOptions = Callable[..., FuzzOptions]
POST, GET, DELETE = "POST /items", "GET /items/{id}", "DELETE /items/{id}"


def labels(options: FuzzOptions, app: FastAPI | None = None) -> list[str]:
    report = run_fuzz(options, app=app or build_app())
    assert report.ok, format_report(report)
    return [operation.label for operation in report.operations]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("getItem", OperationFilter("operation-id", "getItem")),
        ("operation-id:getItem", OperationFilter("operation-id", "getItem")),
        ("path:/items/{id}", OperationFilter("path", "/items/{id}")),
        ("tag: items ", OperationFilter("tag", "items")),
    ],
)
def test_parses_filter_when_form_is_known(text: str, expected: OperationFilter) -> None:
    assert parse_operation_filter(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("method:GET", r"is not KIND:VALUE with KIND one of operation-id, path, tag"),
        ("tag:", r"has an empty value"),
        ("path:items", r"a path starts with '/'"),
    ],
)
def test_raises_usage_error_when_filter_form_is_bad(text: str, message: str) -> None:
    with pytest.raises(FuzzUsageError, match=message):
        parse_operation_filter(text)


def test_fuzzes_only_included_operation_when_include_names_its_id(
    make_options: MakeOptions,
) -> None:
    options = make_options(include=(parse_operation_filter("getItem"),))

    assert labels(options) == [GET]


def test_skips_operations_when_exclude_names_their_path(make_options: MakeOptions) -> None:
    options = make_options(exclude=(parse_operation_filter("path:/items/{id}"),))

    assert labels(options) == [POST]


def test_selects_by_tag_when_operations_are_tagged(
    tmp_path: Path, make_options: MakeOptions
) -> None:
    spec: dict[str, Any] = json.loads(json.dumps(SPEC))
    spec["paths"]["/items"]["post"]["tags"] = ["write"]
    spec["paths"]["/items/{id}"]["delete"]["tags"] = ["write"]
    spec["paths"]["/items/{id}"]["get"]["tags"] = ["read"]
    path = tmp_path / "tagged.json"
    path.write_text(json.dumps(spec))
    # Includes are alternatives, excludes win over them.
    options = make_options(
        spec_path=path,
        include=(parse_operation_filter("tag:write"), parse_operation_filter("getItem")),
        exclude=(parse_operation_filter("deleteItem"),),
    )

    assert labels(options) == [POST, GET]


def test_raises_usage_error_when_filter_matches_no_operation(make_options: MakeOptions) -> None:
    options = make_options(include=(parse_operation_filter("getItems"),))

    with pytest.raises(FuzzUsageError) as refused:
        run_fuzz(options, app=build_app())

    assert str(refused.value) == (
        "--include operation-id:getItems matches no operation in the spec"
        " (known operation-ids: createItem, deleteItem, getItem)"
    )


def test_raises_usage_error_when_filters_leave_nothing(make_options: MakeOptions) -> None:
    options = make_options(
        include=(parse_operation_filter("getItem"),),
        exclude=(parse_operation_filter("path:/items/{id}"),),
    )

    with pytest.raises(FuzzUsageError, match=r"^--include/--exclude leave no operation to fuzz$"):
        run_fuzz(options, app=build_app())


@pytest.mark.parametrize("rate", ["0/s", "10/w", "fast", "10", "/s"])
def test_raises_usage_error_when_rate_limit_is_malformed(
    make_options: MakeOptions, rate: str
) -> None:
    with pytest.raises(FuzzUsageError, match=rf"^invalid rate limit '{rate}': expected auto or "):
        make_options(rate_limit=rate)


def throttled_app(calls: list[int]) -> FastAPI:
    """The items API, except that every other GET with the token answers 429, `Retry-After: 0`.

    Requests with missing or wrong credentials pass: schemathesis sends them for `ignored_auth`
    and does not wait out a 429 on those, so they would fail that check instead.
    """
    app = build_app()

    @app.middleware("http")
    async def throttle(request: Any, call_next: Any) -> Response:
        if request.method == "GET" and request.headers.get("authorization") == f"Bearer {TOKEN}":
            calls.append(1)
            if len(calls) % 2:
                return JSONResponse({"detail": "slow down"}, 429, headers={"Retry-After": "0"})
        response: Response = await call_next(request)
        return response

    return app


def spec_with_429(tmp_path: Path) -> Path:
    spec: dict[str, Any] = json.loads(json.dumps(SPEC))
    spec["paths"]["/items/{id}"]["get"]["responses"]["429"] = {"description": "Too many"}
    path = tmp_path / "with-429.json"
    path.write_text(json.dumps(spec))
    return path


def test_retries_after_429_when_rate_limit_is_auto(
    tmp_path: Path, make_options: MakeOptions
) -> None:
    calls: list[int] = []
    options = make_options(spec_path=spec_with_429(tmp_path), phases=("examples", "coverage"))

    report = run_fuzz(options, app=throttled_app(calls))

    get_item = next(operation for operation in report.operations if operation.label == GET)
    # Each 429 was waited out and the request sent again; the case records the final answer.
    assert report.ok, format_report(report)
    assert 429 not in get_item.statuses
    assert len(calls) > get_item.cases


def test_keeps_429_when_rate_limit_is_a_fixed_rate(
    tmp_path: Path, make_options: MakeOptions
) -> None:
    calls: list[int] = []
    options = make_options(
        spec_path=spec_with_429(tmp_path), phases=("examples", "coverage"), rate_limit="1000/s"
    )

    report = run_fuzz(options, app=throttled_app(calls))

    get_item = next(operation for operation in report.operations if operation.label == GET)
    # Not retried: the 429 is the answer the case records.
    assert get_item.statuses[429] > 0


def test_paces_requests_when_rate_limit_is_a_fixed_rate(
    make_options: MakeOptions, live_url: str
) -> None:
    rate = 5
    options = make_options(
        base_url=live_url,
        rate_limit=f"{rate}/s",
        phases=("coverage",),
        include=(parse_operation_filter("getItem"),),
    )

    report = run_fuzz(options)

    # No more than `rate` requests in any second: the cases past the first second's allowance
    # cannot have gone out faster than that.
    assert report.cases > 2 * rate
    assert report.elapsed >= (report.cases - rate) / rate * 0.9


def test_stops_early_when_max_time_runs_out(make_options: MakeOptions) -> None:
    slow = build_app()

    @slow.middleware("http")
    async def delay(request: Any, call_next: Any) -> Response:
        import asyncio

        await asyncio.sleep(0.05)
        response: Response = await call_next(request)
        return response

    report = run_fuzz(make_options(max_examples=500, max_time=1), app=slow)

    assert report.stopped_early == "Time limit reached"
    assert report.elapsed < 30
    assert format_report(report).splitlines()[-1].endswith(", stopped early: time limit reached")


def test_draws_progress_line_when_given_a_stream(make_options: MakeOptions) -> None:
    stream = io.StringIO()

    report = run_fuzz(make_options(), app=build_app(), progress=stream)

    text = stream.getvalue()
    assert "fuzz [examples] " in text
    assert "/3 operations" in text
    assert f"{report.cases} cases" in text or "cases" in text
    # The last write erases the line, so the report that follows starts on a clean one.
    assert text.endswith("\r\x1b[K")
    assert "\n" not in text
