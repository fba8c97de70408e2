"""`[tool.oaskit.lint]`: select, ignore, severity, per-file ignores, inline ignores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oaskit.cli import main
from oaskit.config import load_config
from oaskit.errors import Level
from tests.lint.conftest import set_lint, set_spec

SNAKE = ("operationId: getPet", "operationId: get_pet")
NO_DESCRIPTION = ("      description: Reads one pet by its id.\n", "")
# A finding of a rule that is on by default at error level.
NO_SCHEME = ("  - bearer: []", "  - bearr: []")
SCHEMES = "security-schemes-are-defined"


def codes(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, list[str]]:
    """Exit code and the codes of the findings `oaskit lint --format json` prints."""
    code = main(["lint", "--format", "json", *argv])
    return code, [item["code"] for item in json.loads(capsys.readouterr().out)]


def test_runs_default_rules_only_when_nothing_is_selected(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # camelCase ids and descriptions are opt-in rules; undefined schemes are a default error.
    set_spec(project, *SNAKE)
    set_spec(project, *NO_DESCRIPTION)
    set_spec(project, *NO_SCHEME)

    assert codes(capsys, []) == (1, [SCHEMES])


def test_reports_house_style_as_warnings_when_defaults_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, "      operationId: getPet\n      summary: Read a pet.\n", "")

    assert codes(capsys, []) == (0, ["operation-has-operation-id", "operation-has-summary"])


def test_runs_opt_in_rule_at_its_level_when_all_is_extend_selected(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *SNAKE)
    set_lint(project, '[tool.oaskit.lint]\nextend-select = ["ALL"]\n')

    code = main(["lint", "--format", "json"])

    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(item["code"], item["level"]) for item in payload] == [
        ("operation-id-is-camel-case", "warning")
    ]


def test_holds_house_rule_as_error_when_severity_raises_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *SNAKE)
    set_lint(
        project,
        '[tool.oaskit.lint]\nextend-select = ["ALL"]\n'
        '[tool.oaskit.lint.severity]\noperation-id-is-camel-case = "error"\n',
    )

    assert codes(capsys, []) == (1, ["operation-id-is-camel-case"])


def test_runs_opt_in_rule_when_extend_selected(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_DESCRIPTION)
    set_lint(project, '[tool.oaskit.lint]\nextend-select = ["operation-has-description"]\n')

    assert codes(capsys, []) == (0, ["operation-has-description"])


def test_runs_only_selected_rules_when_select_is_set(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_SCHEME)
    set_spec(project, "      summary: Read a pet.\n", "")
    set_lint(project, '[tool.oaskit.lint]\nselect = ["operation-has-summary"]\n')

    assert codes(capsys, []) == (0, ["operation-has-summary"])


def test_drops_rule_when_ignored(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_spec(project, *NO_SCHEME)
    set_lint(project, f'[tool.oaskit.lint]\nignore = ["{SCHEMES}"]\n')

    assert codes(capsys, []) == (0, [])


def test_exits_0_when_severity_lowers_an_error_to_a_warning(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_SCHEME)
    set_lint(project, f'[tool.oaskit.lint.severity]\n{SCHEMES} = "warning"\n')

    code = main(["lint", "--format", "json"])

    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(item["code"], item["level"]) for item in payload] == [(SCHEMES, "warning")]


def test_turns_rule_off_when_severity_is_off(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_SCHEME)
    set_lint(project, f'[tool.oaskit.lint.severity]\n{SCHEMES} = "off"\n')

    assert codes(capsys, []) == (0, [])


def test_skips_rule_in_matching_files_when_per_file_ignores_name_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_SCHEME)
    set_lint(
        project,
        f'[tool.oaskit.lint.per-file-ignores]\n"spec/*.yaml" = ["{SCHEMES}"]\n'
        '"other/*.yaml" = ["operation-has-summary"]\n',
    )

    assert codes(capsys, []) == (0, [])


def test_keeps_rule_in_other_files_when_per_file_ignores_do_not_match(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_SCHEME)
    set_lint(project, f'[tool.oaskit.lint.per-file-ignores]\n"other/*.yaml" = ["{SCHEMES}"]\n')

    assert codes(capsys, []) == (1, [SCHEMES])


def test_suppresses_finding_when_inline_comment_names_its_rule(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, "  - bearer: []", f"  - bearr: []  # oaskit: ignore[x, {SCHEMES}]")
    set_spec(project, "      operationId: getPet\n      summary: Read a pet.\n", "")
    set_spec(
        project,
        "    get:\n",
        "    get:\n      # oaskit: ignore[operation-has-operation-id, operation-has-summary]\n",
    )
    # Another rule's name on the finding's line suppresses nothing.
    set_spec(
        project,
        "      description: Reads one pet by its id.\n",
        "      description: Reads one pet by its id.  # oaskit: ignore[x, y]\n",
    )

    assert codes(capsys, []) == (0, [])


def test_applies_project_settings_when_spec_is_named_on_the_command_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_spec(project, *NO_SCHEME)
    set_lint(project, f'[tool.oaskit.lint]\nignore = ["{SCHEMES}"]\n')

    assert codes(capsys, ["spec/openapi.yaml"]) == (0, [])


def test_exits_2_at_the_name_when_config_names_an_unknown_rule(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_lint(project, '[tool.oaskit.lint]\nignore = ["operation-has-summary", "no-such-rule"]\n')

    code = main(["lint"])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == "pyproject.toml:9:36 config-invalid unknown lint rule 'no-such-rule'\n"


def test_exits_2_when_config_has_an_unknown_key(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_lint(project, '[tool.oaskit.lint]\nselct = ["ALL"]\n')

    code = main(["lint"])

    assert (code, capsys.readouterr().err) == (
        2,
        "pyproject.toml:9:1 config-invalid [tool.oaskit.lint] has an unknown key 'selct'; "
        "did you mean 'select'?\n",
    )


def test_exits_2_when_severity_is_not_a_level(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_lint(project, '[tool.oaskit.lint.severity]\noperation-has-summary = "fatal"\n')

    code = main(["lint"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("pyproject.toml:9:1 config-invalid severity of 'operation-has-summary'")
    assert len(err.splitlines()) == 1


def test_parses_every_key_when_lint_table_is_complete(project: Path) -> None:
    set_lint(
        project,
        '[tool.oaskit.lint]\nselect = ["ALL"]\nextend-select = ["info-has-contact"]\n'
        'ignore = ["tags-are-alphabetical"]\n'
        '[tool.oaskit.lint.severity]\ninfo-has-contact = "info"\nparameters-are-unique = "off"\n'
        '[tool.oaskit.lint.per-file-ignores]\n"spec/**" = ["oas-schema"]\n',
    )

    lint = load_config(project).lint

    assert lint.select == ("ALL",)
    assert lint.extend_select == ("info-has-contact",)
    assert lint.ignore == ("tags-are-alphabetical",)
    assert dict(lint.severity) == {"info-has-contact": Level.INFO, "parameters-are-unique": None}
    assert lint.per_file_ignores == (("spec/**", ("oas-schema",)),)
    assert lint.root == project
