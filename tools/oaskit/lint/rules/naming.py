"""Rules about names: operationIds in URLs, property casing."""

from __future__ import annotations

import re
from collections import Counter

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index
from oaskit.spec import Bundle, Pointer

__all__ = ["operation_id_is_url_safe", "property_names_have_consistent_casing"]

# RFC 3986 2.2 and 2.3: unreserved and reserved characters, the ones a URL keeps unescaped.
_URL_SAFE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*$")
_STYLES = (
    ("camelCase", re.compile(r"^[a-z][a-z0-9]*([A-Z][a-z0-9]*)+$")),
    ("snake_case", re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")),
    ("kebab-case", re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")),
    ("PascalCase", re.compile(r"^[A-Z][a-z0-9]+([A-Z][a-z0-9]*)*$")),
    ("SCREAMING_SNAKE_CASE", re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")),
)


@rule(
    "operation-id-is-url-safe",
    level=Level.WARNING,
    peers=("spectral:operation-operationId-valid-in-url", "redocly:operation-operationId-url-safe"),
)
def operation_id_is_url_safe(bundle: Bundle) -> Found:
    """Every operationId uses only characters a URL keeps unescaped (RFC 3986 2).

    Documentation sites put the operationId in links and anchors, and link objects name
    operations by it (OAS 3.1 4.8.20); a space or a non-ASCII letter must then be escaped and
    the id reads differently in the URL than in the spec. OAS puts no constraint on its
    characters, so this is a warning.
    """
    for site in index(bundle).operations:
        operation_id = site.operation.get("operationId")
        if isinstance(operation_id, str) and not _URL_SAFE.match(operation_id):
            yield (
                (*site.pointer, "operationId"),
                f"operationId {operation_id!r} has characters a URL must escape",
            )


def _style(name: str) -> str | None:
    """The casing `name` is written in; None for one lower-case word, which fits every style."""
    bare = name.lstrip("_$@")
    for style, pattern in _STYLES:
        if pattern.match(bare):
            return style
    return None


@rule("property-names-have-consistent-casing", level=Level.WARNING, default=False)
def property_names_have_consistent_casing(bundle: Bundle) -> Found:
    """All property names of a spec use the casing most of them use.

    A house rule: the casing written most often (camelCase, snake_case, kebab-case,
    PascalCase or SCREAMING_SNAKE_CASE) is the spec's, and a property written otherwise is
    reported. Single lower-case words fit every style and are not counted. Property names are
    the wire format, so a spec that mixes styles on purpose (a vendor's payload kept as is)
    ignores this per file; off unless selected.
    """
    names: list[tuple[Pointer, str, str]] = []
    for site in index(bundle).schemas:
        properties = site.schema.get("properties")
        for name in properties if isinstance(properties, dict) else {}:
            style = _style(name)
            if style is not None:
                names.append(((*site.pointer, "properties", name), name, style))
    counts = Counter(style for _, _, style in names)
    if len(counts) < 2:
        return
    # Ties go to the style listed first (camelCase), so the result does not depend on order.
    order = [style for style, _ in _STYLES]
    dominant = min(counts, key=lambda style: (-counts[style], order.index(style)))
    for pointer, name, style in names:
        if style != dominant:
            yield pointer, f"property {name!r} is {style}; this spec's properties are {dominant}"
