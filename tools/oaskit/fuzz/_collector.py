"""Reduction of the schemathesis event stream into a `FuzzReport`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from schemathesis.config import SchemathesisWarning
from schemathesis.core.errors import NoLinksFound
from schemathesis.core.failures import Failure
from schemathesis.engine import Status, StopReason, events
from schemathesis.engine.errors import EngineErrorInfo
from schemathesis.engine.recorder import CheckFailureInfo, ScenarioRecorder
from schemathesis.engine.run import TESTING_PHASES, UNIT_PHASES, PhaseName

from oaskit.fuzz._recorded import Redactor, recorded_request, recorded_response
from oaskit.fuzz._report import (
    FuzzFailure,
    FuzzReport,
    OperationStats,
    PhaseOutcome,
    ReproductionStep,
)

# `EngineFinished.failures` come from class-based checks' `after_run`, which see the whole run
# rather than one operation; schemathesis files them under this label too.
RUN_LABEL = "run"
# schemathesis 4 only warns about these and skips what they touch; in a hand-written spec they are
# mistakes that silently switch validation off, so the run must not pass.
SPEC_DEFECT_WARNINGS = frozenset({SchemathesisWarning.UNRESOLVABLE_REFERENCE})
# How a phase's engine status reads in a report.
_PHASE_STATUS = {
    Status.SUCCESS: "passed",
    Status.FAILURE: "failed",
    Status.ERROR: "errored",
    Status.INTERRUPTED: "interrupted",
    Status.SKIP: "skipped",
}


@dataclass
class _Phase:
    status: Status = Status.SKIP
    note: str | None = None
    first_started: float | None = None
    running_since: float | None = None
    elapsed: float = 0.0
    cases: int = 0
    failures: set[tuple[str, Failure]] = field(default_factory=set)


class ReportCollector:
    """Accumulates schemathesis engine events and builds the report once the stream ends."""

    def __init__(
        self,
        *,
        redactor: Redactor | None = None,
        filtered: bool = False,
        operation_ids: Mapping[str, str] | None = None,
    ) -> None:
        self._redactor = redactor or Redactor()
        self._operation_ids = dict(operation_ids or {})
        self._cases: Counter[str] = Counter()
        self._elapsed: defaultdict[str, float] = defaultdict(float)
        self._stopped_early: str | None = None
        self._engine_started: float | None = None
        self._started_at: datetime | None = None
        self._covered_after: dict[str, float] = {}
        self._statuses: dict[str, Counter[int]] = {}
        self._valid_cases: Counter[str] = Counter()
        self._valid_successes: Counter[str] = Counter()
        self._phases: dict[PhaseName, _Phase] = {name: _Phase() for name in TESTING_PHASES}
        # Keyed by check name and schemathesis' own `Failure` identity (failure class, operation and
        # the class's `_unique_key`), the key `engine.statistic.Statistic` deduplicates on.
        self._failures: dict[tuple[str, Failure], FuzzFailure] = {}
        self._errors: dict[str, None] = {}
        self._filtered = filtered

    def on_event(self, event: events.EngineEvent) -> None:
        """Fold one engine event into the running totals."""
        if isinstance(event, events.EngineStarted):
            self._engine_started = event.timestamp
            self._started_at = datetime.fromtimestamp(event.timestamp, tz=UTC)
        elif isinstance(event, events.PhaseStarted):
            self._on_phase_started(event)
        elif isinstance(event, events.PhaseFinished):
            self._on_phase_finished(event)
        elif isinstance(event, events.ScenarioStarted):
            # Operations that every phase skipped still belong in the table, with zero cases.
            if event.phase in UNIT_PHASES and event.label is not None:
                self._operation(event.label)
        elif isinstance(event, events.ScenarioFinished):
            # Sign-up and login requests only prepare the run; schemathesis does not count them.
            if event.is_test_scenario:
                self._on_recorder(event.recorder, phase=event.phase, timestamp=event.timestamp)
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

    def build(
        self,
        *,
        elapsed: float,
        seed: int | None,
        spec: str | None = None,
        base_url: str | None = None,
        checks: tuple[str, ...] = (),
        settings: tuple[tuple[str, str], ...] = (),
    ) -> FuzzReport:
        """The report for everything seen so far."""
        operations = tuple(
            OperationStats(
                label=label,
                cases=self._cases[label],
                statuses=MappingProxyType(dict(sorted(statuses.items()))),
                elapsed=self._elapsed.get(label, 0.0),
                covered_after=self._covered_after.get(label),
                operation_id=self._operation_ids.get(label),
                valid_cases=self._valid_cases[label],
                valid_successes=self._valid_successes[label],
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
            started_at=self._started_at,
            spec=spec,
            base_url=base_url,
            phases=self._phase_outcomes(),
            checks=checks,
            settings=settings,
        )

    @property
    def failure_count(self) -> int:
        """Distinct failures found so far."""
        return len(self._failures)

    def _operation(self, label: str) -> Counter[int]:
        return self._statuses.setdefault(label, Counter())

    def _on_phase_started(self, event: events.PhaseStarted) -> None:
        phase = self._phases.get(event.phase.name)
        if phase is None:
            return
        phase.first_started = phase.first_started or event.timestamp
        phase.running_since = event.timestamp

    def _on_phase_finished(self, event: events.PhaseFinished) -> None:
        phase = self._phases.get(event.phase.name)
        if phase is None:
            return
        if phase.running_since is not None:
            phase.elapsed += event.timestamp - phase.running_since
            phase.running_since = None
        # Fuzzing and stateful testing repeat while a time budget lasts; a later round that
        # passes does not undo an earlier one's failure (`Status` orders by severity).
        if phase.status is Status.SKIP or (
            event.status is not Status.SKIP and phase.status < event.status
        ):
            phase.status = event.status
        if event.status is Status.SKIP and event.phase.skip_reason is not None:
            phase.note = event.phase.skip_reason.display

    def _phase_outcomes(self) -> tuple[PhaseOutcome, ...]:
        start = self._engine_started
        outcomes = []
        for name, phase in self._phases.items():
            status = phase.status
            if status is Status.SUCCESS and phase.failures:
                status = Status.FAILURE
            outcomes.append(
                PhaseOutcome(
                    name=name.value,
                    status=_PHASE_STATUS[status],
                    started_after=(
                        phase.first_started - start
                        if phase.first_started is not None and start is not None
                        else 0.0
                    ),
                    elapsed=phase.elapsed,
                    cases=phase.cases,
                    failures=len(phase.failures),
                    note=phase.note if status is Status.SKIP else None,
                )
            )
        return tuple(outcomes)

    def _on_recorder(
        self, recorder: ScenarioRecorder, *, phase: PhaseName, timestamp: float
    ) -> None:
        stats = self._phases.get(phase)
        for case_id, node in recorder.cases.items():
            # A stateful scenario spans operations, so each case is filed under its own.
            label = node.value.operation.label
            statuses = self._operation(label)
            self._cases[label] += 1
            if stats is not None:
                stats.cases += 1
            interaction = recorder.interactions.get(case_id)
            if interaction is not None and interaction.response is not None:
                statuses[interaction.response.status_code] += 1
            # Explicit examples carry no metadata; they are the spec's own valid data.
            meta = node.value.meta
            if meta is None or not meta.generation.mode.is_negative:
                self._valid_cases[label] += 1
                response = interaction.response if interaction is not None else None
                if response is not None and 200 <= response.status_code < 300:
                    self._valid_successes[label] += 1
            for check in recorder.checks.get(case_id, []):
                info = check.failure_info
                if info is None:
                    continue
                key = (check.name, info.failure)
                if key not in self._failures:
                    # A phase is credited with the failures it found first, as `st run` does.
                    if stats is not None:
                        stats.failures.add(key)
                    self._failures[key] = self._failure_from_case(
                        check.name,
                        info,
                        recorder=recorder,
                        case_id=case_id,
                        label=label,
                        phase=phase,
                        timestamp=timestamp,
                    )

    def _failure_from_case(
        self,
        check: str,
        info: CheckFailureInfo,
        *,
        recorder: ScenarioRecorder,
        case_id: str,
        label: str,
        phase: PhaseName,
        timestamp: float,
    ) -> FuzzFailure:
        failure = info.failure
        operation = failure.operation or label
        # A check may send requests of its own (`ignored_auth` drops the credentials); the failure
        # names that case, and its request is the one to show.
        failing_id = failure.case_id or case_id
        interaction = recorder.interactions.get(failing_id)
        redactor = self._redactor
        steps = tuple(
            ReproductionStep(
                operation=step.operation,
                method=step.method,
                path=step.path,
                curl=redactor.curl(step.curl.strip()),
                failed=step.case_id == failing_id,
            )
            for step in info.steps
        )
        called = [operation, *(step.operation for step in steps)]
        found_at = interaction.timestamp if interaction is not None else timestamp
        return FuzzFailure(
            operation=operation,
            check=check,
            title=failure.title,
            message=redactor.text(failure.message.strip()),
            curl=redactor.curl(info.code_sample.strip()),
            code=failure.code,
            operation_ids=tuple(
                dict.fromkeys(
                    self._operation_ids[name] for name in called if name in self._operation_ids
                )
            ),
            phase=phase.value,
            found_after=(
                max(found_at - self._engine_started, 0.0)
                if self._engine_started is not None
                else None
            ),
            request=(
                recorded_request(interaction.request, redactor=redactor)
                if interaction is not None
                else None
            ),
            response=(
                recorded_response(interaction.response, redactor=redactor)
                if interaction is not None and interaction.response is not None
                else None
            ),
            steps=steps,
        )

    def _on_finished(self, event: events.EngineFinished) -> None:
        if event.stop_reason is StopReason.SERVER_UNAVAILABLE:
            self._error("the server stopped responding; the remaining operations were not tested")
        elif event.stop_reason is StopReason.MAX_TIME:
            # The budget the user set ran out: a shorter run, not a failed one.
            self._stopped_early = event.stop_reason.skip_explanation
        for failure in event.failures:
            check = ", ".join(type(failure).checks) or type(failure).__name__
            key = (check, failure)
            if key in self._failures:
                continue
            self._failures[key] = FuzzFailure(
                operation=RUN_LABEL,
                check=check,
                title=failure.title,
                message=self._redactor.text(failure.message.strip()),
                curl="",
                code=failure.code,
                found_after=(
                    event.timestamp - self._engine_started
                    if self._engine_started is not None
                    else None
                ),
            )

    def _error(self, text: str) -> None:
        # The same error can come up in several phases and cycles; once is enough here.
        self._errors.setdefault(self._redactor.text(text.strip()), None)


def _describe_error(info: EngineErrorInfo) -> str:
    message = info.message.strip()
    return f"{info.title}: {message}" if message else info.title


def _label_key(label: str) -> tuple[str, str]:
    # "GET /items/{id}" sorts by path first, so one resource's methods stay together.
    method, _, path = label.partition(" ")
    return (path, method) if path else (label, "")
