"""`oaskit rule NAME` and `oaskit rules`: each rule and check explained, like `ruff rule`."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from oaskit.lint import all_rule_docs
from tests.cli.conftest import Run, Snapshot

Oaskit = Callable[..., Run]


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        # A check (always on) and a rule, each as text and as JSON.
        ("check", ("rule", "ref-unresolvable")),
        ("check_json", ("rule", "ref-unresolvable", "--format", "json")),
        ("rule", ("rule", "operation-has-summary")),
        ("rule_json", ("rule", "operation-has-summary", "--format", "json")),
    ],
)
def test_prints_what_why_default_and_peers_when_rule_exists(
    oaskit: Oaskit, snapshot: Snapshot, name: str, argv: tuple[str, ...]
) -> None:
    run = oaskit(*argv)

    assert run.code == 0
    snapshot(name, run.transcript())


def test_exits_2_with_the_closest_name_when_rule_is_unknown(
    oaskit: Oaskit, snapshot: Snapshot
) -> None:
    run = oaskit("rule", "operation-has-sumary")

    assert run.code == 2
    snapshot("unknown", run.transcript())


def test_exits_2_without_a_suggestion_when_no_name_is_close(oaskit: Oaskit) -> None:
    run = oaskit("rule", "zzz")

    assert (run.code, run.out) == (2, "")
    assert run.err == "oaskit: no lint rule or check is called 'zzz' (`oaskit rules` lists them)\n"


def test_lists_every_rule_and_check_in_a_table_when_format_is_text(
    oaskit: Oaskit, snapshot: Snapshot
) -> None:
    run = oaskit("rules")

    assert run.code == 0
    rows = run.out.splitlines()
    assert rows[0].split() == ["NAME", "LEVEL", "DEFAULT", "DESCRIPTION"]
    assert [row.split()[0] for row in rows[1:]] == [doc.name for doc in all_rule_docs()]
    snapshot("rules", run.transcript())


def test_lists_what_rule_prints_for_each_when_format_is_json(oaskit: Oaskit) -> None:
    listed = json.loads(oaskit("rules", "--format", "json").out)

    assert [item["name"] for item in listed] == [doc.name for doc in all_rule_docs()]
    for item in listed:
        assert json.loads(oaskit("rule", item["name"], "--format", "json").out) == item
    assert {item["kind"] for item in listed} == {"check", "rule"}
    assert {item["level"] for item in listed} <= {"error", "warning", "info"}
