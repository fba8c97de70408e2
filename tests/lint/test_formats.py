"""`oaskit lint --format text|json|sarif|github`, colour only on a terminal, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from oaskit.cli import main
from oaskit.errors import Finding, Level, Location
from oaskit.lint import render
from tests.lint.conftest import set_spec

# A finding of a rule that is on by default at error level.
NO_SCHEME = ("  - bearer: []", "  - bearr: []")
SCHEMES = "security-schemes-are-defined"
UNDEFINED = "security scheme 'bearr' is not defined"
# An opt-in rule turned on at warning level: a finding that does not fail the run.
WARN = '[tool.oaskit.lint]\nextend-select = ["operation-has-description"]\n'
NO_DESCRIPTION = ("      description: Reads one pet by its id.\n", "")


class _Terminal(io.StringIO):
    """A stdout that claims to be a terminal."""

    def isatty(self) -> bool:
        return True


def test_exits_0_with_summary_only_when_spec_is_clean(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["lint"])

    assert (code, *capsys.readouterr()) == (
        0,
        "",
        "lint: 1 spec(s), 0 error(s), 0 other finding(s)\n",
    )


def test_exits_0_when_findings_are_only_warnings(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_DESCRIPTION)
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml").read_text(encoding="utf-8") + WARN, encoding="utf-8"
    )

    code = main(["lint"])

    out, err = capsys.readouterr()
    assert code == 0
    assert out.startswith("spec/openapi.yaml:23:7 operation-has-description ")
    assert "^ warning" in out
    assert err == "lint: 1 spec(s), 0 error(s), 1 other finding(s)\n"


def test_exits_2_with_one_located_line_when_spec_is_not_yaml(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "spec" / "openapi.yaml").write_text("openapi: 3.1.0\npaths: [\n", encoding="utf-8")

    code = main(["lint"])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("spec/openapi.yaml:3:1 input-syntax not valid YAML or JSON: ")
    assert len(err.splitlines()) == 1


def test_prints_snippet_with_caret_under_the_column_when_format_is_text(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_SCHEME)

    code = main(["lint"])

    assert (code, capsys.readouterr().out) == (
        1,
        f"spec/openapi.yaml:19:12 {SCHEMES} {UNDEFINED}\n"
        "18 | security:\n"
        "19 |   - bearr: []\n"
        "   |            ^ error\n"
        "\n",
    )


def test_colours_text_when_stdout_is_a_terminal(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_spec(project, *NO_SCHEME)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stdout", terminal)

    main(["lint"])

    assert "\033[31m" in terminal.getvalue()


def test_prints_no_colour_when_no_color_is_set_on_a_terminal(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_spec(project, *NO_SCHEME)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    monkeypatch.setenv("NO_COLOR", "1")

    main(["lint"])

    assert "\033[" not in terminal.getvalue()
    assert SCHEMES in terminal.getvalue()


def test_prints_located_objects_when_format_is_json(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_SCHEME)

    code = main(["lint", "--format", "json"])

    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert json.loads(out) == [
        {
            "file": "spec/openapi.yaml",
            "line": 19,
            "col": 12,
            "code": SCHEMES,
            "level": "error",
            "message": UNDEFINED,
        }
    ]


def test_prints_valid_sarif_when_format_is_sarif(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_SCHEME)
    set_spec(project, *NO_DESCRIPTION)
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml").read_text(encoding="utf-8") + WARN, encoding="utf-8"
    )

    code = main(["lint", "--format", "sarif"])

    out, err = capsys.readouterr()
    document = json.loads(out)
    assert (code, err) == (1, "")
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "oaskit"
    ids = [each["id"] for each in driver["rules"]]
    assert len(ids) == len(set(ids))
    assert {"oas-schema", SCHEMES, "operation-has-description"} <= set(ids)
    assert all(
        each["shortDescription"]["text"]
        and each["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        for each in driver["rules"]
    )
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    summary = []
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        summary.append(
            (
                result["ruleId"],
                result["level"],
                physical["artifactLocation"]["uri"],
                region["startLine"],
                region["startColumn"],
                result["message"]["text"],
            )
        )
    where = "spec/openapi.yaml"
    assert summary == [
        (SCHEMES, "error", where, 19, 12, UNDEFINED),
        ("operation-has-description", "warning", where, 23, 7, "operation has no description"),
    ]


def test_prints_workflow_commands_when_format_is_github(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_SCHEME)

    code = main(["lint", "--format", "github"])

    assert (code, capsys.readouterr().out) == (
        1,
        f"::error file=spec/openapi.yaml,line=19,col=12,title={SCHEMES}::{UNDEFINED}\n",
    )


def test_escapes_workflow_command_values_when_they_hold_separators(tmp_path: Path) -> None:
    finding = Finding(
        "rule-a", "50% done\nnext", Location(tmp_path / "a,b:c.yaml", 2, 3), Level.INFO
    )

    text = render([finding], format="github", root=tmp_path)

    assert text == "::notice file=a%2Cb%3Ac.yaml,line=2,col=3,title=rule-a::50%25 done%0Anext\n"


def test_prints_header_only_when_source_line_is_unavailable(tmp_path: Path) -> None:
    finding = Finding("rule-a", "gone", Location(tmp_path / "missing.yaml", 4, 1))

    assert render([finding], format="text", root=tmp_path) == "missing.yaml:4:1 rule-a gone\n\n"


def test_clips_snippet_around_the_column_when_source_line_is_very_long(tmp_path: Path) -> None:
    # A minified JSON spec is one line; each snippet shows a window of it, caret included.
    spec = tmp_path / "min.json"
    filler = "x" * 5000
    spec.write_text(f'{{"a": "{filler}", "b": 1}}', encoding="utf-8")
    column = spec.read_text(encoding="utf-8").index('"b"') + 1
    finding = Finding("demo", "here", Location(spec, 1, column), Level.ERROR)

    text = render([finding], format="text", root=tmp_path)

    snippet, caret = text.splitlines()[1:3]
    assert len(snippet) < 200
    assert snippet.startswith("1 | …x")
    assert snippet[caret.index("^")] == '"'
    assert snippet[caret.index("^") + 1] == "b"
