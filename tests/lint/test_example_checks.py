"""Example and default checks on cases met in real specs: 3.0 `nullable`, ECMA regexes, enums."""

from __future__ import annotations

from pathlib import Path

from oaskit.config import LintConfig
from oaskit.errors import Level
from oaskit.lint import lint_spec
from tests._specs import write_tree

ONLY_EXAMPLES = LintConfig(select=("example-matches-schema",))

# A 3.0 schema with `nullable` and no `type` (GitHub's `account` of an installation): checking
# examples translates it into `anyOf: [<itself>, {type: null}]`, which moves what lies below it.
NULLABLE_WRAPPER = """\
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Installation:
      type: object
      properties:
        account:
          nullable: true
          allOf:
            - type: object
              properties:
                login:
                  type: string
                  example: octocat
                size:
                  anyOf:
                    - type: string
                    - type: number
                      example: 42.5
"""

ENUM_DEFAULT = """\
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Size:
      type: string
      enum: [small, large]
      default: medium
"""

ECMA_PATTERN = """\
openapi: 3.1.0
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Name:
      type: string
      pattern: "^[\\\\p{L} ]*$"
      example: Ada
"""


def test_checks_nested_examples_when_a_30_schema_is_nullable_without_type(
    tmp_path: Path,
) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": NULLABLE_WRAPPER})

    findings = lint_spec(path, config=ONLY_EXAMPLES)

    # Before, `…/account/allOf/0/…` pointed nowhere in the translated document ("not checked:
    # PointerToNowhere …" with the whole document in the message) and `…/size/anyOf/1` pointed
    # at the added `{type: null}` ("42.5 is not of type 'null'").
    assert findings == []


def test_reports_example_as_unchecked_when_pattern_is_not_a_python_regex(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": ECMA_PATTERN})
    both = LintConfig(select=("example-matches-schema", "examples-are-checkable"))

    # The meta-schema check reports the pattern itself (`oas-schema`); the example is not lost.
    findings = [f for f in lint_spec(path, config=both) if f.code != "oas-schema"]

    # Unchecked is not wrong: a warning of its own rule, never an example-matches-schema error.
    assert [(f.code, f.level, f.location.line) for f in findings] == [
        ("examples-are-checkable", Level.WARNING, 9)
    ]
    assert findings[0].message.startswith("example not checked: pattern '^[\\\\p{L} ]*$'")


def test_reports_mismatch_as_error_when_enum_default_is_not_in_the_enum(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": ENUM_DEFAULT})

    findings = lint_spec(path)

    assert [(f.code, f.level, f.location.line, f.message) for f in findings] == [
        (
            "default-matches-schema",
            Level.ERROR,
            9,
            "default does not match its schema: 'medium' is not one of ['small', 'large']",
        )
    ]
