"""Fuzz runs as JUnit XML for CI: a suite per run, a test case per operation, a failure each."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from oaskit.fuzz._report import LOW_SUCCESS_SHARE, FuzzFailure, FuzzRun, format_share

# Failures and errors that belong to no single operation are filed under this test case.
RUN_CASE = "run"
# Characters XML 1.0 cannot carry at all (section 2.2 `Char`), not even as references, and lone
# surrogates, which UTF-8 cannot encode; response bodies and curl commands can hold either.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def format_junit(runs: Sequence[FuzzRun]) -> str:
    """Render `runs` as one JUnit XML document, a test suite per run named after it."""
    reports = [run.report for run in runs]
    suites = [_suite(run) for run in runs]
    root = ET.Element(
        "testsuites",
        {
            "name": "oaskit fuzz",
            "tests": str(sum(int(suite.get("tests", "0")) for suite in suites)),
            "failures": str(sum(int(suite.get("failures", "0")) for suite in suites)),
            "errors": str(sum(int(suite.get("errors", "0")) for suite in suites)),
            "time": f"{sum(report.elapsed for report in reports):.3f}",
        },
    )
    root.extend(suites)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'


def _suite(run: FuzzRun) -> ET.Element:
    report, name = run.report, run.name
    labels = {operation.label for operation in report.operations}
    failures: dict[str, list[FuzzFailure]] = {}
    for failure in report.failures:
        owner = failure.operation if failure.operation in labels else RUN_CASE
        failures.setdefault(owner, []).append(failure)
    errors: dict[str, list[str]] = {}
    for error in report.errors:
        # The collector writes "<operation label>: <message>" for an operation's errors.
        label, sep, _ = error.partition(": ")
        errors.setdefault(label if sep and label in labels else RUN_CASE, []).append(error)

    cases = [(operation.label, operation.elapsed) for operation in report.operations]
    if RUN_CASE in failures or RUN_CASE in errors:
        cases.append((RUN_CASE, 0.0))
    totals = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for label, _ in cases if label in failures)),
        "errors": str(sum(1 for label, _ in cases if label in errors)),
        "skipped": "0",
        "time": f"{report.elapsed:.3f}",
    }
    attributes = {"name": _clean(name), **totals}
    if report.started_at is not None:
        # The JUnit XSD's `timestamp`: ISO 8601 without a zone; ours is UTC.
        attributes["timestamp"] = report.started_at.strftime("%Y-%m-%dT%H:%M:%S")
    suite = ET.Element("testsuite", attributes)
    properties = ET.SubElement(suite, "properties")
    seed = str(report.seed) if report.seed is not None else ""
    ET.SubElement(properties, "property", {"name": "seed", "value": seed})
    ET.SubElement(properties, "property", {"name": "cases", "value": str(report.cases)})
    if report.spec:
        ET.SubElement(properties, "property", {"name": "spec", "value": _clean(report.spec)})
    if report.base_url:
        ET.SubElement(
            properties, "property", {"name": "base_url", "value": _clean(report.base_url)}
        )
    if report.stopped_early:
        ET.SubElement(properties, "property", {"name": "stopped", "value": report.stopped_early})
    # One property per item, in the report's order: JUnit readers list properties as written.
    for item in report.withheld:
        ET.SubElement(properties, "property", {"name": "not_fetched", "value": _clean(item)})
    stats = {operation.label: operation for operation in report.operations}
    for label, elapsed in cases:
        testcase = ET.SubElement(
            suite,
            "testcase",
            {"classname": _clean(name), "name": _clean(label), "time": f"{elapsed:.3f}"},
        )
        # A test case holds its failures before `system-out` (the JUnit XSD's element order).
        for failure in failures.get(label, ()):
            element = ET.SubElement(
                testcase,
                "failure",
                {"type": failure.check, "message": _clean(f"[{failure.check}] {failure.title}")},
            )
            element.text = _clean(_failure_text(run, failure))
        for error in errors.get(label, ()):
            first_line = error.splitlines()[0] if error else ""
            element = ET.SubElement(testcase, "error", {"message": _clean(first_line)})
            element.text = _clean(error)
        operation = stats.get(label)
        if operation is not None:
            seen = ", ".join(f"{code}: {count}" for code, count in operation.statuses.items())
            out = ET.SubElement(testcase, "system-out")
            lines = [
                f"{operation.cases} cases; {operation.successes} answered 2xx"
                f" ({format_share(operation)}); {operation.valid_successes} of"
                f" {operation.valid_cases} valid cases answered 2xx; statuses {seen or 'none'}"
            ]
            if operation.success_rarely_reached:
                lines.append(
                    f"warning: fewer than {LOW_SUCCESS_SHARE:.0%} of the cases answered 2xx;"
                    " checks here mostly judged refusals"
                )
            out.text = "\n".join(lines)
    return suite


def _failure_text(run: FuzzRun, failure: FuzzFailure) -> str:
    parts = [f"{failure.title}\n\n{failure.message}"]
    if failure.curl:
        parts.append(f"Reproduce with:\n{failure.curl}")
    replay = run.replay(failure)
    if replay is not None:
        parts.append(f"Replay with:\n{replay}")
    elif run.report.seed is not None:
        parts.append(f"Replay the run with --seed {run.report.seed}")
    return "\n\n".join(parts)


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
