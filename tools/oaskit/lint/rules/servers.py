"""Rules about Server Objects (top level, path items and operations)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index
from oaskit.spec import Bundle, Pointer

__all__ = [
    "server_url_has_no_trailing_slash",
    "server_url_is_not_example",
    "server_variables_are_valid",
    "servers_are_declared",
]

_VARIABLE = re.compile(r"\{([^{}]*)\}")
# RFC 2606 2 and 3 reserve these names for documentation.
_EXAMPLE_HOSTS = re.compile(r"(^|\.)example\.(com|net|org)$")


def _servers(bundle: Bundle) -> Iterator[tuple[Pointer, dict[str, Any]]]:
    spec = index(bundle)
    owners: list[tuple[Pointer, Any]] = [((), spec.data)]
    owners += [(pointer, item) for pointer, _, item in spec.path_items]
    owners += [(site.pointer, site.operation) for site in spec.operations]
    for pointer, owner in owners:
        servers = owner.get("servers") if isinstance(owner, dict) else None
        for position, server in enumerate(servers if isinstance(servers, list) else []):
            if isinstance(server, dict) and isinstance(server.get("url"), str):
                yield (*pointer, "servers", position), server


@rule(
    "servers-are-declared",
    level=Level.WARNING,
    default=False,
    peers=("spectral:oas3-api-servers", "redocly:no-empty-servers"),
)
def servers_are_declared(bundle: Bundle) -> Found:
    """The spec lists at least one server at the top level.

    Without `servers` the server is `/`, relative to wherever the document was served from
    (OAS 3.1 4.8.1.1), which is rarely where the API runs. A spec for an API deployed at many
    places (on premises, per tenant) may leave it out on purpose: a policy, off unless
    selected.
    """
    servers = index(bundle).data.get("servers")
    if not isinstance(servers, list) or not servers:
        yield (), "the spec declares no servers"


@rule(
    "server-url-is-not-example",
    level=Level.WARNING,
    peers=("spectral:oas3-server-not-example.com", "redocly:no-server-example.com"),
)
def server_url_is_not_example(bundle: Bundle) -> Found:
    """No server URL points at a documentation-only host such as example.com.

    RFC 2606 reserves example.com, example.net and example.org for documentation; a server
    URL there is a placeholder that was never filled in, and clients generated from the spec
    call a host that answers nothing useful.
    """
    for pointer, server in _servers(bundle):
        host = urlsplit(_VARIABLE.sub("x", server["url"])).hostname or ""
        if _EXAMPLE_HOSTS.search(host):
            yield (*pointer, "url"), f"server URL {server['url']!r} is an example host"


@rule(
    "server-url-has-no-trailing-slash",
    level=Level.WARNING,
    peers=("spectral:oas3-server-trailing-slash", "redocly:no-server-trailing-slash"),
)
def server_url_has_no_trailing_slash(bundle: Bundle) -> Found:
    """No server URL ends with a slash: paths start with one (OAS 3.1 4.8.8.1).

    A path "MUST begin with a forward slash" and is appended to the server URL without
    joining rules (OAS 3.1 4.8.8.1), so `https://api.test/v1/` and `/pets` make
    `https://api.test/v1//pets`, which many servers do not route. `/` alone is fine.
    """
    for pointer, server in _servers(bundle):
        url = server["url"]
        if url.endswith("/") and url != "/":
            yield (*pointer, "url"), f"server URL {url!r} ends with a slash"


@rule(
    "server-variables-are-valid",
    peers=(
        "spectral:oas3-server-variables",
        "redocly:no-server-variables-empty-enum",
        "redocly:no-undefined-server-variable",
    ),
)
def server_variables_are_valid(bundle: Bundle) -> Found:
    """Server URL variables are declared and used, with a non-empty enum holding the default.

    A `{name}` in a server URL is substituted from the Server Object's `variables` (OAS 3.1
    4.8.5.1): an undeclared one leaves no value to put there, and a declared one the URL does
    not use means the URL lost a part. A variable's `enum` "MUST NOT be empty" and its
    `default` "MUST exist in the enum's values" (OAS 3.1 4.8.6.1; 3.0 4.7.6.1 says SHOULD).
    In each case a client cannot build the server's URL as the spec means it.
    """
    for pointer, server in _servers(bundle):
        used = _VARIABLE.findall(server["url"])
        declared = server.get("variables")
        variables = declared if isinstance(declared, dict) else {}
        for name in dict.fromkeys(used):
            if name not in variables:
                yield (*pointer, "url"), f"server variable {name!r} is not declared"
        for name, variable in variables.items():
            here = (*pointer, "variables", name)
            if name not in used:
                yield here, f"server variable {name!r} is not used in the URL"
            if not isinstance(variable, dict):
                continue
            enum = variable.get("enum")
            # OAS 3.1 4.8.6.1: the enum MUST NOT be empty, the default MUST be one of it.
            if isinstance(enum, list) and not enum:
                yield (*here, "enum"), f"server variable {name!r} has an empty enum"
            elif isinstance(enum, list) and variable.get("default") not in enum:
                yield (
                    (*here, "default"),
                    f"default {variable.get('default')!r} of server variable {name!r} "
                    "is not in its enum",
                )
