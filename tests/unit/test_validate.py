"""`oaskit.spec.validate_bundle` and `openapi_version`: every violation, at its source line."""

from __future__ import annotations

from pathlib import Path

import pytest

from oaskit.errors import Level, SpecInputError
from oaskit.spec import bundle_spec, openapi_version, validate_bundle
from tests._specs import CLEAN_SPEC, write_tree

TWO_ERRORS = """\
openapi: {version}
info:
  title: Items
paths:
  /items:
    get:
      responses:
        "200":
          descriptio: typo
"""


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_reports_every_error_at_its_line_when_spec_has_two_errors(
    tmp_path: Path, version: str
) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": TWO_ERRORS.format(version=version)})

    findings = validate_bundle(bundle_spec(path))

    assert {(f.code, f.level, f.location.file, f.location.line) for f in findings} == {
        ("oas-schema", Level.ERROR, path.resolve(), 3),
        ("oas-schema", Level.ERROR, path.resolve(), 9),
    }
    by_line = {f.location.line: f.message for f in findings}
    assert "'version' is a required property" in by_line[3].replace('"', "'")


def test_locates_error_in_referenced_file_when_spec_spans_files(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path,
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            info: {title: T, version: "1"}
            paths:
              /items:
                $ref: paths/items.yaml
            """,
            "paths/items.yaml": """\
            get:
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        type: 12
            """,
        },
    )

    findings = validate_bundle(bundle_spec(path))

    assert [(f.location.file, f.location.line) for f in findings] == [
        ((tmp_path / "paths/items.yaml").resolve(), 8)
    ]


@pytest.mark.parametrize(
    ("declared", "expected"), [("3.0.3", "3.0"), ("3.1.0", "3.1"), ("3.1.1", "3.1")]
)
def test_accepts_spec_when_version_is_3_0_or_3_1(
    tmp_path: Path, declared: str, expected: str
) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": CLEAN_SPEC.replace("3.1.0", declared, 1)})
    bundle = bundle_spec(path)

    assert openapi_version(bundle) == expected
    assert validate_bundle(bundle) == []


def test_raises_not_supported_at_swagger_line_when_spec_is_swagger_2(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path,
        {"swagger.yaml": 'info: {title: T, version: "1"}\nswagger: "2.0"\npaths: {}\n'},
    )

    with pytest.raises(SpecInputError) as caught:
        validate_bundle(bundle_spec(path))

    assert caught.value.finding.code == "input-not-supported"
    assert "not supported" in caught.value.finding.message
    assert caught.value.finding.location.line == 2


def test_raises_not_openapi_when_version_field_is_missing(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": 'info: {title: T, version: "1"}\npaths: {}\n'})

    with pytest.raises(SpecInputError) as caught:
        openapi_version(bundle_spec(path))

    assert caught.value.finding.code == "input-not-openapi"


def test_raises_not_supported_when_version_is_not_3_0_or_3_1(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": CLEAN_SPEC.replace("3.1.0", "3.10.0", 1)})

    with pytest.raises(SpecInputError) as caught:
        openapi_version(bundle_spec(path))

    assert caught.value.finding.code == "input-not-supported"
    assert caught.value.finding.location.line == 1


def test_validates_paths_when_paths_object_has_an_extension(tmp_path: Path) -> None:
    # openapi-spec-validator 0.9 read `x-` members of the Paths Object as Path Items and
    # failed with a KeyError on a string (APIs.guru's apicurio.local spec).
    spec = CLEAN_SPEC.replace("paths:\n", "paths:\n  x-codegen-contextRoot: /apis/v2\n", 1)
    path = write_tree(tmp_path, {"openapi.yaml": spec})

    assert validate_bundle(bundle_spec(path)) == []
