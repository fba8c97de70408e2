"""The outcome of a fuzz run as plain values, and its plain-text rendering."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

# Header lines of a recorded message, in the order they were sent, values already redacted.
Headers = tuple[tuple[str, str], ...]
# Below this share of 2xx answers an operation's success path counts as hardly reached: its
# checks then mostly judged refusals, and a defect in what a success returns goes unseen.
LOW_SUCCESS_SHARE = 0.1


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
    operation_id: str | None = None
    # Cases generated to be valid (positive mode), and those of them answered 2xx. Invalid
    # cases must be refused, so these say how often the success path of valid data was reached.
    valid_cases: int = 0
    valid_successes: int = 0

    @property
    def successes(self) -> int:
        """Cases answered with a 2xx status (RFC 9110 section 15.3: the request succeeded)."""
        return sum(count for code, count in self.statuses.items() if 200 <= code < 300)

    @property
    def success_share(self) -> float | None:
        """The share of this operation's cases answered 2xx; None when it had no case."""
        return self.successes / self.cases if self.cases else None

    @property
    def success_rarely_reached(self) -> bool:
        """Whether it had cases and fewer than LOW_SUCCESS_SHARE of them got a 2xx."""
        share = self.success_share
        return share is not None and share < LOW_SUCCESS_SHARE


@dataclass(frozen=True)
class RecordedRequest:
    """A request as it was sent, credentials masked; `body` is text, pretty-printed if JSON."""

    method: str
    url: str
    headers: Headers
    body: str | None


@dataclass(frozen=True)
class RecordedResponse:
    """A response as it arrived, credentials masked; `body` is text, pretty-printed if JSON."""

    status: int
    reason: str
    headers: Headers
    body: str | None
    elapsed: float


@dataclass(frozen=True)
class ReproductionStep:
    """One request of a stateful failure's chain, oldest first; `failed` marks the one checked."""

    operation: str
    method: str
    path: str
    curl: str
    failed: bool


@dataclass(frozen=True)
class FuzzFailure:
    """One distinct check failure, with a curl command that reproduces it."""

    operation: str
    check: str
    title: str
    message: str
    curl: str
    # schemathesis' failure code (`ST101`), for `st explain`.
    code: str = ""
    # The operation ids a replay must include: the failing one, and for a stateful failure
    # every operation its chain calls.
    operation_ids: tuple[str, ...] = ()
    phase: str | None = None
    # Seconds from the start of the run until this failure was first seen.
    found_after: float | None = None
    request: RecordedRequest | None = None
    response: RecordedResponse | None = None
    steps: tuple[ReproductionStep, ...] = ()


@dataclass(frozen=True)
class PhaseOutcome:
    """How one test phase went: `passed`, `failed`, `errored`, `skipped` or `interrupted`."""

    name: str
    status: str
    # Seconds from the start of the run to the phase's first start, and its total running time
    # (fuzzing and stateful testing repeat while a `max_time` budget lasts).
    started_after: float
    elapsed: float
    cases: int
    failures: int
    # Why a skipped phase did not run.
    note: str | None = None


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
    started_at: datetime | None = None
    spec: str | None = None
    # Without `user:password@`.
    base_url: str | None = None
    phases: tuple[PhaseOutcome, ...] = ()
    # The checks that were enabled, sorted.
    checks: tuple[str, ...] = ()
    # What the run was asked to do, as (name, value) pairs for a report; header values masked.
    settings: tuple[tuple[str, str], ...] = ()
    # What the run did not fetch or send because it is not at the URL under test: things the
    # spec names (`file:line:col: ...`), then requests the guard refused (`refused: ...`).
    # Not a failure in itself; a refused request also fails the case that made it.
    withheld: tuple[str, ...] = ()

    @property
    def rarely_succeeding(self) -> tuple[OperationStats, ...]:
        """Operations whose success path fewer than a tenth of their cases reached."""
        return tuple(operation for operation in self.operations if operation.success_rarely_reached)


@dataclass(frozen=True)
class FuzzRun:
    """One spec's fuzz run as the saved reports show it: a name, the report, how to replay it."""

    name: str
    report: FuzzReport
    # The command line that repeats this run, credentials masked, without `--seed`, `--include`,
    # `--exclude` or report paths; empty when the run was not started from the command line.
    replay_argv: tuple[str, ...] = ()

    def replay(self, failure: FuzzFailure | None = None) -> str | None:
        """The command that replays `failure` (or the whole run) with the run's seed, if known."""
        if not self.replay_argv or self.report.seed is None:
            return None
        argv = [*self.replay_argv, "--seed", str(self.report.seed)]
        if failure is not None:
            if not failure.operation_ids:
                return None
            for operation_id in failure.operation_ids:
                argv.extend(["--include", f"operation-id:{operation_id}"])
        return shlex.join(argv)


def format_report(report: FuzzReport) -> str:
    """Render a report as plain text: status table, failures, errors and a one-line verdict."""
    sections = [_format_table(report.operations)]
    if report.rarely_succeeding:
        sections.append(format_success_warning(report.rarely_succeeding))
    if report.failures:
        sections.append(_format_failures(report.failures))
    if report.errors:
        sections.append(_format_errors(report.errors))
    if report.withheld:
        sections.append(_format_withheld(report))
    sections.append(_format_verdict(report))
    return "\n\n".join(section for section in sections if section)


def format_share(operation: OperationStats) -> str:
    """The share of an operation's cases answered 2xx, as a whole percentage; `-` for none."""
    share = operation.success_share
    if share is None:
        return "-"
    # Floored, so an operation just under the warning threshold never reads as 10%.
    percent = int(share * 100)
    return "<1%" if percent == 0 and share > 0 else f"{percent}%"


def format_valid_share(operation: OperationStats) -> str:
    """The share of an operation's valid cases answered 2xx, as `format_share` spells it."""
    if not operation.valid_cases:
        return "-"
    share = operation.valid_successes / operation.valid_cases
    percent = int(share * 100)
    return "<1%" if percent == 0 and share > 0 else f"{percent}%"


def format_success_warning(operations: tuple[OperationStats, ...]) -> str:
    """The warning about operations whose success path was hardly reached."""
    threshold = f"{LOW_SUCCESS_SHARE:.0%}"
    lines = [
        f"warning: {_count(len(operations), 'operation')} answered 2xx to fewer than {threshold}"
        " of their cases; checks there mostly judged refusals:"
    ]
    lines.extend(
        f"   {operation.label}: {operation.successes} of {operation.cases}"
        f" ({format_share(operation)})"
        for operation in operations
    )
    return "\n".join(lines)


def _format_table(operations: tuple[OperationStats, ...]) -> str:
    if not operations:
        return "no operations were tested"
    codes = sorted({code for operation in operations for code in operation.statuses})
    header = ["operation", "cases", "2xx", "valid", "valid-2xx", *(str(code) for code in codes)]
    rows = [
        [
            operation.label,
            str(operation.cases),
            format_share(operation),
            str(operation.valid_cases),
            format_valid_share(operation),
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


def _format_withheld(report: FuzzReport) -> str:
    target = report.base_url or "the URL under test"
    lines = [f"{_count(len(report.withheld), 'item')} not fetched (requests go only to {target}):"]
    lines.extend(f"{index}. {item}" for index, item in enumerate(report.withheld, start=1))
    return "\n".join(lines)


def _format_verdict(report: FuzzReport) -> str:
    parts = [_count(len(report.failures), "failure")]
    if report.errors:
        parts.append(_count(len(report.errors), "error"))
    if report.withheld:
        parts.append(f"{len(report.withheld)} not fetched")
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
