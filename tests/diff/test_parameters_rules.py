"""Request parameters: removed, added, required or not, moved, serialized differently."""

from __future__ import annotations

from pathlib import Path

from oaskit.errors import Level
from tests.diff._pairs import compare_texts, found, spec


def _spec(parameters: str, *, item: str = "") -> str:
    return spec(
        f"""
        paths:
          /items/{{id}}:
            parameters:
              - {{name: id, in: path, required: true, schema: {{type: string}}}}
              {item}
            get:
              parameters: {parameters}
              responses: {{"200": {{description: ok}}}}
        components:
          parameters:
            Limit: {{name: limit, in: query, schema: {{type: integer}}}}
        """
    )


GET = ("paths", "/items/{id}", "get")


def _errors(tmp_path: Path, base: str, head: str) -> list[str]:
    changes = compare_texts(tmp_path, base, head)
    return [change.rule.id for change in changes if change.level is Level.ERROR]


def test_parameter_added_is_an_error_when_required(tmp_path: Path) -> None:
    head = _spec("[{name: q, in: query, required: true, schema: {type: string}}]")

    changes = compare_texts(tmp_path, _spec("[]"), head)

    assert found(changes) == [
        ("request-parameter-added-required", "error", GET, (*GET, "parameters", 0))
    ]
    assert changes[0].operations == {"GET /items/{id}"}


def test_parameter_added_is_info_when_optional(tmp_path: Path) -> None:
    head = _spec("[{name: q, in: query, schema: {type: string}}]")

    changes = compare_texts(tmp_path, _spec("[]"), head)

    assert found(changes) == [("request-parameter-added", "info", GET, (*GET, "parameters", 0))]


def test_parameter_removed_is_a_warning_when_in_query(tmp_path: Path) -> None:
    base = _spec("[{name: q, in: query, schema: {type: string}}]")

    changes = compare_texts(tmp_path, base, _spec("[]"))

    assert found(changes) == [
        ("request-parameter-removed", "warning", (*GET, "parameters", 0), GET)
    ]


def test_required_is_an_error_when_tightened_and_info_when_loosened(tmp_path: Path) -> None:
    optional = _spec("[{name: q, in: query, schema: {type: string}}]")
    required = _spec("[{name: q, in: query, required: true, schema: {type: string}}]")

    tighter = compare_texts(tmp_path, optional, required)
    looser = compare_texts(tmp_path / "back", required, optional)

    assert [(c.rule.id, c.level.label) for c in tighter] == [
        ("request-parameter-became-required", "error")
    ]
    assert [(c.rule.id, c.level.label) for c in looser] == [
        ("request-parameter-became-optional", "info")
    ]


def test_parameter_moved_is_an_error_when_in_changes(tmp_path: Path) -> None:
    base = _spec("[{name: token, in: query, schema: {type: string}}]")
    head = _spec("[{name: token, in: header, schema: {type: string}}]")

    changes = compare_texts(tmp_path, base, head)

    assert found(changes) == [
        ("request-parameter-moved", "error", (*GET, "parameters", 0), (*GET, "parameters", 0))
    ]


def test_style_change_is_an_error_when_explode_differs_from_default(tmp_path: Path) -> None:
    base = _spec("[{name: tags, in: query, schema: {type: array, items: {type: string}}}]")
    head = _spec(
        "[{name: tags, in: query, explode: false, schema: {type: array, items: {type: string}}}]"
    )

    assert _errors(tmp_path, base, head) == ["request-parameter-serialization-changed"]


def test_serialization_is_unchanged_when_defaults_are_spelled_out(tmp_path: Path) -> None:
    base = _spec("[{name: tags, in: query, schema: {type: string}}]")
    head = _spec("[{name: tags, in: query, style: form, explode: true, schema: {type: string}}]")

    assert compare_texts(tmp_path, base, head) == []


def test_operation_parameter_wins_when_path_item_has_the_same(tmp_path: Path) -> None:
    # Path Item says optional, the operation's own says required: the operation's wins.
    base = _spec(
        "[{name: q, in: query, required: true, schema: {type: string}}]",
        item="- {name: q, in: query, schema: {type: string}}",
    )
    head = _spec("[{name: q, in: query, required: true, schema: {type: string}}]")

    assert compare_texts(tmp_path, base, head) == []


def test_parameters_compare_by_identity_when_referenced(tmp_path: Path) -> None:
    base = _spec('[{$ref: "#/components/parameters/Limit"}]')
    head = _spec("[{name: limit, in: query, schema: {type: integer}}]")
    missing = _spec('[{$ref: "#/components/parameters/Nothing"}]')

    assert compare_texts(tmp_path, base, head) == []
    assert found(compare_texts(tmp_path / "gone", base, missing)) == [
        ("request-parameter-removed", "warning", ("components", "parameters", "Limit"), GET)
    ]


def test_header_parameters_match_when_case_differs(tmp_path: Path) -> None:
    base = _spec("[{name: X-Trace, in: header, required: true, schema: {type: string}}]")
    head = _spec("[{name: x-trace, in: header, required: true, schema: {type: string}}]")
    ignored = _spec("[{name: Accept, in: header, required: true, schema: {type: string}}]")

    assert compare_texts(tmp_path, base, head) == []
    assert compare_texts(tmp_path / "ignored", _spec("[]"), ignored) == []


def test_path_parameter_keeps_its_identity_when_renamed(tmp_path: Path) -> None:
    base = _spec("[]")
    head = base.replace("{id}", "{key}").replace("name: id", "name: key")

    changes = compare_texts(tmp_path, base, head)

    assert [c.rule.id for c in changes] == ["endpoint-path-parameter-renamed"]


def test_serialization_changes_when_allow_reserved_is_set(tmp_path: Path) -> None:
    base = _spec("[{name: path, in: query, schema: {type: string}}]")
    head = _spec("[{name: path, in: query, allowReserved: true, schema: {type: string}}]")

    changes = compare_texts(tmp_path, base, head)

    assert [(c.rule.id, c.level.label) for c in changes] == [
        ("request-parameter-serialization-changed", "error")
    ]
    assert "allowing reserved characters" in changes[0].message
