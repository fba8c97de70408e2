"""Reduction of the schemathesis event stream into a `FuzzReport`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from types import MappingProxyType

from schemathesis.config import SchemathesisWarning
from schemathesis.core.errors import NoLinksFound
from schemathesis.core.failures import Failure
from schemathesis.engine import StopReason, events
from schemathesis.engine.errors import EngineErrorInfo
from schemathesis.engine.recorder import ScenarioRecorder
from schemathesis.engine.run import UNIT_PHASES

from oaskit.fuzz._config import REDACTED
from oaskit.fuzz._report import FuzzFailure, FuzzReport, OperationStats

# `EngineFinished.failures` come from class-based checks' `after_run`, which see the whole run
# rather than one operation; schemathesis files them under this label too.
RUN_LABEL = "run"
# schemathesis 4 only warns about these and skips what they touch; in a hand-written spec they are
# mistakes that silently switch validation off, so the run must not pass.
SPEC_DEFECT_WARNINGS = frozenset({SchemathesisWarning.UNRESOLVABLE_REFERENCE})


class ReportCollector:
    """Accumulates schemathesis engine events and builds the report once the stream ends."""

    def __init__(self, *, secrets: Iterable[str] = (), filtered: bool = False) -> None:
        # Longest first, so a token is masked whole before any header value that contains it.
        self._secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
        self._cases: Counter[str] = Counter()
        self._elapsed: defaultdict[str, float] = defaultdict(float)
        self._stopped_early: str | None = None
        self._engine_started: float | None = None
        self._covered_after: dict[str, float] = {}
        self._statuses: dict[str, Counter[int]] = {}
        # Keyed by check name and schemathesis' own `Failure` identity (failure class, operation and
        # the class's `_unique_key`), the key `engine.statistic.Statistic` deduplicates on.
        self._failures: dict[tuple[str, Failure], FuzzFailure] = {}
        self._errors: dict[str, None] = {}
        self._filtered = filtered

    def on_event(self, event: events.EngineEvent) -> None:
        """Fold one engine event into the running totals."""
        if isinstance(event, events.EngineStarted):
            self._engine_started = event.timestamp
        elif isinstance(event, events.ScenarioStarted):
            # Operations that every phase skipped still belong in the table, with zero cases.
            if event.phase in UNIT_PHASES and event.label is not None:
                self._operation(event.label)
        elif isinstance(event, events.ScenarioFinished):
            # Sign-up and login requests only prepare the run; schemathesis does not count them.
            if event.is_test_scenario:
                self._on_recorder(event.recorder)
                if event.phase in UNIT_PHASES and event.label is not None:
                    self._elapsed[event.label] += event.elapsed_time
                    if event.recorder.cases and self._engine_started is not None:
                        elapsed = event.timestamp - self._engine_started
                        self._covered_after.setdefault(event.label, elapsed)
        elif isinstance(event, events.SchemaAnalysisWarnings):
            for warning in event.warnings:
                if warning.kind in SPEC_DEFECT_WARNINGS:
                    self._error(f"{warning.operation_label or 'spec'}: {warning.message}")
        elif isinstance(event, events.NonFatalError):
            # With --include/--exclude, the selection may hold no link to follow; the stateful
            # phase then has nothing to do, which says nothing about the API.
            if not (self._filtered and isinstance(event.value, NoLinksFound)):
                self._error(f"{event.label}: {_describe_error(event.info)}")
        elif isinstance(event, events.FatalError):
            # 4.x engines leave this to the CLI's schema loader, but the event type allows it.
            self._error(f"fatal: {_describe_error(EngineErrorInfo(event.exception))}")
        elif isinstance(event, events.Interrupted):
            self._error("interrupted before the run completed")
        elif isinstance(event, events.EngineFinished):
            self._on_finished(event)

    def build(self, *, elapsed: float, seed: int | None) -> FuzzReport:
        """The report for everything seen so far."""
        operations = tuple(
            OperationStats(
                label=label,
                cases=self._cases[label],
                statuses=MappingProxyType(dict(sorted(statuses.items()))),
                elapsed=self._elapsed.get(label, 0.0),
                covered_after=self._covered_after.get(label),
            )
            for label, statuses in sorted(
                self._statuses.items(), key=lambda item: _label_key(item[0])
            )
        )
        failures = tuple(
            sorted(
                self._failures.values(),
                key=lambda failure: (_label_key(failure.operation), failure.check, failure.title),
            )
        )
        errors = tuple(self._errors)
        return FuzzReport(
            ok=not failures and not errors,
            cases=sum(self._cases.values()),
            operations=operations,
            failures=failures,
            errors=errors,
            elapsed=elapsed,
            seed=seed,
            stopped_early=self._stopped_early,
        )

    @property
    def failure_count(self) -> int:
        """Distinct failures found so far."""
        return len(self._failures)

    def _operation(self, label: str) -> Counter[int]:
        return self._statuses.setdefault(label, Counter())

    def _on_recorder(self, recorder: ScenarioRecorder) -> None:
        for case_id, node in recorder.cases.items():
            # A stateful scenario spans operations, so each case is filed under its own.
            label = node.value.operation.label
            statuses = self._operation(label)
            self._cases[label] += 1
            interaction = recorder.interactions.get(case_id)
            if interaction is not None and interaction.response is not None:
                statuses[interaction.response.status_code] += 1
            for check in recorder.checks.get(case_id, []):
                info = check.failure_info
                if info is None:
                    continue
                self._failure(
                    check=check.name,
                    failure=info.failure,
                    operation=info.failure.operation or label,
                    curl=info.code_sample,
                )

    def _on_finished(self, event: events.EngineFinished) -> None:
        if event.stop_reason is StopReason.SERVER_UNAVAILABLE:
            self._error("the server stopped responding; the remaining operations were not tested")
        elif event.stop_reason is StopReason.MAX_TIME:
            # The budget the user set ran out: a shorter run, not a failed one.
            self._stopped_early = event.stop_reason.skip_explanation
        for failure in event.failures:
            check = ", ".join(type(failure).checks) or type(failure).__name__
            self._failure(check=check, failure=failure, operation=RUN_LABEL, curl="")

    def _failure(self, *, check: str, failure: Failure, operation: str, curl: str) -> None:
        key = (check, failure)
        if key in self._failures:
            return
        self._failures[key] = FuzzFailure(
            operation=operation,
            check=check,
            title=failure.title,
            message=self._redact(failure.message.strip()),
            curl=self._redact(curl.strip()),
        )

    def _error(self, text: str) -> None:
        # The same error can come up in several phases and cycles; once is enough here.
        self._errors.setdefault(self._redact(text.strip()), None)

    def _redact(self, text: str) -> str:
        # schemathesis already masks headers it deems sensitive; this also catches a credential
        # sent under a name it does not recognise, or echoed back in a response body.
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def _describe_error(info: EngineErrorInfo) -> str:
    message = info.message.strip()
    return f"{info.title}: {message}" if message else info.title


def _label_key(label: str) -> tuple[str, str]:
    # "GET /items/{id}" sorts by path first, so one resource's methods stay together.
    method, _, path = label.partition(" ")
    return (path, method) if path else (label, "")
