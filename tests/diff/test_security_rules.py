"""Effective security of operations, and the security schemes they name."""

from __future__ import annotations

from pathlib import Path

from tests.diff._pairs import compare_texts, found, spec

GET = ("paths", "/items", "get")


def _spec(root: str, operation: str = "", schemes: str = "") -> str:
    return spec(
        f"""
        security: {root}
        paths:
          /items:
            get:
              {operation}
              responses: {{"200": {{description: ok}}}}
        components:
          securitySchemes:
            key: {{type: apiKey, in: header, name: X-Key}}
            oauth:
              type: oauth2
              flows:
                clientCredentials:
                  tokenUrl: https://auth.example/token
                  scopes: {{read: r, write: w}}
            {schemes}
        """
    )


def _rules(changes: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(change.rule.id, change.level.label) for change in changes]


def test_security_is_an_error_when_added_where_there_was_none(tmp_path: Path) -> None:
    changes = compare_texts(tmp_path, _spec("[]"), _spec("[{key: []}]"))

    assert found(changes) == [("security-requirement-added", "error", ("security",), ("security",))]
    assert changes[0].operations == {"GET /items"}


def test_operation_security_wins_when_the_root_has_some(tmp_path: Path) -> None:
    base = _spec("[{key: []}]")
    head = _spec("[{key: []}]", operation="security: [{oauth: [read]}]")

    changes = compare_texts(tmp_path, base, head)

    assert found(changes) == [
        ("security-requirement-added", "error", ("security",), (*GET, "security")),
        ("security-requirement-relaxed", "info", ("security",), (*GET, "security")),
    ]


def test_scope_is_an_error_when_added_and_info_when_removed(tmp_path: Path) -> None:
    one = _spec("[{oauth: [read]}]")
    two = _spec("[{oauth: [read, write]}]")

    assert _rules(compare_texts(tmp_path, one, two)) == [("security-scope-added", "error")]
    assert _rules(compare_texts(tmp_path / "back", two, one)) == [
        ("security-scope-removed", "info")
    ]


def test_security_is_info_when_an_alternative_or_anonymous_access_is_added(tmp_path: Path) -> None:
    key = _spec("[{key: []}]")
    either = _spec("[{key: []}, {oauth: [read]}]")
    anonymous = _spec("[{key: []}, {}]")

    assert _rules(compare_texts(tmp_path, key, either)) == [
        ("security-requirement-relaxed", "info")
    ]
    assert _rules(compare_texts(tmp_path / "anon", key, anonymous)) == [
        ("security-requirement-relaxed", "info")
    ]
    assert _rules(compare_texts(tmp_path / "off", key, _spec("[]"))) == [
        ("security-requirement-relaxed", "info")
    ]


def test_security_is_an_error_when_an_alternative_is_removed(tmp_path: Path) -> None:
    either = _spec("[{key: []}, {oauth: [read]}]")

    changes = compare_texts(tmp_path, either, _spec("[{key: []}]"))

    assert _rules(changes) == [("security-requirement-added", "error")]
    assert "oauth [read]" in changes[0].message


def test_scheme_is_an_error_when_removed_or_changed(tmp_path: Path) -> None:
    base = _spec("[{key: []}]", schemes="basic: {type: http, scheme: basic}")
    head = _spec("[{key: []}]").replace("in: header", "in: query")

    changes = compare_texts(tmp_path, base, head)

    schemes = ("components", "securitySchemes")
    assert found(changes) == [
        ("security-scheme-removed", "error", (*schemes, "basic"), schemes),
        ("security-scheme-changed", "error", (*schemes, "key"), (*schemes, "key")),
    ]
    assert changes[1].operations == {"GET /items"}


def test_scheme_is_unchanged_when_only_details_clients_do_not_send_change(tmp_path: Path) -> None:
    base = _spec("[{key: []}]", schemes="bearer: {type: http, scheme: bearer}")
    head = _spec(
        "[{key: []}]", schemes="bearer: {type: http, scheme: Bearer, description: JWT}"
    ).replace("auth.example", "login.example")

    assert compare_texts(tmp_path, base, head) == []


def test_root_security_is_reported_once_when_it_reaches_many_operations(tmp_path: Path) -> None:
    base = spec(
        """
        security: [{key: []}]
        paths:
          /a: {get: {responses: {"200": {description: ok}}}}
          /b: {get: {responses: {"200": {description: ok}}}}
          /c: {get: {security: [], responses: {"200": {description: ok}}}}
        components:
          securitySchemes:
            key: {type: apiKey, in: header, name: X-Key}
            other: {type: apiKey, in: header, name: X-Other}
        """
    )
    head = base.replace("security: [{key: []}]", "security: [{other: []}]")

    changes = compare_texts(tmp_path, base, head)

    assert found(changes) == [
        ("security-requirement-added", "error", ("security",), ("security",)),
        ("security-requirement-relaxed", "info", ("security",), ("security",)),
    ]
    assert changes[0].operations == {"GET /a", "GET /b"}
