"""Broken specs in `cases/<name>/`, each with its expected findings as a text snapshot.

Every case is linted with all rules selected and inline ignores honoured; `expected.txt` is the
text output without colour, paths relative to the case folder. `OASKIT_UPDATE_GOLDEN=1`
(`make golden`) rewrites the snapshots.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from oaskit.config import LintConfig
from oaskit.lint import CHECKS, lint_spec, registry, render

CASES = Path(__file__).parent / "cases"
NAMES = sorted(path.name for path in CASES.iterdir() if (path / "openapi.yaml").is_file())
UPDATE = os.environ.get("OASKIT_UPDATE_GOLDEN") == "1"


def lint_case(folder: Path) -> str:
    """The text report for the case in `folder`, every rule selected."""
    config = LintConfig(select=("ALL",), root=folder)
    findings = lint_spec(folder / "openapi.yaml", config=config)
    return render(findings, format="text", root=folder)


@pytest.mark.parametrize("name", NAMES)
def test_reports_expected_findings_when_linting_case(name: str) -> None:
    folder = CASES / name
    actual = lint_case(folder)
    expected = folder / "expected.txt"
    if UPDATE:
        expected.write_text(actual, encoding="utf-8")
    assert expected.is_file(), f"no snapshot; run `make golden` to write {expected}"

    assert actual == expected.read_text(encoding="utf-8")


def test_finds_nothing_when_case_is_the_clean_base() -> None:
    assert lint_case(CASES / "clean") == ""


def test_covers_every_rule_and_check_when_cases_are_snapshotted() -> None:
    reported: set[str] = set()
    for name in NAMES:
        text = (CASES / name / "expected.txt").read_text(encoding="utf-8")
        reported |= set(re.findall(r"^\S+:\d+:\d+ (\S+) ", text, flags=re.MULTILINE))

    assert {each.name for each in registry} | set(CHECKS) <= reported
