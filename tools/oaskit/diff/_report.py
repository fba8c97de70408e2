"""What one `oaskit diff` run found, ready for a format: changes, ignores, unusable inputs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from oaskit.config import DiffIgnore
from oaskit.diff._located import Located, Problem
from oaskit.diff._model import Rule
from oaskit.errors import Level

__all__ = ["API_ADDED", "Compared", "Report"]

# `--base` over configured APIs: a spec that the base revision does not hold is a new API, which
# breaks no client. Reported by the command itself, so configured like any other rule.
API_ADDED = Rule(
    "api-added",
    "api",
    Level.INFO,
    "An API is new: the base revision holds no spec at its path.",
)


@dataclass(frozen=True, slots=True)
class Compared:
    """One pair of inputs as given, and the configured API they are, if any."""

    base: str
    head: str
    api: str | None = None


@dataclass(slots=True)
class Report:
    """Everything a format shows; `changes` sorted errors first, then by place."""

    compared: list[Compared] = field(default_factory=list)
    changes: list[Located] = field(default_factory=list)
    ignored: list[tuple[Located, DiffIgnore]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fail_on: Level = Level.ERROR

    def levels(self) -> dict[str, int]:
        """How many changes each level has, errors first, every level present."""
        counted = Counter(each.change.level for each in self.changes)
        return {level.label: counted[level] for level in sorted(Level, reverse=True)}

    def families(self) -> dict[str, int]:
        """How many changes each rule family has, by family name."""
        counted = Counter(each.change.rule.family for each in self.changes)
        return dict(sorted(counted.items()))

    @property
    def failed(self) -> bool:
        """Whether a change is at or above `fail_on` (the run exits 1)."""
        return any(each.change.level >= self.fail_on for each in self.changes)

    def headline(self) -> str:
        """`2 errors, 1 warning, 0 info; 3 ignored`."""
        counts = self.levels()
        text = (
            f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, "
            f"{counts['info']} info"
        )
        return text + (f"; {len(self.ignored)} ignored" if self.ignored else "")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
