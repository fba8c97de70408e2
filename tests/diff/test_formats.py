"""`oaskit diff --format text|json|markdown|github`: snapshots of one pair, hostile spec text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oaskit.config import DiffIgnore
from oaskit.diff import (
    Change,
    Compared,
    Direction,
    Located,
    Place,
    Report,
    Rule,
    github_findings,
    render,
)
from oaskit.errors import Level, Location
from oaskit.lint import render as render_findings
from tests.diff.conftest import Oaskit, Snapshot, write

BASE = """\
    openapi: 3.1.0
    info: {title: Connectors, version: "1"}
    paths:
      /v1/connectors:
        get:
          operationId: listConnectors
          parameters:
            - name: limit
              in: query
              schema: {type: integer}
          responses:
            "200":
              description: The connectors.
              content:
                application/json:
                  schema:
                    $ref: "#/components/schemas/Connector"
        post:
          operationId: createConnector
          requestBody:
            content:
              application/json:
                schema:
                  $ref: "#/components/schemas/Connector"
          responses:
            "201":
              description: Created.
      /v1/connectors/{id}:
        delete:
          operationId: deleteConnector
          parameters:
            - name: id
              in: path
              required: true
              schema: {type: string}
          responses:
            "204":
              description: Deleted.
    components:
      schemas:
        Connector:
          type: object
          properties:
            name:
              type: string
            "a|b<i>`x`@team":
              type: string
    """
HEAD = """\
    openapi: 3.1.0
    info: {title: Connectors, version: "2"}
    paths:
      /v1/connectors:
        get:
          operationId: listConnectors
          parameters:
            - name: limit
              in: query
              required: true
              schema: {type: integer}
          responses:
            "200":
              description: The connectors.
              content:
                application/json:
                  schema:
                    $ref: "#/components/schemas/Connector"
        post:
          operationId: createConnector
          requestBody:
            content:
              application/json:
                schema:
                  $ref: "#/components/schemas/Connector"
          responses:
            "201":
              description: Created.
    components:
      schemas:
        Connector:
          type: object
          properties:
            name:
              type: integer
            description:
              type: string
    """


@pytest.fixture
def pair(workdir: Path) -> tuple[str, str]:
    """The snapshot pair: an endpoint removed, a parameter required, properties changed."""
    write(workdir, {"spec/base.yaml": BASE, "spec/head.yaml": HEAD})
    return "spec/base.yaml", "spec/head.yaml"


@pytest.mark.parametrize("format", ["text", "json", "markdown", "github"])
def test_prints_each_change_in_the_format_when_the_pair_differs(
    oaskit: Oaskit, snapshot: Snapshot, pair: tuple[str, str], format: str
) -> None:
    run = oaskit("diff", "--format", format, *pair)

    assert run.code == 1
    snapshot(format, run.transcript())


def test_lists_ignored_changes_with_their_reason_when_verbose(
    oaskit: Oaskit, snapshot: Snapshot, pair: tuple[str, str], workdir: Path
) -> None:
    write(
        workdir,
        {
            "pyproject.toml": """\
                [tool.oaskit.diff]
                levels = { request-property-removed = "off" }

                [[tool.oaskit.diff.ignore]]
                rule = "endpoint-removed"
                operation = "DELETE /v1/connectors/{id}"
                reason = "Deleting is done by the admin API since v2."
                """
        },
    )

    run = oaskit("diff", "-v", *pair)

    assert run.code == 1
    assert "1 ignored" in run.err
    snapshot("text-verbose", run.transcript())


def test_passes_json_a_stable_document_when_asked(oaskit: Oaskit, pair: tuple[str, str]) -> None:
    run = oaskit("diff", "--format", "json", *pair)

    document = json.loads(run.out)
    assert list(document) == ["summary", "compared", "changes", "ignored", "problems"]
    assert document["summary"]["levels"] == {"error": 4, "warning": 2, "info": 2}
    assert document["summary"]["failed"] is True
    first = document["changes"][0]
    assert list(first) == [
        "rule",
        "family",
        "level",
        "message",
        "operations",
        "direction",
        "api",
        "base",
        "head",
    ]
    assert first["base"] == {
        "file": "spec/base.yaml",
        "line": 29,
        "col": 5,
        "pointer": "/paths/~1v1~1connectors~1{id}/delete",
    }
    assert first["head"]["pointer"] == "/paths"


# Hand-made changes: what the formats do with hostile spec text, whatever the engine reports.

_RULE = Rule("request-property-removed", "schemas", Level.ERROR, "A request property went.")
_HOSTILE = "property `a|b` <script>alert(1)</script> @octo-org/team $x$ *bold* [l](http://e)\nnext"


def _place(file: str, line: int, *, text: str = "name: x") -> Place:
    return Place(file, line, 3, checkout=file, snippet=((line, text),))


def _report(message: str = _HOSTILE, *, operations: set[str] | None = None) -> Report:
    change = Change(_RULE, message, ("a",), ("b",), operations or {"GET /x|y"}, Direction.REQUEST)
    located = Located(change, _place("main:spec/a.yaml", 4), _place("spec/a.yaml", 5))
    return Report(compared=[Compared("main:spec/a.yaml", "spec/a.yaml")], changes=[located])


def test_escapes_spec_text_in_markdown_when_it_holds_markup() -> None:
    text = render(_report(), format="markdown")

    row = next(line for line in text.splitlines() if line.startswith("| `request"))
    assert "<script>" not in text
    assert "&lt;script&gt;" in row
    assert "@&#8203;octo-org/team" in row
    assert "\\`a\\|b\\`" in row
    assert "\\$x\\$" in row
    assert "\\*bold\\*" in row
    assert "\\[l\\]" in row
    # One row, five cells: no `|` from the spec splits one, no line break ends it.
    assert row.count(" | ") == 4
    assert "\nnext" not in text


def test_shows_control_characters_as_escapes_when_text_reaches_a_terminal() -> None:
    report = _report("name \x1b[2J\x1b]8;;http://e\x07x", operations={"GET /\x1b[31m"})
    report.changes[0] = Located(
        report.changes[0].change,
        _place("spec/\x1b[1ma.yaml", 4, text="x: \x1b[2J"),
        None,
    )

    text = render(report, format="text")

    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\\x1b[2J" in text
    assert "\\x07" in text


def test_escapes_workflow_command_properties_when_format_is_github() -> None:
    report = _report("100% broken\r\nnext", operations={"GET /x"})
    change = report.changes[0]
    report.changes[0] = Located(change.change, change.base, _place("spec/a,b:c.yaml", 5))

    text = render_findings(github_findings(report), format="github", root=Path.cwd())

    assert text.startswith("::error file=spec/a%2Cb%3Ac.yaml,line=5,col=3,")
    assert "title=request-property-removed::100%25 broken%0D%0Anext (GET /x; base: " in text
    assert text.count("\n") == 1


def test_names_the_ignored_count_when_an_ignore_accepted_a_change() -> None:
    report = _report()
    ignore = DiffIgnore("request-property-removed", "Agreed with the clients.", Location(Path()))
    report.ignored.append((report.changes.pop(), ignore))

    assert report.headline() == "0 errors, 0 warnings, 0 info; 1 ignored"
    assert "Agreed with the clients." in render(report, format="text", verbose=True)
    assert "Agreed" not in render(report, format="text")
    folded = render(report, format="markdown", verbose=True)
    assert "<details><summary>Ignored changes</summary>" in folded
    assert "| Agreed with the clients. |" in folded
    assert "; 1 ignored" in render(report, format="markdown")
    assert json.loads(render(report, format="json"))["ignored"][0]["reason"] == (
        "Agreed with the clients."
    )


def test_cuts_the_markdown_table_when_a_level_has_too_many_rows() -> None:
    report = _report("removed")
    report.changes = report.changes * 150

    text = render(report, format="markdown")

    assert text.count("| `request-property-removed` |") == 100
    assert "…and 50 more" in text
