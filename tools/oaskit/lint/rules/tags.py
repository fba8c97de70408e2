"""Rules about tags.

Rules, their default level and their peers (Spectral `spectral:oas`; Redocly `recommended`);
"off" marks a rule that runs only when selected:

- `tags-are-declared` (warning): Spectral openapi-tags.
- `tag-names-are-unique` (error): Spectral openapi-tags-uniqueness.
- `tags-are-alphabetical` (warning, off): Spectral openapi-tags-alphabetical (off).
- `tag-has-description` (warning, off): Spectral tag-description (off); Redocly tag-description.
- `operation-has-one-tag` (warning, off): Spectral operation-singular-tag (off).

Spectral's operation-tags and operation-tag-defined are `operation-has-declared-tag`.
"""

from __future__ import annotations

from typing import Any

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index
from oaskit.spec import Bundle, Pointer

__all__ = [
    "operation_has_one_tag",
    "tag_has_description",
    "tag_names_are_unique",
    "tags_are_alphabetical",
    "tags_are_declared",
]


def _tags(bundle: Bundle) -> list[tuple[Pointer, dict[str, Any]]]:
    tags = index(bundle).data.get("tags")
    entries = tags if isinstance(tags, list) else []
    return [(("tags", i), tag) for i, tag in enumerate(entries) if isinstance(tag, dict)]


@rule("tags-are-declared", level=Level.WARNING)
def tags_are_declared(bundle: Bundle) -> Found:
    """The top-level `tags` list declares at least one tag."""
    if index(bundle).operations and not _tags(bundle):
        yield (), "the spec declares no top-level tags"


@rule("tag-names-are-unique")
def tag_names_are_unique(bundle: Bundle) -> Found:
    """No two top-level tags share a name (OAS 3.1 4.8.1.1)."""
    seen: set[Any] = set()
    for pointer, tag in _tags(bundle):
        name = tag.get("name")
        if name in seen:
            yield (*pointer, "name"), f"tag {name!r} is declared twice"
        seen.add(name)


@rule("tags-are-alphabetical", level=Level.WARNING, default=False)
def tags_are_alphabetical(bundle: Bundle) -> Found:
    """The top-level tags are sorted by name."""
    previous = ""
    for pointer, tag in _tags(bundle):
        name = str(tag.get("name", ""))
        if name < previous:
            yield (*pointer, "name"), f"tag {name!r} comes after {previous!r}"
        previous = max(previous, name)


@rule("tag-has-description", level=Level.WARNING, default=False)
def tag_has_description(bundle: Bundle) -> Found:
    """Every top-level tag has a description."""
    for pointer, tag in _tags(bundle):
        if not str(tag.get("description") or "").strip():
            yield pointer, f"tag {tag.get('name')!r} has no description"


@rule("operation-has-one-tag", level=Level.WARNING, default=False)
def operation_has_one_tag(bundle: Bundle) -> Found:
    """No operation has more than one tag."""
    for site in index(bundle).operations:
        tags = site.operation.get("tags")
        if isinstance(tags, list) and len(tags) > 1:
            yield (*site.pointer, "tags"), f"operation has {len(tags)} tags"
