"""Request bodies and request media types."""

from __future__ import annotations

from pathlib import Path

from tests.diff._pairs import compare_texts, found, spec

POST = ("paths", "/items", "post")


def _spec(body: str) -> str:
    return spec(
        f"""
        paths:
          /items:
            post:
              {body}
              responses: {{"201": {{description: made}}}}
        components:
          requestBodies:
            Item:
              required: true
              content: {{application/json: {{schema: {{type: object}}}}}}
        """
    )


JSON = "requestBody: {content: {application/json: {schema: {type: object}}}}"
REQUIRED = "requestBody: {required: true, content: {application/json: {schema: {type: object}}}}"
BOTH = (
    "requestBody: {required: true, content: {application/json: {schema: {type: object}},"
    " application/xml: {schema: {type: object}}}}"
)


def test_body_added_is_an_error_when_required(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, _spec(""), _spec(REQUIRED))

    assert found(changes) == [
        ("request-body-added-required", "error", POST, (*POST, "requestBody"))
    ]


def test_body_added_is_info_when_optional(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, _spec(""), _spec(JSON))

    assert [(c.rule.id, c.level.label) for c in changes] == [("request-body-added", "info")]


def test_body_required_is_an_error_when_tightened_and_info_when_loosened(tmp_path: Path) -> None:
    tighter = compare_texts(tmp_path, _spec(JSON), _spec(REQUIRED))
    looser = compare_texts(tmp_path / "back", _spec(REQUIRED), _spec(JSON))

    assert found(tighter) == [
        ("request-body-became-required", "error", (*POST, "requestBody"), (*POST, "requestBody"))
    ]
    assert [(c.rule.id, c.level.label) for c in looser] == [
        ("request-body-became-optional", "info")
    ]


def test_body_removed_is_a_warning_when_base_had_one(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, _spec(JSON), _spec(""))

    assert found(changes) == [("request-body-removed", "warning", (*POST, "requestBody"), POST)]


def test_request_media_type_is_an_error_when_removed_and_info_when_added(tmp_path: Path) -> None:
    narrower = compare_texts(tmp_path, _spec(BOTH), _spec(REQUIRED))
    wider = compare_texts(tmp_path / "back", _spec(REQUIRED), _spec(BOTH))

    body = (*POST, "requestBody", "content")
    assert found(narrower) == [
        ("request-media-type-removed", "error", (*body, "application/xml"), body)
    ]
    assert found(wider) == [("request-media-type-added", "info", body, (*body, "application/xml"))]


def test_media_types_match_when_case_differs(tmp_path: Path) -> None:
    head = _spec(REQUIRED.replace("application/json", "Application/JSON"))

    assert compare_texts(tmp_path, _spec(REQUIRED), head) == []


def test_referenced_body_is_the_same_when_inlined(tmp_path: Path) -> None:
    base = _spec('requestBody: {$ref: "#/components/requestBodies/Item"}')

    assert compare_texts(tmp_path, base, _spec(REQUIRED)) == []


def test_request_media_type_kept_when_a_head_range_accepts_it(tmp_path: Path) -> None:
    head = _spec(REQUIRED.replace("application/json", "application/*"))

    changes = compare_texts(tmp_path, _spec(REQUIRED), head)

    assert [(c.rule.id, c.level.label) for c in changes] == [("request-media-type-added", "info")]
