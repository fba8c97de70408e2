"""JUnit XML and HTML renderings of fuzz reports of the items API."""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from items_api import SEED, SPEC, TOKEN, build_app

from oaskit.fuzz import FuzzOptions, FuzzReport, FuzzRun, format_html, format_junit, run_fuzz
from oaskit.fuzz._recorded import Redactor

MakeOptions = Callable[..., FuzzOptions]
SCRIPT = "<script>alert('x')</script>"
# A header the run is given whose name marks no credential: its value must not show either.
TRACE = ("X-Trace", "trace-7f3a9c")
REPLAY_ARGV = ("oaskit", "fuzz", "--spec", "items.json", "--url", "http://127.0.0.1:8000")


def test_writes_one_testcase_per_operation_when_rendering_junit(
    make_options: MakeOptions,
) -> None:
    report = run_fuzz(make_options(), app=build_app("server_error"))

    root = ET.fromstring(format_junit([FuzzRun("items", report, replay_argv=REPLAY_ARGV)]))

    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert list(cases) == ["POST /items", "DELETE /items/{id}", "GET /items/{id}"]
    assert suite.get("tests") == "3"
    assert suite.get("failures") == "1"
    assert suite.get("errors") == "0"
    assert root.find("testsuite/properties/property[@name='seed']").get("value") == str(SEED)  # type: ignore[union-attr]
    failures = cases["POST /items"].findall("failure")
    assert {failure.get("type") for failure in failures} == {
        "not_a_server_error",
        "status_code_conformance",
    }
    server_error = next(f for f in failures if f.get("type") == "not_a_server_error")
    assert server_error.get("message") == "[not_a_server_error] Server error"
    assert "curl -X POST" in (server_error.text or "")
    assert f"--seed {SEED} --include operation-id:createItem" in (server_error.text or "")
    assert TOKEN not in format_junit([FuzzRun("items", report)])
    assert cases["GET /items/{id}"].findall("failure") == []


def test_writes_run_testcase_when_errors_belong_to_no_operation() -> None:
    report = FuzzReport(
        ok=False,
        cases=0,
        operations=(),
        failures=(),
        errors=("interrupted before the run completed", "bad \x00 byte"),
        elapsed=0.5,
        seed=None,
    )

    root = ET.fromstring(format_junit([FuzzRun("items", report)]))

    (case,) = root.findall("testsuite/testcase")
    assert case.get("name") == "run"
    # XML 1.0 cannot carry NUL at all; it is spelled out instead.
    assert [error.text for error in case.findall("error")] == [
        "interrupted before the run completed",
        "bad \\u0000 byte",
    ]


def test_writes_a_suite_per_run_when_rendering_several_runs(make_options: MakeOptions) -> None:
    failing = run_fuzz(make_options(), app=build_app("server_error"))
    passing = run_fuzz(make_options(phases=("examples",)), app=build_app())

    root = ET.fromstring(format_junit([FuzzRun("first", failing), FuzzRun("second", passing)]))

    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == ["first", "second"]
    assert [suite.get("failures") for suite in suites] == ["1", "0"]
    assert root.get("tests") == "6"
    assert root.get("failures") == "1"


