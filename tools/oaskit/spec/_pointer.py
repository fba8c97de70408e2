"""JSON Pointer (RFC 6901) parsing and formatting."""

from __future__ import annotations

from urllib.parse import unquote

from oaskit.spec._load import Pointer

__all__ = ["format_pointer", "parse_pointer"]


def parse_pointer(fragment: str) -> Pointer:
    """Tokens of a URI fragment such as `/paths/~1v1~1items/get` (the `#` already removed)."""
    if not fragment:
        return ()
    # A `$ref` fragment is URI-encoded first (RFC 3986), then a JSON pointer.
    text = unquote(fragment)
    if not text.startswith("/"):
        raise ValueError(f"not a JSON pointer: {fragment!r}")
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in text[1:].split("/"))


def format_pointer(pointer: Pointer) -> str:
    """`#/a/b~1c` for the tokens `a`, `b/c`."""
    escaped = (str(token).replace("~", "~0").replace("/", "~1") for token in pointer)
    return "#/" + "/".join(escaped) if pointer else "#"
