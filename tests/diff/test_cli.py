"""`oaskit diff`: exit codes, `--fail-on`, `[tool.oaskit.diff]` levels and ignores, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.diff.conftest import Oaskit, Snapshot, write

SPEC = """\
    openapi: 3.1.0
    info: {title: Items, version: "1"}
    paths:
      /items:
        get:
          operationId: listItems
          responses:
            "200":
              description: The items.
              content:
                application/json:
                  schema:
                    $ref: "#/components/schemas/Item"
        post:
          operationId: createItem
          requestBody:
            content:
              application/json:
                schema:
                  $ref: "#/components/schemas/Item"
          responses:
            "201":
              description: Created.
      /items/{id}:
        delete:
          operationId: deleteItem
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
          responses:
            "204":
              description: Deleted.
    components:
      schemas:
        Item:
          type: object
          properties:
            id: {type: string}
            note: {type: string}
    """
# The DELETE operation removed (an error by default); `note` removed from Item, which both the
# request (POST) and the response (GET) use (a warning each).
CHANGED = SPEC[: SPEC.index("      /items/{id}:")] + SPEC[SPEC.index("    components:") :].replace(
    "            note: {type: string}\n", ""
)


WITHOUT_NOTE = SPEC.replace("            note: {type: string}\n", "")


@pytest.fixture
def specs(workdir: Path) -> tuple[str, str]:
    write(workdir, {"base.yaml": SPEC, "head.yaml": CHANGED})
    return "base.yaml", "head.yaml"


def _config(workdir: Path, text: str) -> None:
    write(workdir, {"pyproject.toml": text})


def test_exits_0_when_the_specs_are_the_same(oaskit: Oaskit, workdir: Path) -> None:
    write(workdir, {"a.yaml": SPEC, "b.yaml": SPEC})

    run = oaskit("diff", "a.yaml", "b.yaml")

    assert (run.code, run.out) == (0, "")
    assert run.err == "diff: 0 errors, 0 warnings, 0 info\n"


def test_exits_1_when_a_change_is_an_error(oaskit: Oaskit, specs: tuple[str, str]) -> None:
    run = oaskit("diff", *specs)

    assert run.code == 1
    assert run.out.startswith("error endpoint-removed DELETE /items/{id}\n")
    assert "  base: base.yaml:25:5\n" in run.out
    assert "  head: head.yaml:3:1\n" in run.out


def test_exits_0_when_warnings_are_below_the_default_fail_on(oaskit: Oaskit, workdir: Path) -> None:
    write(
        workdir, {"a.yaml": SPEC, "b.yaml": SPEC.replace("            note: {type: string}\n", "")}
    )

    assert oaskit("diff", "a.yaml", "b.yaml").code == 0
    assert oaskit("diff", "--fail-on", "warning", "a.yaml", "b.yaml").code == 1


def test_fails_on_warnings_when_the_config_says_so(oaskit: Oaskit, workdir: Path) -> None:
    write(
        workdir, {"a.yaml": SPEC, "b.yaml": SPEC.replace("            note: {type: string}\n", "")}
    )
    _config(workdir, '[tool.oaskit.diff]\nfail-on = "warning"\n')

    assert oaskit("diff", "a.yaml", "b.yaml").code == 1
    # The command line wins over the configuration.
    assert oaskit("diff", "--fail-on", "error", "a.yaml", "b.yaml").code == 0


def test_reports_a_rule_at_its_configured_level_when_levels_name_it(
    oaskit: Oaskit, workdir: Path, specs: tuple[str, str]
) -> None:
    _config(
        workdir,
        """\
        [tool.oaskit.diff.levels]
        endpoint-removed = "warning"
        request-property-removed = "off"
        """,
    )

    run = oaskit("diff", "--format", "json", *specs)

    document = json.loads(run.out)
    assert run.code == 0
    assert [(c["rule"], c["level"]) for c in document["changes"]] == [
        ("endpoint-removed", "warning"),
        ("response-property-removed", "warning"),
    ]


def test_ignores_a_change_with_its_reason_when_an_ignore_matches(
    oaskit: Oaskit, workdir: Path, specs: tuple[str, str]
) -> None:
    _config(
        workdir,
        """\
        [[tool.oaskit.diff.ignore]]
        rule = "endpoint-removed"
        path = "/items/{id}"
        reason = "Deletion moved to the admin API."
        """,
    )

    run = oaskit("diff", *specs)

    assert run.code == 0
    assert "endpoint-removed" not in run.out
    assert run.err.endswith("diff: 0 errors, 2 warnings, 0 info; 1 ignored\n")


def test_keeps_the_other_operations_when_an_ignore_names_one(
    oaskit: Oaskit, workdir: Path, specs: tuple[str, str]
) -> None:
    _config(
        workdir,
        """\
        [tool.oaskit.diff]
        fail-on = "warning"
        ignore = [
          { rule = "response-property-removed", operation = "get /items", reason = "Unused." },
          { rule = "request-property-removed", pointer = "/components/schemas", reason = "Old" },
        ]
        [tool.oaskit.diff.levels]
        endpoint-removed = "info"
        """,
    )

    run = oaskit("diff", "--format", "json", *specs)

    document = json.loads(run.out)
    assert run.code == 0
    assert [c["rule"] for c in document["changes"]] == ["endpoint-removed"]
    assert sorted((c["rule"], c["reason"]) for c in document["ignored"]) == [
        ("request-property-removed", "Old"),
        ("response-property-removed", "Unused."),
    ]


def test_refuses_an_ignore_without_a_reason_at_its_table(
    oaskit: Oaskit, workdir: Path, specs: tuple[str, str], snapshot: Snapshot
) -> None:
    _config(
        workdir,
        """\
        [tool.oaskit.diff]
        fail-on = "error"

        [[tool.oaskit.diff.ignore]]
        rule = "endpoint-removed"
        """,
    )

    run = oaskit("diff", *specs)

    assert run.code == 2
    assert run.err == (
        "pyproject.toml:4:1 config-invalid [[tool.oaskit.diff.ignore]] entry 1 has no reason; "
        "every ignore needs a rule and a reason\n"
    )
    snapshot("missing-reason", run.transcript())


def test_refuses_an_unknown_rule_with_the_closest_one_when_levels_name_it(
    oaskit: Oaskit, workdir: Path, specs: tuple[str, str]
) -> None:
    _config(workdir, '[tool.oaskit.diff.levels]\nendpoint-remove = "warning"\n')

    run = oaskit("diff", *specs)

    assert run.code == 2
    assert run.err == (
        "pyproject.toml:2:1 config-invalid [tool.oaskit.diff] names an unknown diff rule "
        "'endpoint-remove'; did you mean 'endpoint-removed'?\n"
    )


def test_refuses_an_unknown_rule_at_its_key_when_an_ignore_names_it(
    oaskit: Oaskit, workdir: Path, specs: tuple[str, str]
) -> None:
    _config(
        workdir,
        """\
        [[tool.oaskit.diff.ignore]]
        rule = "endpoint-removed"
        reason = "Known."

        [[tool.oaskit.diff.ignore]]
        reason = "Typo."
        rule = "no-such-rule-at-all"
        """,
    )

    run = oaskit("diff", "--format", "json", *specs)

    assert run.code == 2
    problem = json.loads(run.out)["problems"][0]
    assert (problem["file"], problem["line"], problem["col"]) == ("pyproject.toml", 7, 1)
    assert problem["code"] == "config-invalid"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('fail-on = "info"', "fail-on must be one of error, warning, not 'info'"),
        ('fail-on = ["error"]', "fail-on must be one of error, warning, not ['error']"),
        ("levels = []", "levels must be a table of rule-id = level"),
        ('ignore = { rule = "endpoint-removed" }', "ignore must be an array of tables"),
        ("ignore = [1]", "entry 1 must be a table with rule and reason"),
        ("fail_on = 1", "unknown key 'fail_on'; did you mean 'fail-on'?"),
        ('levels = { endpoint-removed = "fatal" }', "must be one of error, warning, info, off"),
        ('ignore = [{ rule = "endpoint-removed", reason = " " }]', "reason must be a non-empty"),
        (
            'ignore = [{ rule = "endpoint-removed", reason = "r", operation = "FETCH /x" }]',
            "operation must be a method and a path",
        ),
        (
            'ignore = [{ rule = "endpoint-removed", reason = "r", pointer = "paths" }]',
            "pointer must be a JSON pointer",
        ),
        (
            'ignore = [{ rule = "endpoint-removed", reason = "r", method = "GET" }]',
            "unknown key 'method'",
        ),
    ],
)
def test_refuses_a_malformed_diff_table_at_its_key(
    oaskit: Oaskit, workdir: Path, specs: tuple[str, str], text: str, expected: str
) -> None:
    _config(workdir, f"[tool.oaskit.diff]\n{text}\n")

    run = oaskit("diff", *specs)

    assert run.code == 2
    assert run.err.startswith("pyproject.toml:2:1 config-invalid ")
    assert expected in run.err
    assert "Traceback" not in run.err


def test_prints_the_located_finding_when_a_spec_does_not_load(
    oaskit: Oaskit, workdir: Path
) -> None:
    write(workdir, {"a.yaml": SPEC, "b.yaml": "openapi: 3.1.0\npaths: [\n"})

    run = oaskit("diff", "a.yaml", "b.yaml")

    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("b.yaml:3:1 input-syntax not valid YAML or JSON")
    assert run.err.count("\n") == 1


def test_reports_a_broken_ref_as_unusable_input_when_a_side_has_one(
    oaskit: Oaskit, workdir: Path
) -> None:
    broken = SPEC.replace('"#/components/schemas/Item"', '"#/components/schemas/Itme"', 1)
    write(workdir, {"a.yaml": SPEC, "b.yaml": broken})

    run = oaskit("diff", "--format", "json", "a.yaml", "b.yaml")

    assert run.code == 2
    problems = json.loads(run.out)["problems"]
    assert [(p["code"], p["file"], p["line"]) for p in problems] == [
        ("ref-unresolvable", "b.yaml", 13)
    ]


def test_reports_a_missing_spec_as_unusable_input(oaskit: Oaskit, workdir: Path) -> None:
    write(workdir, {"a.yaml": SPEC})

    run = oaskit("diff", "--format", "github", "a.yaml", "missing.yaml")

    assert run.code == 2
    assert run.out.startswith("::error file=missing.yaml,line=1,col=1,title=input-unreadable::")


@pytest.mark.parametrize(
    "argv",
    [
        ("diff",),
        ("diff", "a.yaml"),
        ("diff", "a.yaml", "b.yaml", "c.yaml"),
        ("diff", "--format", "sarif", "a.yaml", "b.yaml"),
        ("diff", "--fail-on", "info", "a.yaml", "b.yaml"),
    ],
)
def test_exits_2_with_a_one_line_reason_when_the_arguments_are_wrong(
    oaskit: Oaskit, workdir: Path, argv: tuple[str, ...]
) -> None:
    write(workdir, {"a.yaml": SPEC, "b.yaml": SPEC})

    run = oaskit(*argv)

    assert run.code == 2
    assert "Traceback" not in run.err
    assert run.err.strip().splitlines()[-1].startswith(("oaskit: ", "oaskit diff: error:"))


def test_escapes_control_characters_when_an_unusable_input_is_named_with_them(
    oaskit: Oaskit, workdir: Path
) -> None:
    write(workdir, {"a.yaml": SPEC})

    run = oaskit("diff", "a.yaml", "b\x1b[2J.yaml")

    assert run.code == 2
    assert run.err.startswith("b\\x1b[2J.yaml:1:1 input-unreadable ")
    assert "\x1b" not in run.err
