"""BENCHMARKS.md: one section per benchmark, each between its own markers; the shared facts."""

from __future__ import annotations

import os
import platform
import sys
import time
from contextlib import suppress
from pathlib import Path

__all__ = ["Stopwatch", "load_average", "machine", "say", "write_section"]

_PREAMBLE = (
    "# Benchmarks\n\nThe latest figures of each benchmark, one section each, rewritten by the"
    " command the section names (`make bench`). Each section sits between its own"
    " `<!-- bench:NAME:start -->` / `<!-- bench:NAME:end -->` markers; a runner replaces only"
    " its own.\n"
)


def write_section(path: Path, section: str, *, start_marker: str, end_marker: str) -> None:
    """Replace (or append) the section between the markers, leaving every other section alone."""
    # Read right before writing: other benchmarks own other sections of the same file.
    text = path.read_text(encoding="utf-8") if path.exists() else _PREAMBLE
    start, end = text.find(start_marker), text.find(end_marker)
    if start != -1 and end > start:
        text = text[:start] + section + text[end + len(end_marker) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    partial = path.with_name(f".{path.name}.{start_marker.strip('<!- >').replace(':', '-')}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)  # atomic: a reader never sees half a file


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, e.g. `0.52 0.61 0.70`."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine(*, load: str) -> str:
    """One sentence on the machine: CPUs, CPU model, memory, OS, Python, load at start."""
    cpu = _first_value(Path("/proc/cpuinfo"), "model name") or platform.processor() or "unknown"
    total = _first_value(Path("/proc/meminfo"), "MemTotal")
    memory = f"{int(total.split()[0]) / 1024**2:.1f} GiB" if total else "unknown memory"
    return (
        f"Machine: {platform.machine()}, {len(os.sched_getaffinity(0))} CPUs ({cpu}), {memory},"
        f" {_os_name()}, {platform.python_implementation()} {platform.python_version()}; load"
        f" average at start {load} (the machine is shared: compare ratios, not absolute figures)."
    )


def say(message: str) -> None:
    """Progress on stderr, so that stdout holds only the section."""
    print(message, file=sys.stderr, flush=True)


class Stopwatch:
    """Wall time since construction, for the runner's closing `done in N s` line."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.started = time.perf_counter()

    def report(self) -> None:
        """Print `<name>: done in N s` on stderr."""
        say(f"{self.name}: done in {time.perf_counter() - self.started:.1f} s")


def _first_value(path: Path, key: str) -> str | None:
    with suppress(OSError):
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    return None


def _os_name() -> str:
    with suppress(OSError):
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.partition("=")[2].strip('"')
    return platform.platform()
