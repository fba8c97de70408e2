"""The outcome of a fuzz run as plain values, and its plain-text rendering."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class OperationStats:
    """How many cases one operation received and which status codes it answered with."""

    label: str
    cases: int
    statuses: Mapping[int, int]
    # Seconds spent in this operation's example, coverage and fuzzing scenarios; a stateful
    # scenario spans operations, so its time is in `FuzzReport.elapsed` only.
    elapsed: float = 0.0
    # Seconds from the start of the engine until this operation's first scenario with a case
    # finished; `None` when none did. The largest is the time to cover every operation.
    covered_after: float | None = None


@dataclass(frozen=True)
class FuzzFailure:
    """One distinct check failure, with a curl command that reproduces it."""

    operation: str
    check: str
    title: str
    message: str
    curl: str


@dataclass(frozen=True)
class FuzzReport:
    """Everything a fuzz run found; `ok` is false on any failure or error."""

    ok: bool
    cases: int
    operations: tuple[OperationStats, ...]
    failures: tuple[FuzzFailure, ...]
    errors: tuple[str, ...]
    elapsed: float
    seed: int | None
    # Why the run ended before every phase finished (e.g. "time limit reached"); not a failure.
    stopped_early: str | None = None


def format_report(report: FuzzReport) -> str:
    """Render a report as plain text: status table, failures, errors and a one-line verdict."""
    sections = [_format_table(report.operations)]
    if report.failures:
        sections.append(_format_failures(report.failures))
    if report.errors:
        sections.append(_format_errors(report.errors))
    sections.append(_format_verdict(report))
    return "\n\n".join(section for section in sections if section)


def _format_table(operations: tuple[OperationStats, ...]) -> str:
    if not operations:
        return "no operations were tested"
    codes = sorted({code for operation in operations for code in operation.statuses})
    header = ["operation", "cases", *(str(code) for code in codes)]
    rows = [
        [
            operation.label,
            str(operation.cases),
            *(str(operation.statuses.get(code, 0) or "-") for code in codes),
        ]
        for operation in operations
    ]
    widths = [max(len(row[index]) for row in (header, *rows)) for index in range(len(header))]

    def line(cells: list[str]) -> str:
        # The label column reads left to right; counts line up on the right like numbers do.
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    return "\n".join(line(cells) for cells in (header, *rows))


def _format_failures(failures: tuple[FuzzFailure, ...]) -> str:
    blocks = [f"{_count(len(failures), 'failure')}:"]
    for index, failure in enumerate(failures, start=1):
        lines = [f"{index}. {failure.operation} [{failure.check}] {failure.title}"]
        lines.extend(_indent(failure.message))
        if failure.curl:
            lines.append("")
            lines.extend(_indent(failure.curl))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _format_errors(errors: tuple[str, ...]) -> str:
    lines = [f"{_count(len(errors), 'error')}:"]
    for index, error in enumerate(errors, start=1):
        first, *rest = error.splitlines() or [""]
        lines.append(f"{index}. {first}")
        lines.extend(_indent("\n".join(rest)))
    return "\n".join(lines)


def _format_verdict(report: FuzzReport) -> str:
    parts = [_count(len(report.failures), "failure")]
    if report.errors:
        parts.append(_count(len(report.errors), "error"))
    parts.append(_count(report.cases, "case"))
    parts.append(_count(len(report.operations), "operation"))
    parts.append(f"seed {report.seed}" if report.seed is not None else "no seed")
    if report.stopped_early:
        parts.append(f"stopped early: {report.stopped_early.lower()}")
    return "fuzz: " + ", ".join(parts)


def _indent(text: str) -> list[str]:
    return [f"   {line}" if line else "" for line in text.splitlines()]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
