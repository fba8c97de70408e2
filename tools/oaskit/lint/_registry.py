"""The lint rule registry: built-in rules register exactly as a user's rule would."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from oaskit.errors import Finding, Level
from oaskit.spec import Bundle

__all__ = ["Rule", "RuleCheck", "RuleRegistry", "registry", "rule"]

# A rule reads the bundle and yields (pointer, message) pairs; the registry adds code and place.
RuleCheck = Callable[[Bundle], Iterator[tuple[tuple[str | int, ...], str]]]

# `tool:rule-name`, as `spectral:operation-operationId-unique` or `redocly:struct`.
_PEER = re.compile(r"^[a-z][a-z0-9-]*:\S+$")


@dataclass(frozen=True, slots=True)
class Rule:
    """A named property every spec should have, with its default level."""

    name: str
    level: Level
    check: RuleCheck
    description: str
    # Off-by-default rules state a policy (documentation, security, naming); `select` turns
    # them on, like Spectral's `recommended: false` rules and ruff's preview-free selection.
    default: bool = True
    # What the rule checks and why, in a few sentences: the rule function's docstring body.
    explanation: str = ""
    # The same check in other linters, `tool:rule-name`, whether or not it is on there.
    peers: tuple[str, ...] = ()
    # Findings are about the name of the member a pointer names (a path key, a component name),
    # so they are located at that key rather than at its value.
    at_key: bool = False

    def run(self, bundle: Bundle) -> list[Finding]:
        """The rule's findings on `bundle`, at source locations."""
        locate = bundle.locate_key if self.at_key else bundle.locate
        return [
            Finding(self.name, message, locate(pointer), self.level)
            for pointer, message in self.check(bundle)
        ]


class RuleRegistry:
    """Rules by name; a second rule with a taken name is refused."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, new: Rule) -> Rule:
        """Add `new`; raises ValueError when its name is taken or a peer is malformed."""
        if new.name in self._rules:
            raise ValueError(f"a lint rule named {new.name!r} is already registered")
        for peer in new.peers:
            if not _PEER.match(peer):
                raise ValueError(f"peer {peer!r} of lint rule {new.name!r} is not `tool:rule`")
        self._rules[new.name] = new
        return new

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.name))

    def __contains__(self, name: object) -> bool:
        return name in self._rules

    def get(self, name: str) -> Rule | None:
        """The rule named `name`, if registered."""
        return self._rules.get(name)


registry = RuleRegistry()


def rule(
    name: str,
    *,
    level: Level = Level.ERROR,
    default: bool = True,
    peers: tuple[str, ...] = (),
    at_key: bool = False,
) -> Callable[[RuleCheck], RuleCheck]:
    """Register the decorated function as the lint rule `name` (on unless `default=False`).

    The docstring's first line is the rule's description, the rest (dedented) its explanation;
    `peers` names the same check in other linters, as `spectral:operation-operationId-unique`.
    With `at_key`, a finding is located at the key that names its pointer's member (a path
    key) instead of at the member's value.
    """

    def decorate(check: RuleCheck) -> RuleCheck:
        description, _, explanation = inspect.cleandoc(check.__doc__ or name).partition("\n")
        registry.register(
            Rule(
                name=name,
                level=level,
                check=check,
                description=description.strip(),
                default=default,
                explanation=explanation.strip(),
                peers=tuple(peers),
                at_key=at_key,
            )
        )
        return check

    return decorate
