"""Rules about tags."""

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


@rule("tags-are-declared", level=Level.WARNING, peers=("spectral:openapi-tags",))
def tags_are_declared(bundle: Bundle) -> Found:
    """The top-level `tags` list declares at least one tag.

    The top-level `tags` (OAS 3.1 4.8.1.1) give tags their descriptions and the order in
    which documentation shows them; without it each tool orders the operations' tags its own
    way. Reported only for a spec that has operations.
    """
    if index(bundle).operations and not _tags(bundle):
        yield (), "the spec declares no top-level tags"


@rule(
    "tag-names-are-unique",
    peers=("spectral:openapi-tags-uniqueness", "redocly:no-duplicated-tag-names"),
)
def tag_names_are_unique(bundle: Bundle) -> Found:
    """No two top-level tags share a name (OAS 3.1 4.8.1.1).

    "Each tag name in the list MUST be unique" (OAS 3.1 4.8.1.1, 3.0 4.7.1.1). Two entries of
    one name give it two descriptions, and tools keep one of them or show the group twice.
    """
    seen: set[Any] = set()
    for pointer, tag in _tags(bundle):
        name = tag.get("name")
        if name in seen:
            yield (*pointer, "name"), f"tag {name!r} is declared twice"
        seen.add(name)


@rule(
    "tags-are-alphabetical",
    level=Level.WARNING,
    default=False,
    peers=("spectral:openapi-tags-alphabetical", "redocly:tags-alphabetical"),
)
def tags_are_alphabetical(bundle: Bundle) -> Found:
    """The top-level tags are sorted by name.

    The order of the top-level tags is the order documentation shows them in (OAS 3.1
    4.8.1.1), and many APIs order them by importance on purpose: a house rule, off unless
    selected.
    """
    previous = ""
    for pointer, tag in _tags(bundle):
        name = str(tag.get("name", ""))
        if name < previous:
            yield (*pointer, "name"), f"tag {name!r} comes after {previous!r}"
        previous = max(previous, name)


@rule(
    "tag-has-description",
    level=Level.WARNING,
    default=False,
    peers=("spectral:tag-description", "redocly:tag-description"),
)
def tag_has_description(bundle: Bundle) -> Found:
    """Every top-level tag has a description.

    A tag's description (OAS 3.1 4.8.22.1) introduces a group of operations in the
    documentation. Optional in OAS: a documentation policy, off unless selected.
    """
    for pointer, tag in _tags(bundle):
        if not str(tag.get("description") or "").strip():
            yield pointer, f"tag {tag.get('name')!r} has no description"


@rule(
    "operation-has-one-tag",
    level=Level.WARNING,
    default=False,
    peers=("spectral:operation-singular-tag", "redocly:operation-singular-tag"),
)
def operation_has_one_tag(bundle: Bundle) -> Found:
    """No operation has more than one tag.

    Generators that group operations by tag (a client class or server protocol per tag) put
    an operation with two tags in two places, or pick one of them. OAS allows any number
    (OAS 3.1 4.8.10.1): a house rule, off unless selected.
    """
    for site in index(bundle).operations:
        tags = site.operation.get("tags")
        if isinstance(tags, list) and len(tags) > 1:
            yield (*site.pointer, "tags"), f"operation has {len(tags)} tags"
