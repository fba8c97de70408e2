"""Path keys no request can reach: one holding a fragment (`#`) or a query string (`?`).

A path is appended to the server URL to make an operation's URL (OAS 3.1 4.8.8.1), and in a
URL a `#` starts the fragment, which a client never sends (RFC 3986 3.5; RFC 9110 7.1), and a
`?` starts the query (RFC 3986 3.4). Specs converted from protocols that pick the operation by
a query value (AWS's `/#Action=DescribeInstances`, `/?Action=…`) write them into path keys: a
server route for such a key matches no request line, and a client can only send the character
percent-encoded, a path the API does not have. Lint reports these keys and regen refuses them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oaskit.errors import Finding, Level
from oaskit.spec._bundle import Bundle
from oaskit.spec._load import Pointer

__all__ = ["FRAGMENT", "QUERY", "fragment_message", "query_message", "unroutable_paths"]

# The codes of the lint rules that report these keys, used for regen's findings too.
FRAGMENT = "path-has-no-fragment"
QUERY = "path-has-no-query"


def fragment_message(path: str) -> str | None:
    """What is wrong with `path` if it holds a fragment; None when it does not."""
    if "#" not in path:
        return None
    return (
        f"path {path!r} holds a fragment (`#`), which no request sends to a server; "
        "tell operations apart by path or declare `in: query` parameters"
    )


def query_message(path: str) -> str | None:
    """What is wrong with `path` if it holds a query string; None when it does not."""
    if "?" not in path:
        return None
    return f"path {path!r} holds a query string; declare `in: query` parameters"


def unroutable_paths(bundle: Bundle) -> list[Finding]:
    """An error for each path key with a fragment or a query string, at the key: what regen
    refuses, since the routes and client calls it would generate reach no operation."""
    findings = []
    for pointer, path in _path_keys(bundle.data):
        for code, message in ((FRAGMENT, fragment_message(path)), (QUERY, query_message(path))):
            if message is not None:
                findings.append(Finding(code, message, bundle.locate_key(pointer), Level.ERROR))
    return findings


def _path_keys(data: Any) -> Iterator[tuple[Pointer, str]]:
    paths = data.get("paths") if isinstance(data, dict) else None
    for path in paths if isinstance(paths, dict) else ():
        yield ("paths", path), str(path)
