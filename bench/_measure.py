"""One tool run as a process: wall time, peak memory, exit code; rows with ratios to ours.

Wall time is the parent's clock around the process (start-up included). Peak memory comes from
GNU time's `%M` when `/usr/bin/time` exists: the largest resident set among the process and the
children it waited for, not their sum. Without GNU time it falls back to `os.wait4`'s rusage,
which on Linux also counts the forked child's copy of the runner (the pre-exec high-water mark),
so small commands read as large as the runner; the sections say which meter was used.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

__all__ = ["QUICK_SKIP", "Row", "Sample", "measure", "meter", "table"]

ROOT = Path(__file__).resolve().parent.parent
TIME_BIN = shutil.which("time", path="/usr/bin")
QUICK_SKIP = "skipped in quick mode; `make bench` measures it"


@dataclass(frozen=True, slots=True)
class Sample:
    """One process: wall seconds, peak resident set in MiB, exit code and its last line."""

    wall_s: float
    peak_mib: float
    code: int
    tail: str


@dataclass(frozen=True, slots=True)
class Row:
    """One tool on one input: its samples, or the reason it has none."""

    spec: str
    tool: str
    version: str
    samples: tuple[Sample, ...] = ()
    note: str = ""
    # Exit codes of a completed run, and what a non-zero one among them means (a linter's 1).
    completed: frozenset[int] = frozenset({0})
    completed_note: str = ""

    @property
    def failure(self) -> Sample | None:
        """The first run that did not complete, if any."""
        return next((s for s in self.samples if s.code not in self.completed), None)

    @property
    def ok(self) -> bool:
        """Measured, and every run completed."""
        return bool(self.samples) and self.failure is None

    @property
    def unmeasured(self) -> str:
        """Why the row has no figures to compare: `<tool> failed (exit N)` or its note."""
        failed = self.failure
        if failed is not None:
            return f"{self.tool} failed (exit {failed.code})"
        return f"{self.tool}: {self.note or 'not run'}" if not self.samples else ""

    @property
    def wall_s(self) -> float:
        """Median wall time."""
        return statistics.median(s.wall_s for s in self.samples)

    @property
    def peak_mib(self) -> float:
        """Median peak memory."""
        return statistics.median(s.peak_mib for s in self.samples)


def measure(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout_s: float | None = None,
) -> Sample:
    """Run `command` once, its output to a file (a full pipe would stall the tool and clock)."""
    with tempfile.TemporaryDirectory(prefix="bench-measure-") as scratch:
        report = Path(scratch) / "time"
        wrapped = [TIME_BIN, "-f", "%M", "-o", str(report), *command] if TIME_BIN else command
        with (Path(scratch) / "output").open("w+b") as output:
            started = time.perf_counter()
            # A session of its own, so that a timeout kills the tool and not only GNU time.
            process = subprocess.Popen(
                wrapped, cwd=cwd, env=env, stdout=output, stderr=output, start_new_session=True
            )
            killed = threading.Event()

            def kill() -> None:
                killed.set()
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)

            timer = threading.Timer(timeout_s, kill) if timeout_s else None
            if timer is not None:
                timer.start()
            try:
                _, status, usage = os.wait4(process.pid, 0)
            except BaseException:  # Ctrl-C: the tool is in its own session, so end it here
                kill()
                process.wait()
                raise
            finally:
                if timer is not None:
                    timer.cancel()
            wall = time.perf_counter() - started
            process.returncode = code = os.waitstatus_to_exitcode(status)
            output.seek(0)
            lines = output.read().decode("utf-8", "replace").strip().splitlines()
        reported = report.read_text(encoding="utf-8").split() if report.exists() else []
    # The last line says why a tool failed; paths inside the repository are shown relative.
    tail = lines[-1].strip().replace(f"{ROOT}/", "")[:300] if lines else "no output"
    if killed.is_set():
        tail = f"killed after {timeout_s:.0f} s"
    # GNU time and Linux's ru_maxrss report KiB; macOS's ru_maxrss is in bytes.
    kib = int(reported[-1]) if reported and reported[-1].isdigit() else usage.ru_maxrss
    peak = kib / (1024 * 1024 if sys.platform == "darwin" and not reported else 1024)
    return Sample(wall, peak, code, tail)


def meter() -> str:
    """Which peak-memory meter `measure` uses, for the sections' notes."""
    if TIME_BIN:
        return "GNU time's %M: the largest resident set among the process and its children"
    return "os.wait4's ru_maxrss, which on Linux also counts the runner's forked copy"


def table(rows: Sequence[Row], *, ours: str, against: Mapping[str, str] | None = None) -> list[str]:
    """Markdown rows; each peer's row carries oaskit's speed-up and memory share on its input.

    `against` names, for a peer's tool, the oaskit row it is compared with (`ours` if none);
    those rows carry no ratio themselves.
    """
    pairs = dict(against or {})
    own = {ours, *pairs.values()}
    lines = [
        "| input | tool | version | wall s, median (min-max) | peak MiB | oaskit's speed-up "
        "| oaskit's memory share | result |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    reference = {(row.spec, row.tool): row for row in rows if row.tool in own and row.ok}
    for row in rows:
        wall = peak = speed = share = ""
        if row.samples:
            walls = [s.wall_s for s in row.samples]
            wall = f"{statistics.median(walls):.2f} ({min(walls):.2f}-{max(walls):.2f})"
            peak = f"{row.peak_mib:.0f}"
        base = reference.get((row.spec, pairs.get(row.tool, ours)))
        if row.ok and base is not None and row.tool not in own:
            speed = f"{row.wall_s / base.wall_s:.2f}x"
            share = f"{base.peak_mib / row.peak_mib:.2f}"
        lines.append(
            f"| {row.spec} | {row.tool} | {row.version} | {wall} | {peak} | {speed} | {share} "
            f"| {_escape(_result(row))} |"
        )
    return lines


def _result(row: Row) -> str:
    failed = row.failure
    if failed is not None:
        reason = f"failed (exit {failed.code}): {failed.tail}"
        return f"{reason}; {row.note}" if row.note else reason
    if not row.samples:
        return row.note or "not run"
    codes = sorted({s.code for s in row.samples})
    result = "ok" if codes == [0] else f"ok, exit {'/'.join(map(str, codes))}"
    if codes != [0] and row.completed_note:
        result += f" ({row.completed_note})"
    return f"{result}; {row.note}" if row.note else result


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
