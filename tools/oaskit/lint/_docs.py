"""What each rule and check does, why, and its peers: the text `oaskit rule NAME` shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import oaskit.lint.rules  # noqa: F401  (registers the built-in rules)
from oaskit.errors import Level
from oaskit.lint._registry import Rule, registry

__all__ = ["CHECK_DOCS", "RuleDoc", "all_rule_docs", "explain"]


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """A rule or an always-on check: its default level and state, its texts and its peers."""

    name: str
    level: Level
    # Whether it runs when the project selects nothing; checks always do.
    default: bool
    description: str
    explanation: str
    # The same check in other linters, `tool:rule-name`, whether or not it is on there.
    peers: tuple[str, ...]
    kind: Literal["check", "rule"]


# The checks that always run (they are not rules): loading, bundling, the meta-schema.
CHECK_DOCS: tuple[RuleDoc, ...] = (
    RuleDoc(
        name="duplicate-key",
        level=Level.ERROR,
        default=True,
        description="A mapping has the same key twice.",
        explanation=(
            "A YAML mapping or JSON object names the same key twice. YAML 1.2 (3.2.1.1) "
            "requires the keys of a mapping to be unique and RFC 8259 4 says the names of an "
            "object SHOULD be; parsers disagree on what a repeated key means (most keep the "
            "last value without a word), so the document does not say one thing. The finding "
            "is at the second occurrence."
        ),
        # Redocly refuses to parse such a file at all, so it has no rule to name.
        peers=("spectral:parser",),
        kind="check",
    ),
    RuleDoc(
        name="oas-schema",
        level=Level.ERROR,
        default=True,
        description="The spec is valid against the OpenAPI 3.0/3.1 meta-schema.",
        explanation=(
            "The whole document is checked against the OpenAPI Initiative's JSON Schema for "
            "its version (3.0: 2021-09-28, 3.1: 2022-10-07): the required fields (`info`, "
            "`paths` in 3.0, a response's `description`, a parameter's `name` and `in`), the "
            "types and allowed values of every field, component names, and no unknown field "
            "outside `x-` extensions. The 3.1 JSON Schema leaves Schema Objects open, so each "
            "one is also checked against the keywords of the OAS 3.1 dialect (OAS 3.1 "
            "4.8.24). Every violation is reported, each at its line in the source file."
        ),
        peers=(
            "spectral:oas3-schema",
            "redocly:struct",
            "redocly:spec-components-invalid-map-name",
        ),
        kind="check",
    ),
    RuleDoc(
        name="ref-cycle",
        level=Level.ERROR,
        default=True,
        description=(
            "A chain of $refs that loops without content, or a cycle across files that cannot"
            " be inlined."
        ),
        explanation=(
            "A chain of `$ref`s across files leads back to where it started, through a target "
            "that has no name under `components`. The bundler makes one document of a "
            "multi-file spec by inlining what other files define, and a cycle cannot be "
            "inlined. Name the target under `components` (a recursive schema under "
            "`components/schemas`) and refer to it there."
        ),
        peers=(),
        kind="check",
    ),
    RuleDoc(
        name="ref-unresolvable",
        level=Level.ERROR,
        default=True,
        description="Every $ref points at something.",
        explanation=(
            "Every `$ref` resolves: its file exists inside the spec's folder and can be read, "
            "and its fragment is a JSON Pointer (RFC 6901) to a node of that file. A reference "
            "that misses leaves the document without the object it stands for (OAS 3.1 "
            "4.8.23), so no tool can know what the API accepts or returns there. The finding "
            "is at the `$ref` itself."
        ),
        peers=("spectral:invalid-ref", "redocly:no-unresolved-refs"),
        kind="check",
    ),
    RuleDoc(
        name="yaml-merge-key",
        level=Level.ERROR,
        default=True,
        description="YAML merge keys (<<) are not used.",
        explanation=(
            "`<<` merge keys are a YAML 1.1 type that YAML 1.2, the version OAS recommends "
            "(OAS 3.1 4.2), does not have: some parsers merge the members in, others keep `<<` "
            "as an ordinary key, so the same file means different documents to different "
            "tools. Write the members out, or share the object with a `$ref`."
        ),
        peers=(),
        kind="check",
    ),
)


def _rule_doc(each: Rule) -> RuleDoc:
    return RuleDoc(
        name=each.name,
        level=each.level,
        default=each.default,
        description=each.description,
        explanation=each.explanation,
        peers=each.peers,
        kind="rule",
    )


def all_rule_docs() -> list[RuleDoc]:
    """Every check and registered rule (a user's included), sorted by name."""
    docs = [*CHECK_DOCS, *map(_rule_doc, registry)]
    return sorted(docs, key=lambda doc: doc.name)


def explain(name: str) -> RuleDoc | None:
    """The check or registered rule called `name`, or None when there is none."""
    for doc in CHECK_DOCS:
        if doc.name == name:
            return doc
    found = registry.get(name)
    return None if found is None else _rule_doc(found)
