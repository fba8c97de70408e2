"""`paths-are-distinct` and `paths-are-unambiguous`: two paths clash only where a URL matches both.

Google's specs write custom methods as `/v1/{name}:cancel` beside `/v1/{name}`; a segment that
mixes literal text with a template expression is a pattern of its own, not a bare parameter.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from oaskit.config import LintConfig
from oaskit.errors import Level
from oaskit.lint import lint_spec

PATH_RULES = LintConfig(select=("paths-are-distinct", "paths-are-unambiguous"))


def _spec(tmp_path: Path, paths: list[str]) -> Path:
    """A valid OAS 3.1 spec with one GET per path, each path parameter declared."""
    items = {}
    for number, path in enumerate(paths):
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"\{([^{}]+)\}", path)
        ]
        items[path] = {
            "get": {
                "operationId": f"op{number}",
                "parameters": parameters,
                "responses": {"200": {"description": "OK."}},
            }
        }
    spec = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": items}
    target = tmp_path / "openapi.yaml"
    target.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    "paths",
    [
        ["/v1/{name}", "/v1/{name}:cancel"],
        ["/v1/{name}:cancel", "/v1/{name}"],
        ["/files/{id}", "/files/{id}.json"],
        ["/v1/{name}:cancel", "/v1/{name}:get"],
        ["/pets/{id}", "/pets/mine"],
        ["/pets/{petId}/toys", "/pets/{petId}"],
        ["/a", "/a/"],
        ["/v{version}/items", "/{tenant}/orders"],
        ["/reports/{year}-{month}", "/reports/{id}"],
    ],
    ids=[
        "custom-method-after-plain",
        "custom-method-before-plain",
        "extension",
        "two-custom-methods",
        "concrete-beside-template",
        "different-depths",
        "trailing-slash",
        "different-literals",
        "two-expressions-in-one-segment",
    ],
)
def test_finds_nothing_when_no_url_matches_both_or_one_path_is_more_specific(
    tmp_path: Path, paths: list[str]
) -> None:
    assert lint_spec(_spec(tmp_path, paths), config=PATH_RULES) == []


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (["/pets/{petId}", "/pets/{id}"], "path '/pets/{id}' is identical to '/pets/{petId}'"),
        (
            ["/v1/{name}:cancel", "/v1/{id}:cancel"],
            "path '/v1/{id}:cancel' is identical to '/v1/{name}:cancel'",
        ),
        (
            ["/files/{name}.{ext}", "/files/{id}.{format}"],
            "path '/files/{id}.{format}' is identical to '/files/{name}.{ext}'",
        ),
    ],
    ids=["bare-parameters", "custom-methods", "two-expressions"],
)
def test_reports_error_when_paths_differ_only_in_parameter_names(
    tmp_path: Path, paths: list[str], message: str
) -> None:
    findings = lint_spec(_spec(tmp_path, paths), config=PATH_RULES)

    assert [(f.code, f.level, f.message) for f in findings] == [
        ("paths-are-distinct", Level.ERROR, f"{message} but for names")
    ]


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (
            ["/{entity}/me", "/books/{id}"],
            "path '/books/{id}' is ambiguous with '/{entity}/me': both match '/books/me'",
        ),
        (
            ["/files/{name}.json", "/files/v{version}"],
            "path '/files/v{version}' is ambiguous with '/files/{name}.json': "
            "both match '/files/v.json'",
        ),
        (
            ["/v1/{name}:cancel", "/v1/jobs:{verb}"],
            "path '/v1/jobs:{verb}' is ambiguous with '/v1/{name}:cancel': "
            "both match '/v1/jobs:cancel'",
        ),
        (
            ["/tests/{id}/events/{caseId}", "/tests/service/{serviceId}/count"],
            "path '/tests/service/{serviceId}/count' is ambiguous with "
            "'/tests/{id}/events/{caseId}': both match '/tests/service/events/count'",
        ),
    ],
    ids=[
        "spec-example",
        "overlapping-segments",
        "custom-method-and-literal-prefix",
        "different-parameter-counts",
    ],
)
def test_reports_error_when_a_url_matches_both_and_neither_is_more_specific(
    tmp_path: Path, paths: list[str], message: str
) -> None:
    findings = lint_spec(_spec(tmp_path, paths), config=PATH_RULES)

    assert [(f.code, f.level, f.message) for f in findings] == [
        ("paths-are-unambiguous", Level.ERROR, message)
    ]
