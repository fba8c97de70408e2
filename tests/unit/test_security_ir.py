"""`ir/_build`: security schemes as client credentials, cookie names, the validation status."""

from __future__ import annotations

from typing import Any

import pytest

from generated.connectors._runtime.style import encode_cookie
from oaskit.ir import build_api


def _spec(schemes: dict[str, Any], security: list[Any], statuses: tuple[str, ...] = ()) -> Any:
    responses = {"204": {"description": "Done."}}
    responses.update({status: {"description": "No."} for status in statuses})
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/a": {"get": {"operationId": "a", "security": security, "responses": responses}}
        },
        "components": {"securitySchemes": schemes},
    }


def _api(spec: Any, **options: Any) -> Any:
    return build_api(spec, name="t", source="t.yaml", package="t", **options)


def test_every_scheme_is_a_credential_where_it_is_sent_when_declared() -> None:
    schemes = {
        "apiKey": {"type": "apiKey", "in": "query", "name": "key"},
        "my cookie": {"type": "apiKey", "in": "cookie", "name": "a=b"},
        "basic": {"type": "http", "scheme": "BASIC"},
        "hoba": {"type": "http", "scheme": "HOBA"},
        "oauth": {"type": "oauth2", "flows": {}},
        "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://x.test"},
        "tls": {"type": "mutualTLS"},
        "str": {"type": "http", "scheme": "bearer"},
        "broken": {"type": "http", "scheme": "a b"},
    }

    api = _api(_spec(schemes, []))

    assert [(c.python_name, c.kind, c.location, c.key, c.prefix) for c in api.credentials] == [
        ("api_key", "apiKey", "query", "key", ""),
        ("my_cookie", "apiKey", "cookie", "a=b", ""),
        ("basic", "basic", "header", "Authorization", "Basic "),
        ("hoba", "http", "header", "Authorization", "HOBA "),
        ("oauth", "bearer", "header", "Authorization", "Bearer "),
        ("oidc", "bearer", "header", "Authorization", "Bearer "),
        ("str_2", "bearer", "header", "Authorization", "Bearer "),
    ]
    assert api.credentials[2].annotation == "tuple[str, str] | None"


def test_operation_lists_credential_alternatives_in_spec_order_when_it_has_security() -> None:
    schemes = {
        "k": {"type": "apiKey", "in": "header", "name": "X-K"},
        "c": {"type": "apiKey", "in": "cookie", "name": "c"},
        "tls": {"type": "mutualTLS"},
    }
    security: list[dict[str, list[str]]] = [
        {"k": [], "c": []},
        {"tls": []},
        {"nowhere": []},
        {},
        {"c": []},
    ]

    (operation,) = _api(_spec(schemes, security)).operations

    # Sorted within a requirement, as `Operation.security` is; mutual TLS and undeclared or
    # empty alternatives leave nothing to send.
    assert operation.credentials == (("c", "k"), ("c",))
    assert operation.credential_locations == ("header", "cookie")


@pytest.mark.parametrize(
    ("statuses", "setting", "status"),
    [
        ((), "documented", 400),
        (("422",), "documented", 422),
        (("400", "422"), "documented", 400),
        (("400",), "documented", 400),
        (("400",), "422", 422),
        (("422",), "400", 400),
    ],
)
def test_validation_status_follows_the_documented_responses_unless_set(
    statuses: tuple[str, ...], setting: str, status: int
) -> None:
    (operation,) = _api(_spec({}, [], statuses), validation_status=setting).operations

    assert operation.validation_status == status


@pytest.mark.parametrize(
    ("name", "sent"),
    [
        ("session", "session"),
        ("a b", "a%20b"),
        ("a;b=c", "a%3Bb%3Dc"),
        ("50%", "50%25"),
        ("x!#$&'*+-.^_`|~", "x!#$&'*+-.^_`|~"),
        ("é", "%C3%A9"),
        ('"q"', "%22q%22"),
    ],
)
def test_cookie_name_is_a_token_when_sent(name: str, sent: str) -> None:
    # RFC 6265 4.1.1: a cookie name is a token; anything else is percent-encoded, so a name
    # with `=`, `;` or a space neither splits the `Cookie` header nor reads as another cookie.
    assert encode_cookie("v", name=name) == [f"{sent}=v"]
