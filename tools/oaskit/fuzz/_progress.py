"""A live one-line progress display for a terminal, fed by schemathesis engine events."""

from __future__ import annotations

import time
from typing import TextIO

from schemathesis.engine import events
from schemathesis.engine.run import UNIT_PHASES

# Carriage return, then "erase to end of line" (ECMA-48 EL, `CSI K`): the line is redrawn in place.
_REDRAW = "\r\x1b[K"
# A run can finish hundreds of scenarios a second; a terminal needs no more than this.
MIN_REDRAW_INTERVAL = 0.1


class LiveProgress:
    """Redraws one status line on `stream` (meant for a TTY) and erases it when closed."""

    def __init__(self, stream: TextIO, *, operations: int) -> None:
        self._stream = stream
        self._operations = operations
        self._phase = "starting"
        self._phase_total = operations
        self._done: set[str] = set()
        self._cases = 0
        self._failures = 0
        self._started = time.monotonic()
        self._drawn_at = 0.0

    def on_event(self, event: events.EngineEvent, *, failures: int) -> None:
        """Update the counts from one event; `failures` is the distinct failures found so far."""
        self._failures = failures
        if isinstance(event, events.PhaseStarted):
            self._phase = event.phase.name.value
            self._phase_total = (
                len(event.operations) if event.operations is not None else self._operations
            )
            self._done.clear()
            self._draw(force=True)
        elif isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            self._cases += len(event.recorder.cases)
            if event.phase in UNIT_PHASES and event.label is not None:
                self._done.add(event.label)
            self._draw(force=False)
        elif isinstance(event, events.RateLimitRetry):
            # Worth a line of its own: a long pause would otherwise look like a hang.
            self._print(
                f"{event.operation}: 429, waiting {event.delay:g}s as Retry-After asks"
                f" ({event.retries_left} retries left)"
            )

    def close(self) -> None:
        """Erase the status line, so the report starts on a clean one."""
        self._stream.write(_REDRAW)
        self._stream.flush()

    def _print(self, text: str) -> None:
        self._stream.write(f"{_REDRAW}{text}\n")
        self._draw(force=True)

    def _draw(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._drawn_at < MIN_REDRAW_INTERVAL:
            return
        self._drawn_at = now
        parts = [f"fuzz [{self._phase}]"]
        if self._phase in {phase.value for phase in UNIT_PHASES}:
            parts.append(f"{len(self._done)}/{self._phase_total} operations")
        parts.append(_count(self._cases, "case"))
        parts.append(_count(self._failures, "failure"))
        parts.append(f"{now - self._started:.0f}s")
        self._stream.write(_REDRAW + " · ".join(parts))
        self._stream.flush()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
