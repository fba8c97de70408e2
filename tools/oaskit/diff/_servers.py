"""The base path of the API: the path part of the first root server's URL (OAS 3.1 4.8.5).

Clients built from base prefix every path with it; if it changes, every call misses unless the
client is configured with the new server by hand.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from oaskit.diff._model import Comparison, Rule, Side
from oaskit.diff._nodes import mapping, sequence
from oaskit.errors import Level
from oaskit.spec import Pointer

__all__ = ["BASE_PATH_CHANGED", "RULES", "compare_servers"]

BASE_PATH_CHANGED = Rule(
    "server-base-path-changed",
    "servers",
    Level.WARNING,
    "The first server's base path changed; clients using the default server call other URLs.",
)
RULES = (BASE_PATH_CHANGED,)

_VARIABLE = re.compile(r"\{([^{}]*)\}")


def _base_path(side: Side) -> tuple[Pointer, str] | None:
    servers = sequence(side.node(("servers",)))
    if not servers or not isinstance(servers[0], dict):
        return None
    server: dict[str, Any] = servers[0]
    url = server.get("url")
    if not isinstance(url, str):
        return None
    variables = mapping(server.get("variables"))

    def default(match: re.Match[str]) -> str:
        # OAS 3.1 4.8.6: a variable's `default` is what a client uses when given no value.
        value = mapping(variables.get(match.group(1))).get("default")
        return str(value) if value is not None else match.group(0)

    path = urlsplit(_VARIABLE.sub(default, url)).path.rstrip("/")
    return ("servers", 0, "url"), path


def compare_servers(cmp: Comparison) -> None:
    """Report a change of the first root server's base path."""
    old, new = _base_path(cmp.base), _base_path(cmp.head)
    if old is None or new is None or old[1] == new[1]:
        return
    cmp.report(
        BASE_PATH_CHANGED,
        f"the base path changed from {old[1] or '/'!r} to {new[1] or '/'!r}",
        base=old[0],
        head=new[0],
    )
