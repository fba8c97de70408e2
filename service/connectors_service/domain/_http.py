"""Rules of an HTTP request template: placeholders, and no literal secret in a credential header."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from connectors_service.domain._errors import Violation
from connectors_service.domain._secrets import is_secret_name

__all__ = ["check_http", "placeholders"]

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")
# Headers that carry credentials whatever their value looks like (RFC 9110 11.6.2, RFC 6265).
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


def placeholders(http: Mapping[str, Any] | None) -> list[str]:
    """The names the template's URL and header values refer to, in order, once each."""
    if not http:
        return []
    texts = [str(http.get("url", "")), *(str(v) for v in (http.get("headers") or {}).values())]
    found: dict[str, None] = {}
    for text in texts:
        for match in PLACEHOLDER.finditer(text):
            found.setdefault(match.group(1), None)
    return list(found)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def check_http(http: Mapping[str, Any] | None, *, pointer: str = "/http") -> list[Violation]:
    """A credential header must take its value from a placeholder, never hold it literally."""
    violations = []
    for name, value in ((http or {}).get("headers") or {}).items():
        credential = name.lower() in _CREDENTIAL_HEADERS or is_secret_name(name)
        if credential and not PLACEHOLDER.search(str(value)):
            violations.append(
                Violation(
                    f"{pointer}/headers/{_escape(name)}",
                    "LITERAL_SECRET_IN_HEADER",
                    "A credential header must use a {{ placeholder }} instead of a literal value.",
                )
            )
    return violations
