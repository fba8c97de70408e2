"""Endpoints removed, added, renamed and re-identified; deprecation and sunset."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.diff._pairs import compare_texts, found, spec

TWO = spec(
    """
    paths:
      /items/{id}:
        get:
          operationId: getItem
          responses: {"200": {description: ok}}
        delete:
          operationId: deleteItem
          responses: {"204": {description: gone}}
    """
)
ONE = spec(
    """
    paths:
      /items/{id}:
        get:
          operationId: getItem
          responses: {"200": {description: ok}}
    """
)


def test_endpoint_removed_is_an_error_when_not_deprecated(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, TWO, ONE)

    assert found(changes) == [
        ("endpoint-removed", "error", ("paths", "/items/{id}", "delete"), ("paths", "/items/{id}"))
    ]
    assert changes[0].operations == {"DELETE /items/{id}"}


def test_endpoint_added_is_info_when_new_in_head(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, ONE, TWO)

    assert found(changes) == [
        ("endpoint-added", "info", ("paths", "/items/{id}"), ("paths", "/items/{id}", "delete"))
    ]


def test_nothing_reported_when_specs_are_equal(tmp_path: Path) -> None:
    assert compare_texts(tmp_path, TWO, TWO) == []


def test_renamed_path_parameter_is_the_same_endpoint_when_shape_matches(tmp_path: Path) -> None:
    base = spec(
        """
        paths:
          /items/{id}:
            parameters:
              - {name: id, in: path, required: true, schema: {type: string}}
            get:
              responses: {"200": {description: ok}}
            delete:
              responses: {"204": {description: gone}}
        """
    )
    head = base.replace("{id}", "{key}").replace("name: id", "name: key")

    changes = compare_texts(tmp_path, base, head)

    assert found(changes) == [
        (
            "endpoint-path-parameter-renamed",
            "info",
            ("paths", "/items/{id}"),
            ("paths", "/items/{key}"),
        )
    ]
    assert changes[0].operations == {"GET /items/{id}", "DELETE /items/{id}"}


def test_operation_id_changed_is_a_warning_when_renamed(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, ONE, ONE.replace("getItem", "readItem"))

    assert found(changes) == [
        (
            "operation-id-changed",
            "warning",
            ("paths", "/items/{id}", "get", "operationId"),
            ("paths", "/items/{id}", "get", "operationId"),
        )
    ]


def _deprecated(extra: str) -> str:
    return TWO.replace(
        "operationId: deleteItem", "operationId: deleteItem\n      deprecated: true" + extra
    )


def test_removal_is_info_when_deprecated_and_sunset_passed(tmp_path: Path) -> None:
    base = _deprecated("\n      x-sunset: '2025-01-31'")

    changes = compare_texts(tmp_path, base, ONE, today=date(2025, 2, 1))

    assert [(c.rule.id, c.level.label) for c in changes] == [
        ("endpoint-removed-after-sunset", "info")
    ]


def test_removal_is_an_error_when_sunset_not_reached(tmp_path: Path) -> None:
    base = _deprecated("\n      x-sunset: '2025-01-31'")

    changes = compare_texts(tmp_path, base, ONE, today=date(2025, 1, 30))

    assert [(c.rule.id, c.level.label) for c in changes] == [("endpoint-removed", "error")]
    assert "before its sunset date 2025-01-31" in changes[0].message


def test_sunset_header_date_is_read_when_given_as_http_date(tmp_path: Path) -> None:
    base = spec(
        """
        paths:
          /old:
            get:
              deprecated: true
              responses:
                "200":
                  description: ok
                  headers:
                    Sunset:
                      schema: {type: string, example: "Sat, 01 Mar 2025 00:00:00 GMT"}
          /kept:
            get:
              responses: {"200": {description: ok}}
        """
    )
    head = spec(
        """
        paths:
          /kept:
            get:
              responses: {"200": {description: ok}}
        """
    )

    late = compare_texts(tmp_path, base, head, today=date(2025, 3, 2))
    early = compare_texts(tmp_path, base, head, today=date(2025, 2, 2))

    assert [c.rule.id for c in late] == ["endpoint-removed-after-sunset"]
    assert [c.rule.id for c in early] == ["endpoint-removed"]


def test_deprecation_is_a_warning_when_no_sunset_is_given(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, TWO, _deprecated(""))

    assert found(changes) == [
        (
            "endpoint-deprecated",
            "warning",
            ("paths", "/items/{id}", "delete"),
            ("paths", "/items/{id}", "delete", "deprecated"),
        )
    ]


def test_deprecation_is_info_when_a_sunset_is_given(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, TWO, _deprecated("\n      x-sunset: '2030-01-01'"))

    assert [(c.rule.id, c.level.label) for c in changes] == [
        ("endpoint-deprecated-with-sunset", "info")
    ]
    assert "2030-01-01" in changes[0].message


def test_reactivation_is_info_when_deprecated_goes(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, _deprecated(""), TWO)

    assert [(c.rule.id, c.level.label) for c in changes] == [("endpoint-reactivated", "info")]


def test_sunset_is_a_warning_when_moved_earlier(tmp_path: Path) -> None:
    base = _deprecated("\n      x-sunset: '2030-01-01'")
    head = _deprecated("\n      x-sunset: '2029-01-01'")

    changes = compare_texts(tmp_path, base, head)

    assert found(changes) == [
        (
            "endpoint-sunset-earlier",
            "warning",
            ("paths", "/items/{id}", "delete", "x-sunset"),
            ("paths", "/items/{id}", "delete", "x-sunset"),
        )
    ]


def test_path_items_are_followed_when_referenced(tmp_path: Path) -> None:
    base = spec(
        """
        paths:
          /items:
            $ref: "#/components/pathItems/Items"
        components:
          pathItems:
            Items:
              get:
                responses: {"200": {description: ok}}
              post:
                responses: {"201": {description: made}}
        """
    )
    head = base.replace('      post:\n        responses: {"201": {description: made}}\n', "")

    changes = compare_texts(tmp_path, base, head)

    assert found(changes) == [
        (
            "endpoint-removed",
            "error",
            ("components", "pathItems", "Items", "post"),
            ("paths", "/items"),
        )
    ]


def test_deprecation_is_info_when_a_sunset_header_is_declared(tmp_path: Path) -> None:
    head = _deprecated("").replace(
        '"204": {description: gone}',
        '"204": {description: gone, headers: {Sunset: {schema: {type: string}}}}',
    )

    changes = compare_texts(tmp_path, TWO, head)

    assert [(c.rule.id, c.level.label) for c in changes] == [
        ("endpoint-deprecated-with-sunset", "info")
    ]
    assert "announced sunset" in changes[0].message
