"""`[tool.oaskit.diff]` parsed and applied: levels, ignores by operation, path and pointer."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

import pytest

from oaskit.config import DiffConfig
from oaskit.config._diff import parse_diff_config
from oaskit.diff import Change, Rule, apply_settings, check_settings
from oaskit.errors import Level, SpecInputError
from tests.diff.conftest import Oaskit, write

_REMOVED = Rule("response-property-removed", "properties", Level.WARNING, "A property went.")
_ENDPOINT = Rule("endpoint-removed", "endpoints", Level.ERROR, "An operation went.")
_PATH = Path("pyproject.toml")


def _config(text: str) -> DiffConfig:
    text = textwrap.dedent(text)
    table = tomllib.loads(text)["tool"]["oaskit"]["diff"]
    return parse_diff_config(table, text=text, path=_PATH)


def _shared_change() -> Change:
    """A property removed from a schema three operations share."""
    return Change(
        _REMOVED,
        "property `note` removed",
        ("components", "schemas", "Item", "properties", "note"),
        ("components", "schemas", "Item"),
        {"GET /items", "GET /items/{id}", "PUT /items/{id}"},
    )


def test_keeps_the_operations_an_ignore_does_not_name_when_a_change_is_shared() -> None:
    config = _config(
        """\
        [tool.oaskit.diff.levels]
        response-property-removed = "error"

        [[tool.oaskit.diff.ignore]]
        rule = "response-property-removed"
        path = "/items/{id}"
        reason = "The item endpoints are internal."
        """
    )

    settled = apply_settings([_shared_change()], config)

    assert [(c.operations, c.level) for c in settled.kept] == [({"GET /items"}, Level.ERROR)]
    assert [(c.operations, c.level, i.reason) for c, i in settled.ignored] == [
        ({"GET /items/{id}", "PUT /items/{id}"}, Level.ERROR, "The item endpoints are internal.")
    ]


def test_matches_a_pointer_and_what_lies_below_it_when_an_ignore_names_one() -> None:
    below = _config(
        """\
        [[tool.oaskit.diff.ignore]]
        rule = "response-property-removed"
        pointer = "#/components/schemas/Item"
        reason = "Item is being replaced."
        """
    )
    sibling = _config(
        """\
        [[tool.oaskit.diff.ignore]]
        rule = "response-property-removed"
        pointer = "/components/schemas/It"
        reason = "Not a prefix of a name."
        """
    )

    assert apply_settings([_shared_change()], below).kept == []
    assert len(apply_settings([_shared_change()], sibling).kept) == 1


def test_drops_a_change_uncounted_when_its_rule_is_off() -> None:
    config = _config('[tool.oaskit.diff.levels]\nresponse-property-removed = "off"\n')

    settled = apply_settings([_shared_change()], config)

    assert (settled.kept, settled.ignored) == ([], [])


def test_places_an_unknown_rule_at_the_ignore_that_names_it() -> None:
    config = _config(
        """\
        [tool.oaskit.diff]
        fail-on = "warning"

        [[tool.oaskit.diff.ignore]]
        rule = "endpoint-removed"
        reason = "Known."

        [[tool.oaskit.diff.ignore]]
        reason = "Typo."
        rule = "endpoint-remved"
        """
    )

    with pytest.raises(SpecInputError) as raised:
        check_settings(config, [_REMOVED, _ENDPOINT])

    finding = raised.value.finding
    assert (finding.location.line, finding.location.col) == (10, 1)
    assert finding.message.endswith("did you mean 'endpoint-removed'?")


def test_normalises_the_operation_when_an_ignore_names_one() -> None:
    config = _config(
        """\
        [[tool.oaskit.diff.ignore]]
        rule = "endpoint-removed"
        operation = "delete   /items/{id}"
        reason = "Moved."
        """
    )

    assert config.ignore[0].operation == "DELETE /items/{id}"


def test_colours_the_text_when_colour_is_forced(
    oaskit: Oaskit, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = 'openapi: 3.1.0\ninfo: {title: T, version: "1"}\npaths:\n  /a:\n    get:\n'
    spec += "      responses:\n        '204': {description: None.}\n"
    write(workdir, {"a.yaml": spec, "b.yaml": spec.replace("/a:", "/b:")})
    monkeypatch.setenv("FORCE_COLOR", "1")

    run = oaskit("diff", "-q", "a.yaml", "b.yaml")

    assert run.code == 1
    assert run.out.startswith("\033[1m\033[31merror\033[0m \033[1mendpoint-removed\033[0m GET /a")
    assert run.err == ""
