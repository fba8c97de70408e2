"""`oaskit diff --list-rules`: the catalog a `[tool.oaskit.diff]` table names rules from."""

from __future__ import annotations

import json

import pytest

from oaskit.cli import main
from oaskit.diff._catalog import all_rules


def test_lists_every_rule_once_with_its_family_and_level(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["diff", "--list-rules"]) == 0
    lines = capsys.readouterr().out.splitlines()

    rules = {rule.id: rule for rule in all_rules()}
    assert len(lines) == len(rules)
    for line in lines:
        rule_id, family, level, *_ = line.split()
        assert (family, level) == (rules[rule_id].family, rules[rule_id].level.label)


def test_lists_the_catalog_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--list-rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)

    assert {entry["id"] for entry in listed} == {rule.id for rule in all_rules()}
    assert {entry["level"] for entry in listed} == {"error", "warning", "info"}


@pytest.mark.parametrize(
    "argv",
    [["a.yaml", "b.yaml", "--list-rules"], ["--list-rules", "--format", "markdown"]],
)
def test_refuses_what_a_listing_cannot_use(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", *argv]) == 2
    assert capsys.readouterr().err.startswith("oaskit: --list-rules")
