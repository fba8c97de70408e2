"""Parameter and header values travel as text, so their schemas compare as text does."""

from __future__ import annotations

from pathlib import Path

from oaskit.errors import Level
from tests.diff._pairs import compare_texts

SPEC = """\
openapi: 3.1.0
info: {{title: t, version: "1"}}
paths:
  /items/{{id}}:
    get:
      operationId: getItem
      parameters:
        - name: id
          in: path
          required: true
          schema: {{type: {param}}}
        - name: filter
          in: query
          content:
            application/json:
              schema: {{type: {param}}}
      responses:
        "200":
          description: ok
          headers:
            X-Count:
              schema: {{type: {header}}}
"""


def spec(param: str = "integer", header: str = "integer") -> str:
    return SPEC.format(param=param, header=header)


def test_integer_to_string_widens_a_path_parameter_but_not_a_json_one(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, spec(param="integer"), spec(param="string"))

    by_place = {(c.rule.id, c.level) for c in changes}
    # The path parameter's text now admits any string: more requests are accepted.
    assert ("request-type-widened", Level.INFO) in by_place
    # The `content` parameter is a JSON document: a number is not a string there.
    errors = [c for c in changes if c.level is Level.ERROR]
    assert [c.rule.id for c in errors] == ["request-type-narrowed"]
    assert "content" in errors[0].base


def test_string_to_integer_narrows_a_path_parameter(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, spec(param="string"), spec(param="integer"))

    assert {c.rule.id for c in changes if c.level is Level.ERROR} == {"request-type-narrowed"}
    assert sum(c.level is Level.ERROR for c in changes) == 2


def test_a_response_header_that_becomes_text_is_widened(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, spec(header="integer"), spec(header="string"))

    assert [(c.rule.id, c.level) for c in changes] == [("response-type-widened", Level.ERROR)]