class _Page(HTMLParser):
    """Every tag the page opens with its attributes, and its text outside scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    def attributes(self, name: str) -> list[str]:
        return [
            value or "" for _, attrs in self.tags for key, value in attrs.items() if key == name
        ]


def parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    return parsed


def scripted_app() -> FastAPI:
    """The items API whose GET answers an `id` that is a `<script>` element, off its schema."""
    app = build_app()
    # Registered after build_app's routes, so the first GET route, build_app's, would win;
    # drop it so this one answers.
    app.router.routes = [
        route for route in app.router.routes if getattr(route, "name", "") != "get_item"
    ]

    @app.get("/items/{id}", response_model=None)
    def get_item(id: int) -> Any:
        return {"id": SCRIPT, "name": "x"}

    return app


def test_escapes_response_content_when_rendering_html(make_options: MakeOptions) -> None:
    report = run_fuzz(make_options(), app=scripted_app())
    # The precondition: the failure message quotes the planted element verbatim.
    assert any(SCRIPT in failure.message for failure in report.failures)

    page = format_html([FuzzRun("items <api>", report)], title="items <api>")

    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    parsed = parse(page)
    # One script, the page's own, inline; nothing is loaded from anywhere.
    assert [tag for tag, _ in parsed.tags].count("script") == 1
    assert parsed.attributes("src") == []
    assert all(href.startswith("#") for href in parsed.attributes("href"))
    assert "<title>items &lt;api&gt;</title>" in page


def test_shows_request_and_response_when_rendering_a_failure(make_options: MakeOptions) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", TRACE[0]: TRACE[1]}
    report = run_fuzz(make_options(headers=headers), app=build_app("server_error"))
    failure = next(f for f in report.failures if f.check == "not_a_server_error")

    page = format_html([FuzzRun("items", report, replay_argv=REPLAY_ARGV)], title="items")

    text = parse(page).text
    assert f"POST {failure.request.url if failure.request else ''}" in text
    assert "Authorization ***" in text
    assert "X-Trace ***" in text
    assert '{ "name": "" }' in text
    assert "500 Internal Server Error" in text
    assert "content-type application/json" in text
    assert '{ "detail": "boom" }' in text
    assert "curl -X POST -H 'Authorization: ***' -H 'X-Trace: ***'" in text
    assert (
        f"oaskit fuzz --spec items.json --url http://127.0.0.1:8000 --seed {SEED}"
        " --include operation-id:createItem"
    ) in text
    assert TOKEN not in page
    assert TRACE[1] not in page


def test_gives_every_copy_button_its_own_text_when_rendering_html(
    make_options: MakeOptions,
) -> None:
    report = run_fuzz(make_options(), app=build_app("server_error"))

    page = format_html(
        [FuzzRun("items", report, replay_argv=REPLAY_ARGV)],
        title="items",
        command="oaskit fuzz --spec items.json",
    )

    parsed = parse(page)
    targets = [attrs["data-copy"] for tag, attrs in parsed.tags if tag == "button"]
    ids = parsed.attributes("id")
    # The command, the run's replay, and per failure its curl and replay command.
    assert len(targets) == 2 + 2 * len(report.failures)
    assert len(ids) == len(set(ids))
    assert set(targets) <= set(ids)


def test_shows_run_context_when_rendering_html(make_options: MakeOptions) -> None:
    from importlib import metadata

    report = run_fuzz(make_options(), app=build_app("server_error"))
    assert report.started_at is not None

    page = format_html(
        [FuzzRun("items", report)], title="items", command="oaskit fuzz --token '***'"
    )

    text = parse(page).text
    assert f"oaskit {metadata.version('oaskit')}" in text
    assert f"schemathesis {metadata.version('schemathesis')}" in text
    assert report.started_at.strftime("%Y-%m-%d %H:%M:%S UTC") in text
    assert "oaskit fuzz --token '***'" in text
    assert f"Seed {SEED}" in text
    for phase in report.phases:
        assert f"{phase.name.capitalize()} {phase.status}" in text
    assert "Coverage failed" in text
    for check in report.checks:
        assert check in text
    assert {"not_a_server_error", "use_after_free"} <= set(report.checks)
    assert "max examples 10" in text
    for operation in report.operations:
        assert f"{operation.label.split()[1]} " in text
    assert re.search(r"Operation Result Cases 2xx Valid Valid 2xx (?:\d{3} )*500 Failures", text)


def test_shows_each_step_when_a_stateful_failure_spans_operations(
    make_options: MakeOptions,
) -> None:
    report = run_fuzz(make_options(), app=build_app("delete_keeps_item"))
    (failure,) = report.failures

    page = format_html([FuzzRun("items", report, replay_argv=REPLAY_ARGV)], title="items")

    text = parse(page).text
    # The shortest chain is POST, DELETE, GET; under load Hypothesis may keep a longer one
    # (a GET between them), so the ends and the DELETE are what is fixed.
    methods = [step.method for step in failure.steps]
    assert (methods[0], methods[-1]) == ("POST", "GET")
    assert "DELETE" in methods
    steps = " ".join(f"{step.method} {step.path}" for step in failure.steps)
    assert f"Steps of the stateful scenario {steps} checked" in text
    # Every step's command is in the one curl block, in order.
    assert " ".join(step.curl for step in failure.steps) in text
    # A replay runs every operation of the chain.
    assert f"--seed {SEED} --include operation-id:" in text
    for operation_id in ("createItem", "deleteItem", "getItem"):
        assert f"--include operation-id:{operation_id}" in text


def test_renders_each_run_in_its_own_section_when_given_several(
    make_options: MakeOptions,
) -> None:
    first = run_fuzz(make_options(), app=build_app("server_error"))
    second = run_fuzz(make_options(phases=("examples",)), app=build_app())

    page = format_html([FuzzRun("first", first), FuzzRun("second", second)], title="two")

    parsed = parse(page)
    assert [href for href in parsed.attributes("href") if "-" not in href] == ["#run1", "#run2"]
    assert {"run1", "run2"} <= set(parsed.attributes("id"))
    assert "first failed" in parsed.text
    assert "second passed" in parsed.text


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("curl -H 'X-Trace: abc' http://h/", "curl -H 'X-Trace: ***' http://h/"),
        (
            "curl -H 'X-Trace: it'\"'\"'s' -H 'Accept: */*' http://h/",
            "curl -H 'X-Trace: ***' -H 'Accept: */*' http://h/",
        ),
        ("curl -H $'X-Trace: a\\x01\\'b' http://h/", "curl -H 'X-Trace: ***' http://h/"),
        ("curl -H 'Cookie: id=1' http://h/", "curl -H 'Cookie: ***' http://h/"),
    ],
)
def test_masks_given_and_sensitive_headers_when_redacting_curl(command: str, expected: str) -> None:
    assert Redactor(headers=["x-trace"]).curl(command) == expected


def test_masks_userinfo_and_secrets_when_redacting_a_url() -> None:
    redactor = Redactor(secrets=["s3cr3t"])

    assert redactor.url("http://user:pw@h/a?q=s3cr3t") == "http://***@h/a?q=***"


def test_keeps_body_members_named_like_credentials_when_curl_is_shown(
    make_options: MakeOptions, tmp_path: Path
) -> None:
    """`author` is data, not a credential: masking it (`"author": "***"`) makes the curl lie."""
    spec = copy.deepcopy(SPEC)
    new_item = spec["components"]["schemas"]["NewItem"]
    new_item["required"] = ["name", "author"]
    new_item["properties"]["author"] = {"type": "string", "minLength": 1}
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(spec), encoding="utf-8")

    report = run_fuzz(
        make_options(spec_path=path, phases=("examples", "coverage", "fuzzing")),
        app=build_app("server_error"),
    )

    (server_error,) = [f for f in report.failures if f.check == "not_a_server_error"]
    assert '"author": "' in server_error.curl
    assert '"author": "***"' not in server_error.curl
    assert "-H 'Authorization: ***'" in server_error.curl
    assert TOKEN not in server_error.curl
