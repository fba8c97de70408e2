"""JUnit XML and HTML renderings of fuzz reports of the items API."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from fastapi import FastAPI
from items_api import SEED, TOKEN, build_app

from oaskit.fuzz import FuzzOptions, FuzzReport, format_html, format_junit, run_fuzz

MakeOptions = Callable[..., FuzzOptions]
SCRIPT = "<script>alert('x')</script>"


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


def test_writes_one_testcase_per_operation_when_rendering_junit(
    make_options: MakeOptions,
) -> None:
    report = run_fuzz(make_options(), app=build_app("server_error"))

    root = ET.fromstring(format_junit(report, name="items"))

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
    assert f"--seed {SEED}" in (server_error.text or "")
    assert TOKEN not in format_junit(report, name="items")
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

    root = ET.fromstring(format_junit(report, name="items"))

    (case,) = root.findall("testsuite/testcase")
    assert case.get("name") == "run"
    # XML 1.0 cannot carry NUL at all; it is spelled out instead.
    assert [error.text for error in case.findall("error")] == [
        "interrupted before the run completed",
        "bad \\u0000 byte",
    ]


class _Collector(HTMLParser):
    """Every tag name the page opens, and every `src`/`href` it would load."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links.extend(value or "" for name, value in attrs if name in {"src", "href"})


def parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def test_escapes_response_content_when_rendering_html(make_options: MakeOptions) -> None:
    report = run_fuzz(make_options(), app=scripted_app())
    # The precondition: the failure message quotes the planted element verbatim.
    assert any(SCRIPT in failure.message for failure in report.failures)

    page = format_html(report, title="items <api>")

    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    parsed = parse(page)
    assert "script" not in parsed.tags
    assert parsed.links == []
    assert "<title>items &lt;api&gt;</title>" in page


def test_renders_table_failures_and_seed_when_rendering_html(make_options: MakeOptions) -> None:
    report = run_fuzz(make_options(), app=build_app("server_error"))

    page = format_html(report, title="items")

    assert page.startswith("<!DOCTYPE html>")
    assert "<th>operation</th><th>cases</th>" in page
    for operation in report.operations:
        assert f"<td>{operation.label}</td><td>{operation.cases}</td>" in page
    assert '<td class="s5">' in page
    assert '<span class="check">not_a_server_error</span>' in page
    assert "<pre>curl -X POST -H &#x27;Authorization: ***&#x27;" in page
    assert f"<dt>seed</dt><dd>{SEED}</dd>" in page
    assert f"<dt>cases</dt><dd>{report.cases}</dd>" in page
    assert TOKEN not in page
    assert "failed: " in page
