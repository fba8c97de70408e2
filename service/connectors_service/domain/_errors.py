"""Rule violations as values, independent of any dialect's error envelope."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["DomainError", "Violation"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: a JSON pointer into the connector, a code and a message (no values)."""

    field: str
    code: str
    message: str


class DomainError(Exception):
    """A request the domain refuses; each dialect renders it in its own envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        violations: Sequence[Violation] = (),
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.violations = tuple(violations)
        self.headers = dict(headers or {})

    @classmethod
    def unprocessable(cls, violations: Sequence[Violation]) -> DomainError:
        """422: well formed, but against rules that need definitions or stored state."""
        return cls(422, "UNPROCESSABLE_ENTITY", "The request breaks a rule of the API.", violations)

    @classmethod
    def not_found(cls) -> DomainError:
        """404: no such connector in the caller's organization (another's is not found either)."""
        return cls(404, "NOT_FOUND", "The requested resource was not found.")

    @classmethod
    def precondition_failed(cls) -> DomainError:
        """412: If-Match names no current version of the connector."""
        return cls(412, "PRECONDITION_FAILED", "The connector has changed since the given ETag.")
