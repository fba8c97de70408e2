"""What every schema check gets: both merged views, the direction, a way to report and recurse.

A check only says whether head accepts less (narrowed) or more (widened) than base; which of
the two breaks clients depends on the direction, and `Directional` picks the rule. A request
schema that accepts less refuses what clients already send; a response schema that accepts
more lets the server send what clients' parsers were never promised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from oaskit.diff._model import Direction, Rule, Side
from oaskit.diff._schema_flat import Flat
from oaskit.errors import Level
from oaskit.spec import Pointer

__all__ = ["Directional", "Pair", "Reporter", "describe", "directional"]

Reporter = Callable[[Rule, str, Pointer | None, Pointer | None], None]
Recurser = Callable[[Pointer, Pointer], None]


@dataclass(frozen=True, slots=True)
class Directional:
    """The four rules of one kind of change: narrowed or widened, in requests or responses."""

    request_narrowed: Rule
    request_widened: Rule
    response_widened: Rule
    response_narrowed: Rule

    def pick(self, direction: Direction, *, narrowed: bool) -> Rule:
        """The rule for a change that narrows (or widens) what the schema accepts."""
        if direction is Direction.REQUEST:
            return self.request_narrowed if narrowed else self.request_widened
        return self.response_narrowed if narrowed else self.response_widened

    @property
    def rules(self) -> tuple[Rule, ...]:
        """All four, breaking ones first."""
        return (
            self.request_narrowed,
            self.response_widened,
            self.request_widened,
            self.response_narrowed,
        )


def directional(
    family: str, subject: str, *, narrowed: str = "narrowed", widened: str = "widened"
) -> Directional:
    """The rules `request-<subject>-<narrowed>` (error) … `response-<subject>-<narrowed>` (info)."""
    text = subject.replace("-", " ")
    return Directional(
        Rule(
            f"request-{subject}-{narrowed}",
            family,
            Level.ERROR,
            f"A request schema's {text} {narrowed.replace('-', ' ')}: it refuses what it accepted.",
        ),
        Rule(
            f"request-{subject}-{widened}",
            family,
            Level.INFO,
            f"A request schema's {text} {widened.replace('-', ' ')}: it accepts more.",
        ),
        Rule(
            f"response-{subject}-{widened}",
            family,
            Level.ERROR,
            f"A response schema's {text} {widened.replace('-', ' ')}: "
            "clients may meet values they were never promised.",
        ),
        Rule(
            f"response-{subject}-{narrowed}",
            family,
            Level.INFO,
            f"A response schema's {text} {narrowed.replace('-', ' ')}: it promises more.",
        ),
    )


@dataclass(slots=True)
class Pair:
    """One schema of base against its counterpart in head."""

    base: Flat
    head: Flat
    base_side: Side
    head_side: Side
    direction: Direction
    wire_text: bool
    reporter: Reporter
    recurser: Recurser
    flattener: Callable[[Side, Pointer], Flat]

    def report(
        self, rule: Rule, detail: str, *, base: Pointer | None, head: Pointer | None
    ) -> None:
        """Record a change; `detail` is the part after `request <where>: `."""
        self.reporter(rule, detail, base, head)

    def pick(self, rules: Directional, *, narrowed: bool, widened: bool) -> Rule:
        """The rule for a change; one that narrows and widens at once breaks both directions."""
        if self.direction is Direction.REQUEST:
            return rules.pick(self.direction, narrowed=narrowed)
        return rules.pick(self.direction, narrowed=not widened)

    def recurse(self, base: Pointer, head: Pointer) -> None:
        """Compare two subschemas in the same direction."""
        self.recurser(base, head)

    def flat(self, side: Side, pointer: Pointer) -> Flat:
        """The merged view of another schema on `side` (cached)."""
        return self.flattener(side, pointer)


# The message already starts with the direction: `request body.name`, `response 200.id`.
_SECTIONS = {
    "requestBody": "body",
    "parameters": "parameter",
    "headers": "header",
    "responses": "",
}


def describe(pointer: Pointer) -> str:
    """A short name for the schema at `pointer`: `Pet`.tags[].name, `Pet`/oneOf[1]."""
    tokens = [str(token) for token in pointer]
    if len(tokens) >= 3 and tokens[:2] == ["components", "schemas"]:
        root, rest = f"`{tokens[2]}`", tokens[3:]
    else:
        root, rest = "schema", tokens
        if "schema" in tokens:
            cut = len(tokens) - 1 - tokens[::-1].index("schema")
            root, rest = _place(tokens[:cut]), tokens[cut + 1 :]
    text = root
    index = 0
    while index < len(rest):
        token = rest[index]
        following = rest[index + 1] if index + 1 < len(rest) else None
        if token == "properties" and following is not None:
            text += f".{following}"
            index += 2
        elif token == "items":
            text += "[]"
            index += 1
        elif token == "additionalProperties":
            text += ".*"
            index += 1
        elif token in {"prefixItems", "oneOf", "anyOf", "allOf"} and following is not None:
            text += f"[{following}]" if token == "prefixItems" else f"/{token}[{following}]"
            index += 2
        else:
            text += f"/{token}"
            index += 1
    return text


def _place(tokens: list[str]) -> str:
    """Where a schema outside components sits: `parameter`, `body`, `200`, `header X-Rate`."""
    for position in range(len(tokens) - 1, -1, -1):
        section = _SECTIONS.get(tokens[position])
        if section is None:
            continue
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        if tokens[position] in {"responses", "headers"} and following:
            return f"{section} {following}".strip()
        return section or "schema"
    return "schema"
