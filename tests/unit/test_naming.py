"""`oaskit.ir` naming: valid, collision-free, deterministic Python names."""

from __future__ import annotations

import keyword

import pytest

from oaskit.ir import class_name, snake_name, unique


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("createConnector", "create_connector"),
        ("getHTTPResponse", "get_http_response"),
        ("HTTPServer", "http_server"),
        ("X-Request-Id", "x_request_id"),
        ("connector-id", "connector_id"),
        ("user.id", "user_id"),
        ("already_snake", "already_snake"),
    ],
)
def test_snake_name_splits_words_when_text_is_camel_or_kebab(text: str, expected: str) -> None:
    assert snake_name(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("class", "class_"),
        ("from", "from_"),
        ("None", "none"),
        ("self", "self_"),
        ("body", "body_"),
    ],
)
def test_snake_name_appends_underscore_when_text_is_keyword_or_reserved(
    text: str, expected: str
) -> None:
    assert snake_name(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("1st", "n_1st"), ("2-factor", "n_2_factor")])
def test_snake_name_prefixes_letter_when_text_starts_with_digit(text: str, expected: str) -> None:
    assert snake_name(text) == expected


def test_snake_name_falls_back_to_value_when_text_has_no_letters() -> None:
    assert snake_name("--") == "value"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("connector-create", "ConnectorCreate"),
        ("ConnectorCreate", "ConnectorCreate"),
        ("error_body", "ErrorBody"),
        ("HTTPServer", "HTTPServer"),
        ("2fa", "M2fa"),
        ("", "Model"),
    ],
)
def test_class_name_is_pascal_case_when_text_is_any_spelling(text: str, expected: str) -> None:
    assert class_name(text) == expected


@pytest.mark.parametrize("text", ["None", "True", "False", "none", "true"])
def test_class_name_is_an_identifier_when_text_spells_a_keyword(text: str) -> None:
    # A schema named `None` would otherwise become `class None(ApiModel)`, a syntax error.
    name = class_name(text)

    assert name.isidentifier()
    assert not keyword.iskeyword(name)


def test_unique_numbers_names_when_they_collide() -> None:
    taken: set[str] = set()

    names = [unique(snake_name(text), taken) for text in ("userId", "user_id", "user-id", "userID")]

    assert names == ["user_id", "user_id_2", "user_id_3", "user_id_4"]
    assert taken == set(names)


def test_unique_skips_numbered_name_when_it_is_already_taken() -> None:
    taken = {"item", "item_2"}

    assert unique("item", taken) == "item_3"
    assert unique("other", taken) == "other"
