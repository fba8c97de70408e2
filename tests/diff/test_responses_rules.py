"""Response statuses, response media types and response headers."""

from __future__ import annotations

from pathlib import Path

from tests.diff._pairs import compare_texts, found, spec

GET = ("paths", "/items", "get")
RESPONSES = (*GET, "responses")


def _spec(responses: str) -> str:
    return spec(
        f"""
        paths:
          /items:
            get:
              responses: {responses}
        """
    )


OK = '"200": {description: ok, content: {application/json: {schema: {type: object}}}}'
CREATED = '"201": {description: made}'
MISSING = '"404": {description: missing}'


def test_status_removed_is_an_error_when_success(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, _spec(f"{{{OK}, {CREATED}}}"), _spec(f"{{{OK}}}"))

    assert found(changes) == [
        ("response-success-status-removed", "error", (*RESPONSES, "201"), RESPONSES)
    ]


def test_status_added_is_a_warning_when_success(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, _spec(f"{{{OK}}}"), _spec(f"{{{OK}, {CREATED}}}"))

    assert found(changes) == [
        ("response-success-status-added", "warning", RESPONSES, (*RESPONSES, "201"))
    ]


def test_status_changes_are_info_when_not_success(tmp_path: Path) -> None:
    more = compare_texts(tmp_path, _spec(f"{{{OK}}}"), _spec(f"{{{OK}, {MISSING}}}"))
    fewer = compare_texts(tmp_path / "back", _spec(f"{{{OK}, {MISSING}}}"), _spec(f"{{{OK}}}"))

    assert [(c.rule.id, c.level.label) for c in more] == [("response-status-added", "info")]
    assert [(c.rule.id, c.level.label) for c in fewer] == [("response-status-removed", "info")]


def test_status_is_kept_when_a_range_covers_it(tmp_path: Path) -> None:
    ranged = _spec(OK.replace('"200"', '"2XX"').join("{}"))

    assert compare_texts(tmp_path, _spec(f"{{{OK}}}"), ranged) == []
    assert compare_texts(tmp_path / "back", ranged, _spec(f"{{{OK}}}")) == []


def test_default_is_success_when_no_2xx_is_declared(tmp_path: Path) -> None:
    base = _spec("{default: {description: anything}}")

    changes = compare_texts(tmp_path, base, _spec(f"{{{MISSING}}}"))

    assert [(c.rule.id, c.level.label) for c in changes] == [
        ("response-status-added", "info"),
        ("response-success-status-removed", "error"),
    ]


def test_response_media_type_removed_is_an_error_when_success(tmp_path: Path) -> None:
    head = _spec('{"200": {description: ok, content: {text/csv: {schema: {type: string}}}}}')

    changes = compare_texts(tmp_path, _spec(f"{{{OK}}}"), head)

    content = (*RESPONSES, "200", "content")
    assert found(changes) == [
        ("response-media-type-added", "info", content, (*content, "text/csv")),
        ("response-media-type-removed", "error", (*content, "application/json"), content),
    ]


def test_response_media_type_removed_is_a_warning_when_error(tmp_path: Path) -> None:
    base = _spec('{"400": {description: bad, content: {application/problem+json: {}}}}')
    head = _spec('{"400": {description: bad}}')

    changes = compare_texts(tmp_path, base, head)

    assert [(c.rule.id, c.level.label) for c in changes] == [
        ("error-response-media-type-removed", "warning")
    ]


def _headers(headers: str) -> str:
    return _spec(f'{{"200": {{description: ok, headers: {headers}}}}}')


def test_header_removed_is_an_error_when_required_and_a_warning_when_optional(
    tmp_path: Path,
) -> None:
    base = _headers(
        "{X-Rate: {required: true, schema: {type: integer}}, X-Page: {schema: {type: integer}}}"
    )

    changes = compare_texts(tmp_path, base, _headers("{}"))

    headers = (*RESPONSES, "200", "headers")
    assert found(changes) == [
        ("response-header-removed", "warning", (*headers, "X-Page"), (*RESPONSES, "200")),
        ("response-required-header-removed", "error", (*headers, "X-Rate"), (*RESPONSES, "200")),
    ]


def test_header_is_an_error_when_made_optional(tmp_path: Path) -> None:
    base = _headers("{X-Rate: {required: true, schema: {type: integer}}}")
    head = _headers("{x-rate: {schema: {type: integer}}}")

    changes = compare_texts(tmp_path, base, head)

    headers = (*RESPONSES, "200", "headers")
    assert found(changes) == [
        (
            "response-header-became-optional",
            "error",
            (*headers, "X-Rate"),
            (*headers, "x-rate"),
        )
    ]


def test_header_reports_no_error_when_made_required_or_added(tmp_path: Path) -> None:
    base = _headers("{X-Rate: {schema: {type: integer}}}")
    head = _headers("{X-Rate: {required: true, schema: {type: integer}}, X-New: {}}")

    assert compare_texts(tmp_path, base, head) == []


def test_response_range_kept_when_narrowed_to_a_type_inside_it(tmp_path: Path) -> None:
    ranged = _spec(f"{{{OK.replace('application/json', 'application/*')}}}")

    narrowed = compare_texts(tmp_path, ranged, _spec(f"{{{OK}}}"))
    widened = compare_texts(tmp_path / "back", _spec(f"{{{OK}}}"), ranged)

    assert [(c.rule.id, c.level.label) for c in narrowed] == [("response-media-type-added", "info")]
    assert [(c.rule.id, c.level.label) for c in widened] == [
        ("response-media-type-added", "info"),
        ("response-media-type-removed", "error"),
    ]
