"""Rules about reusable components."""

from __future__ import annotations

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index
from oaskit.spec import Bundle, parse_pointer

__all__ = ["components_are_used"]

# Sections reached through `$ref`; security schemes are named by Security Requirement Objects
# instead and `components.pathItems` may be the target of webhooks only (OAS 3.1 4.8.7).
_SECTIONS = {
    "schemas": "schema",
    "responses": "response",
    "parameters": "parameter",
    "examples": "example",
    "requestBodies": "request body",
    "headers": "header",
    "links": "link",
    "callbacks": "callback",
    "pathItems": "path item",
}


@rule(
    "components-are-used",
    level=Level.WARNING,
    default=False,
    peers=("spectral:oas3-unused-component", "redocly:no-unused-components"),
)
def components_are_used(bundle: Bundle) -> Found:
    """Every component is the target of at least one `$ref` from outside itself.

    A component nothing refers to is dead weight, or a sign that a reference points at a copy
    of it instead. A recursive schema that only refers to itself counts as unused. Security
    schemes are left out: Security Requirement Objects name them, not `$ref`s (OAS 3.1
    4.8.30). A policy (a shared components file may define more than one spec uses), so off
    unless selected.
    """
    spec = index(bundle)
    used: set[tuple[str, str]] = set()
    for where, ref in spec.refs:
        if not ref.startswith("#/components/"):
            continue
        try:
            target = parse_pointer(ref[1:])
        except ValueError:
            continue
        if len(target) < 3:
            continue
        key = (str(target[1]), str(target[2]))
        # A recursive schema refers to itself; that alone does not make it used.
        if where[:3] != ("components", *key):
            used.add(key)
    components = spec.data.get("components")
    for section, noun in _SECTIONS.items():
        entries = components.get(section) if isinstance(components, dict) else None
        for name in entries if isinstance(entries, dict) else {}:
            if (section, name) not in used:
                yield ("components", section, name), f"{noun} {name!r} is never referenced"
