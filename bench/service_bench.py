"""Service benchmark: GET and PUT /v1/connectors/{id}, the service beside a bare Starlette peer.

`python -m bench.service_bench [--quick]` (what `make bench` / `make bench-quick` run), from the
repository root. For each backend (a fresh SQLite file in WAL mode; a fresh PostgreSQL database
`bench_<random>`, dropped afterwards) it starts the reference service and bench/bare_app.py, both
with 2 uvicorn workers on 127.0.0.1, seeds one organization, one key and one connector (through
the service's API), and loads each server in turn from a separate process. Per method:

1. throughput at saturation: a warm-up, then `--repeats` closed-loop runs of `--duration`
   seconds with fixed connections and threads (wrk with bench/wrk_connector.lua, or
   bench/loadgen.py when wrk cannot be had); the ratio of the medians is the throughput figure;
2. latency at a fixed rate: `--repeats` open-loop runs (bench/loadgen.py --rate) at
   `--rate-fraction` of the peer's median saturation throughput, the same rate for both, each
   latency taken from when the request was due (no coordinated omission); p50 and p99 come
   from these runs, since at saturation latency is time spent queueing.

Runs alternate service and peer so that both see the same machine state; medians are reported.
Throughput is a ratio against the peer measured in the same run, never an absolute threshold:
this is a benchmark, not a timed test. The service section of BENCHMARKS.md (between the
`bench:service` markers) is rewritten; other sections of the file are left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Literal

import httpx
import psycopg
from sqlalchemy.engine import make_url

from bench._results import write_section

__all__ = ["main"]


ROOT = Path(__file__).resolve().parent.parent
LUA_SCRIPT = ROOT / "bench" / "wrk_connector.lua"
START_MARKER = "<!-- bench:service:start -->"
END_MARKER = "<!-- bench:service:end -->"
# The targets: at least half the peer's throughput, p99 under 20 ms (at a fixed rate).
TARGET_RATIO = 0.5
TARGET_P99_MS = 20.0
# The fixed-rate runs offer this share of the peer's saturation throughput: well below what
# either server can take, so latency is service time, not queueing.
DEFAULT_RATE_FRACTION = 0.5
WORKERS = 2
# Far above what the load can reach, so the limiter counts but never answers 429.
RATE_LIMIT = "1000000000"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
RESULT_PREFIX = "BENCH_RESULT "
STARTUP_TIMEOUT_S = 60.0

Method = Literal["GET", "PUT"]
Generator = Literal["wrk", "python"]
METHODS: tuple[Method, ...] = ("GET", "PUT")


@dataclass(frozen=True)
class Options:
    """What one run measures, from the command line."""

    mode: str
    duration_s: int
    warmup_s: int
    repeats: int
    connections: int
    threads: int
    rate_fraction: float
    backends: tuple[str, ...]
    generator: Generator
    output: Path | None


@dataclass(frozen=True)
class Measurement:
    """One load run against one server, as the load generator reported it."""

    requests: int
    duration_us: int
    non2xx: int
    statuses: str
    socket_errors: int
    p50_us: int
    p99_us: int
    max_us: int
    # Open loop only: how late the generator wrote requests after they were due (p99).
    lag_p99_us: int = 0

    @property
    def rps(self) -> float:
        """Requests per second over the run."""
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0

    @property
    def errors(self) -> int:
        """Non-2xx responses plus socket errors: a run with any is flagged."""
        return self.non2xx + self.socket_errors


@dataclass
class Scenario:
    """One method on one backend: the repeated runs of the service and of the peer."""

    backend: str
    method: Method
    # Closed loop, at saturation: throughput.
    ours: list[Measurement] = field(default_factory=list)
    bare: list[Measurement] = field(default_factory=list)
    # Open loop, at `rate` requests per second: latency.
    rate: float = 0.0
    ours_fixed: list[Measurement] = field(default_factory=list)
    bare_fixed: list[Measurement] = field(default_factory=list)
    skipped: str | None = None

    def runs(self) -> list[Measurement]:
        """Every run of the scenario, both loops, both servers."""
        return self.ours + self.bare + self.ours_fixed + self.bare_fixed


@dataclass(frozen=True)
class Target:
    """A server under load: where it listens and what to send."""

    name: str
    url: str
    token: str
    # The connectors PUT spreads its writes over, one per connection (see the Lua script).
    put_ids: tuple[str, ...]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when every run was error-free (targets met or not), else 1."""
    options = _parse(argv)
    facts = _machine_facts()
    versions = _versions(options.generator)
    scenarios: list[Scenario] = []
    for backend in options.backends:
        _say(f"== {backend}")
        scenarios.extend(_run_backend(backend, options, versions))
    # Others' work on the machine may have come or gone during the run.
    facts["load average at end"] = " ".join(f"{load:.2f}" for load in os.getloadavg())
    summary = _render_summary(scenarios)
    print(summary)
    if options.output is not None:
        section = _render_section(options, facts, versions, scenarios)
        _write_section(options.output, section)
        _say(f"wrote the service section of {options.output}")
    return 1 if any(_has_errors(scenario) for scenario in scenarios) else 0


def _parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.service_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 s runs, 1 s warm-up")
    parser.add_argument("--duration", type=int, help="seconds per run (default 10, quick 3)")
    parser.add_argument("--warmup", type=int, help="seconds of warm-up (default 3, quick 1)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--rate-fraction",
        type=float,
        default=DEFAULT_RATE_FRACTION,
        help="fixed-rate runs offer this share of the peer's saturation throughput",
    )
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    backends = tuple(name.strip() for name in args.backends.split(",") if name.strip())
    unknown = sorted(set(backends) - {"sqlite", "postgresql"})
    if unknown:
        parser.error(f"unknown backend(s) {', '.join(unknown)}")
    if not 0 < args.rate_fraction <= 1:
        parser.error("--rate-fraction must be in (0, 1]")
    return Options(
        mode="quick" if args.quick else "full",
        duration_s=args.duration or (3 if args.quick else 10),
        warmup_s=args.warmup if args.warmup is not None else (1 if args.quick else 3),
        repeats=args.repeats,
        connections=args.connections,
        threads=args.threads,
        rate_fraction=args.rate_fraction,
        backends=backends,
        generator=_choose_generator(args.generator),
        output=None if args.no_write else Path(args.output),
    )


def _choose_generator(wanted: str) -> Generator:
    if wanted == "python":
        return "python"
    if shutil.which("wrk") is None and hasattr(os, "geteuid") and os.geteuid() == 0:
        # Root in a throwaway environment (CI, a container): installing is cheaper than the
        # fallback's distortion. Anyone else gets the fallback, never a sudo prompt.
        _say("wrk not found; installing the Debian package")
        subprocess.run(
            "apt-get update -qq && apt-get install -y -qq wrk",
            shell=True,
            check=False,
            stdout=subprocess.DEVNULL,
        )
    if shutil.which("wrk") is not None:
        return "wrk"
    if wanted == "wrk":
        raise SystemExit("wrk is not installed and could not be installed")
    _say("wrk unavailable: falling back to bench/loadgen.py (figures marked as such)")
    return "python"


# Backends


def _run_backend(backend: str, options: Options, versions: dict[str, str]) -> list[Scenario]:
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        workdir = Path(scratch)
        try:
            with _database(backend, workdir, versions) as url:
                return _run_servers(backend, url, workdir, options)
        except _SkipError as skip:
            _say(f"skipped {backend}: {skip}")
            return [Scenario(backend=backend, method=m, skipped=str(skip)) for m in METHODS]


class _SkipError(Exception):
    """A backend that cannot be measured here (no PostgreSQL server, say)."""


@contextmanager
def _database(backend: str, workdir: Path, versions: dict[str, str]) -> Iterator[str]:
    if backend == "sqlite":
        # A fresh file per run; WAL comes from the engine's pragmas (connectors_service.db).
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    admin = make_url(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"bench_{secrets.token_hex(6)}"
    try:
        connection = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        raise _SkipError(f"PostgreSQL unreachable ({str(error).strip().splitlines()[0]})") from None
    with connection:
        versions["PostgreSQL"] = str(connection.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            # FORCE (PostgreSQL 13+) ends connections a killed worker may have left behind.
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_servers(backend: str, url: str, workdir: Path, options: Options) -> list[Scenario]:
    env = _server_env(url, workdir)
    token = _create_key(env)
    ours_port, bare_port = _free_port(), _free_port()
    service_cmd = [sys.executable, "-m", "connectors_service", "serve"]
    service_cmd += ["--host", "127.0.0.1", "--port", str(ours_port), "--workers", str(WORKERS)]
    # The peer runs under the same uvicorn, with the same defaults (event loop, HTTP parser)
    # the service's `serve` gets, and without an access log, as `serve` turns uvicorn's off.
    bare_cmd = [sys.executable, "-m", "uvicorn", "--factory", "bench.bare_app:create_app"]
    bare_cmd += ["--host", "127.0.0.1", "--port", str(bare_port), "--workers", str(WORKERS)]
    bare_cmd += ["--no-access-log", "--log-level", "warning"]
    with (
        _server(service_cmd, env=env, log=workdir / "service.log") as ours_proc,
        _server(bare_cmd, env=env, log=workdir / "bare.log") as bare_proc,
    ):
        ours_base, bare_base = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{bare_port}"
        _wait_ready(ours_base, ours_proc, workdir / "service.log")
        ids = tuple(_seed_connector(ours_base, token) for _ in range(options.connections))
        _wait_ready(bare_base, bare_proc, workdir / "bare.log")
        path = f"/v1/connectors/{ids[0]}"
        ours = Target(name="service", url=ours_base + path, token=token, put_ids=ids)
        bare = Target(name="bare", url=bare_base + path, token=token, put_ids=ids)
        for target in (ours, bare):
            _check_target(target)
        scenarios = []
        for method in METHODS:
            scenario = Scenario(backend=backend, method=method)
            _measure(scenario, ours, bare, options)
            scenarios.append(scenario)
        return scenarios


def _measure(scenario: Scenario, ours: Target, bare: Target, options: Options) -> None:
    method = scenario.method
    # Warm-up: both workers of each server open their pool connections and fill
    # SQLAlchemy's statement caches before anything is recorded.
    for target in (ours, bare):
        _load(target, method, options, seconds=options.warmup_s)
    for repeat in range(options.repeats):
        # Alternating keeps slow drift (page cache, WAL growth, autovacuum) from
        # landing on one side only.
        for target, runs in ((ours, scenario.ours), (bare, scenario.bare)):
            measured = _load(target, method, options, seconds=options.duration_s)
            runs.append(measured)
            _report(scenario, target, repeat, measured, "saturation")
    # The same offered rate for both, set by the peer: the service is held to the load the
    # bare handler takes with ease, not to a load scaled down to its own capacity.
    scenario.rate = max(1.0, options.rate_fraction * _median([r.rps for r in scenario.bare]))
    for repeat in range(options.repeats):
        for target, runs in ((ours, scenario.ours_fixed), (bare, scenario.bare_fixed)):
            measured = _load(
                target, method, options, seconds=options.duration_s, rate=scenario.rate
            )
            runs.append(measured)
            _report(scenario, target, repeat, measured, f"{scenario.rate:,.0f} req/s")


def _report(
    scenario: Scenario, target: Target, repeat: int, measured: Measurement, loop: str
) -> None:
    _say(
        f"{scenario.backend} {scenario.method} {target.name} {loop} #{repeat + 1}: "
        f"{measured.rps:,.0f} req/s p50 {measured.p50_us / 1000:.2f} ms "
        f"p99 {measured.p99_us / 1000:.2f} ms errors {measured.errors}"
    )


def _server_env(url: str, workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Keys and Redis from the caller's shell would change what is measured.
    for name in ("CONNECTORS_SECRET_KEY", "REDIS_URL", "CONNECTORS_REDIS_URL"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=url,
        CONNECTORS_RATE_LIMIT_PER_MINUTE=RATE_LIMIT,
        CONNECTORS_SECRET_KEY_FILE=str(workdir / "secret.key"),
        # uvicorn's spawned workers import bench.bare_app from the repository root.
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


def _create_key(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "connectors_service", "keys", "create", "--org", "bench"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    # The CLI prints the key alone on its last line.
    return done.stdout.strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _server(
    command: list[str], *, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as sink:
        # Its own session, so the supervisor and its workers are stopped as one group, by id.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=sink, start_new_session=True
        )
        try:
            yield process
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    # SIGTERM to the group: uvicorn's supervisor shuts its workers down gracefully.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{base} exited at start-up:\n{log.read_text()[-2000:]}")
        with suppress(httpx.TransportError):
            # Any HTTP answer (401 without a key) means a worker is serving.
            httpx.get(base + "/v1/connectors/ready", timeout=2)
            return
        time.sleep(0.2)
    raise RuntimeError(
        f"{base} not ready after {STARTUP_TIMEOUT_S:.0f} s:\n{log.read_text()[-2000:]}"
    )


def _seed_connector(base: str, token: str) -> str:
    # Through the API, so the row is exactly what the service writes (secret sealed at rest).
    response = httpx.post(
        base + "/v1/connectors",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "name": "Bench 0",
            "provider": "braze",
            "type": "destination",
            "data": {"api_token": "s3cret"},
        },
        timeout=10,
    )
    if response.status_code != 201:
        raise RuntimeError(f"seeding failed: {response.status_code} {response.text}")
    connector_id: str = response.json()["data"]["id"]
    return connector_id


def _check_target(target: Target) -> None:
    # The load must measure successful answers: a 4xx is cheaper than a 200 and would flatter.
    headers = {"Authorization": f"Bearer {target.token}"}
    got = httpx.get(target.url, headers=headers, timeout=10)
    put = httpx.put(target.url, headers=headers, json={"name": f"Bench {target.name}"}, timeout=10)
    for response in (got, put):
        if response.status_code != 200:
            raise RuntimeError(
                f"{target.name}: {response.request.method} answered {response.status_code}"
                f" {response.text[:300]}"
            )


# Load


def _load(
    target: Target, method: Method, options: Options, *, seconds: int, rate: float = 0.0
) -> Measurement:
    # wrk only closes the loop; a fixed rate needs bench/loadgen.py's open loop (wrk2, which
    # has one, is not packaged by Debian).
    if options.generator == "wrk" and not rate:
        command = ["wrk", "-t", str(options.threads), "-c", str(options.connections)]
        command += ["-d", f"{seconds}s", "--timeout", "5s", "-s", str(LUA_SCRIPT)]
        command += [target.url, "--", method, target.token]
        command += [",".join(target.put_ids), str(options.threads)]
    else:
        command = [sys.executable, "-m", "bench.loadgen", "--url", target.url]
        command += ["--method", method, "--token", target.token]
        command += ["--connections", str(options.connections), "--processes", str(options.threads)]
        command += ["--duration", str(seconds), "--ids", ",".join(target.put_ids)]
        if rate:
            command += ["--rate", f"{rate:.1f}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            fields = json.loads(line[len(RESULT_PREFIX) :])
            return Measurement(
                requests=int(fields["requests"]),
                duration_us=int(fields["duration_us"]),
                non2xx=int(fields["non2xx"]),
                statuses=",".join(sorted(set(filter(None, str(fields["statuses"]).split(","))))),
                socket_errors=int(fields["socket_errors"]),
                p50_us=int(fields["p50_us"]),
                p99_us=int(fields["p99_us"]),
                max_us=int(fields["max_us"]),
                lag_p99_us=int(fields.get("lag_p99_us", 0)),
            )
    raise RuntimeError(f"no result from {command[0]}:\n{done.stdout}\n{done.stderr}")


# Facts


def _machine_facts() -> dict[str, str]:
    facts = {
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": _first_value(Path("/proc/cpuinfo"), "model name") or platform.processor(),
        "memory": _memory(),
        "OS": _os_name(),
        "kernel": platform.release(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        # Other work on the machine skews absolute figures (less so the ratios, as runs
        # alternate); the load average before the run says how busy it was.
        "load average at start": " ".join(f"{load:.2f}" for load in os.getloadavg()),
    }
    return facts


def _first_value(path: Path, key: str) -> str:
    with suppress(OSError):
        for line in path.read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    return ""


def _memory() -> str:
    total = _first_value(Path("/proc/meminfo"), "MemTotal")
    return f"{int(total.split()[0]) / 1024**2:.1f} GiB" if total else "unknown"


def _os_name() -> str:
    with suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.partition("=")[2].strip('"')
    return platform.platform()


def _versions(generator: Generator) -> dict[str, str]:
    versions = {
        name: metadata.version(name)
        for name in ("uvicorn", "starlette", "fastapi", "pydantic", "SQLAlchemy", "psycopg")
    }
    versions["SQLite"] = sqlite3.sqlite_version
    if generator == "wrk":
        shown = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        versions["wrk"] = (shown.stdout or shown.stderr).split(" Copyright")[0].removeprefix("wrk ")
    else:
        versions["load generator"] = "bench/loadgen.py (Python fallback)"
    return versions


# Reports


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _has_errors(scenario: Scenario) -> bool:
    return any(run.errors for run in scenario.runs())


def _fixed_p99_ms(runs: Sequence[Measurement]) -> float:
    return _median([run.p99_us for run in runs]) / 1000


def _verdict(scenario: Scenario) -> str:
    ratio = _ratio(scenario)
    # The latency target holds at the fixed rate; at saturation p99 is queueing.
    p99_ms = _fixed_p99_ms(scenario.ours_fixed)
    misses = []
    if ratio < TARGET_RATIO:
        misses.append(f"ratio {ratio:.2f} < {TARGET_RATIO}")
    if p99_ms >= TARGET_P99_MS:
        misses.append(f"p99 {p99_ms:.1f} ms >= {TARGET_P99_MS:.0f} ms")
    if _has_errors(scenario):
        misses.append("errors in the run")
    return "yes" if not misses else "no: " + ", ".join(misses)


def _ratio(scenario: Scenario) -> float:
    bare = _median([run.rps for run in scenario.bare])
    return _median([run.rps for run in scenario.ours]) / bare if bare else 0.0


def _rps_cell(runs: Sequence[Measurement]) -> str:
    rates = [run.rps for run in runs]
    return f"{_median(rates):,.0f} ({min(rates):,.0f}-{max(rates):,.0f})"


def _latency_cell(runs: Sequence[Measurement]) -> str:
    p50 = _median([run.p50_us for run in runs]) / 1000
    p99 = _median([run.p99_us for run in runs]) / 1000
    return f"{p50:.1f} / {p99:.1f} ms"


def _lag_cell(runs: Sequence[Measurement]) -> str:
    return f"{_median([run.lag_p99_us for run in runs]) / 1000:.1f} ms"


def _errors_cell(runs: Sequence[Measurement]) -> str:
    total = sum(run.errors for run in runs)
    statuses = sorted({code for run in runs for code in run.statuses.split(",") if code})
    return str(total) + (f" ({', '.join(statuses)})" if statuses else "")


_TARGET_HEADER = [
    "scenario",
    "ours req/s",
    "bare req/s",
    "ratio",
    "fixed rate",
    "ours p50 / p99",
    "bare p50 / p99",
    "errors ours / bare",
    "target met?",
]
_CONTEXT_HEADER = [
    "scenario",
    "ours p50 / p99 at saturation",
    "bare p50 / p99 at saturation",
    "generator lag p99 at the fixed rate, ours / bare",
]


def _target_rows(scenarios: Sequence[Scenario]) -> list[list[str]]:
    rows = []
    for scenario in scenarios:
        name = f"{scenario.method} {scenario.backend}"
        if scenario.skipped is not None:
            rows.append([name, *["-"] * 7, f"skipped: {scenario.skipped}"])
            continue
        ours_runs = scenario.ours + scenario.ours_fixed
        bare_runs = scenario.bare + scenario.bare_fixed
        rows.append(
            [
                name,
                _rps_cell(scenario.ours),
                _rps_cell(scenario.bare),
                f"{_ratio(scenario):.2f}",
                f"{scenario.rate:,.0f} req/s",
                _latency_cell(scenario.ours_fixed),
                _latency_cell(scenario.bare_fixed),
                f"{_errors_cell(ours_runs)} / {_errors_cell(bare_runs)}",
                _verdict(scenario),
            ]
        )
    return rows


def _context_rows(scenarios: Sequence[Scenario]) -> list[list[str]]:
    return [
        [
            f"{scenario.method} {scenario.backend}",
            _latency_cell(scenario.ours),
            _latency_cell(scenario.bare),
            f"{_lag_cell(scenario.ours_fixed)} / {_lag_cell(scenario.bare_fixed)}",
        ]
        for scenario in scenarios
        if scenario.skipped is None
    ]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _render_summary(scenarios: Sequence[Scenario]) -> str:
    return (
        "\n"
        + _table(_TARGET_HEADER, _target_rows(scenarios))
        + "\n\n"
        + _table(_CONTEXT_HEADER, _context_rows(scenarios))
        + "\n"
    )


def _render_section(
    options: Options,
    facts: dict[str, str],
    versions: dict[str, str],
    scenarios: Sequence[Scenario],
) -> str:
    generator = (
        f"wrk ({options.threads} threads, bench/wrk_connector.lua)"
        if options.generator == "wrk"
        else f"bench/loadgen.py, the Python fallback ({options.threads} processes);"
        " slower than wrk, not comparable with wrk figures"
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "make bench-quick" if options.mode == "quick" else "make bench"
    lines = [
        START_MARKER,
        "## Service",
        "",
        f"Written by `{command}` (`python -m bench.service_bench`) on {when}; every figure below"
        " comes from that run. GET and PUT `/v1/connectors/{id}` of the reference service"
        " against bench/bare_app.py (bare Starlette, the same single-row read and write through"
        " SQLAlchemy Core on the same database, the bearer key looked up on every request),"
        f" both under uvicorn with {WORKERS} workers on 127.0.0.1, loaded in turn from a"
        f" separate process. Targets: at least {TARGET_RATIO:g}x the bare handler's throughput,"
        f" p99 under {TARGET_P99_MS:g} ms at a fixed request rate below saturation.",
        "",
        "Machine: " + ", ".join(f"{name} {value}" for name, value in facts.items()) + ".",
        "",
        "Versions: " + ", ".join(f"{name} {value}" for name, value in versions.items()) + ".",
        "",
        f"Inputs: {options.mode} mode; {options.connections} connections; per server and method"
        f" {options.warmup_s} s of warm-up, then {options.repeats} runs of"
        f" {options.duration_s} s at saturation and {options.repeats} runs of"
        f" {options.duration_s} s at the fixed rate, alternating service and bare; medians"
        " shown. Seed: one organization, one key and, through the API, one connector per"
        " connection (each with one secret value). GET reads the first; PUT sends"
        ' `{"name": "Bench <n>"}`, a new name each time, without If-Match, spread round-robin'
        " over the connectors (32 writers on one row would measure lock and retry contention"
        " instead). SQLite: a fresh file, WAL; PostgreSQL: a fresh database, dropped afterwards."
        f" Rate limit raised to {RATE_LIMIT}/min; the service logs its JSON access line to a"
        " file, as deployed, and remembers a valid API key for 5 s"
        " (`CONNECTORS_API_KEY_CACHE_SECONDS`, connectors_service/keycache.py), where the bare"
        " handler looks it up every time.",
        "",
        "What each figure is:",
        "",
        f"- **req/s, ratio**: throughput at saturation, closed loop: load generator {generator},"
        f" {options.connections} connections each sending its next request as soon as the last"
        " is answered; ratio = ours / bare of the median req/s (min-max in brackets). The"
        " generator shares the 2 cores with the servers, so absolute figures are low; the ratio"
        " is the figure to compare.",
        f"- **fixed rate; p50 / p99**: latency below saturation, open loop: bench/loadgen.py"
        f" ({options.threads} processes, the same {options.connections} connections) sends"
        f" requests due at fixed intervals, {options.rate_fraction:g}x the bare handler's median"
        " saturation req/s, the same rate for both servers. Each latency runs from the moment"
        " the request was due to the end of its answer, so a wait for a free connection or for"
        " the generator itself counts (no coordinated omission); the generator's timer"
        " granularity (about 1 ms) and its CPU scheduling are in every figure, which makes them"
        " upper bounds on the servers' own latency. Median over the runs of each run's p50 and"
        " p99 (nearest rank). The p99 target applies here.",
        "- **errors**: non-2xx answers and socket errors over all runs, saturation and fixed"
        " rate; any flags the scenario.",
        "- **second table**: p50 / p99 at saturation (time spent queueing behind"
        f" {options.connections} connections on 2 shared cores, not service time), and how late"
        " the open-loop generator wrote requests after they were due (p99); a lag near the"
        " latencies means the generator, not the server, set them.",
        "",
        _table(_TARGET_HEADER, _target_rows(scenarios)),
        "",
        _table(_CONTEXT_HEADER, _context_rows(scenarios)),
        END_MARKER,
    ]
    return "\n".join(lines)


def _write_section(path: Path, section: str) -> None:
    write_section(path, section, start_marker=START_MARKER, end_marker=END_MARKER)


def _say(message: str, stream: IO[str] = sys.stderr) -> None:
    print(message, file=stream, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
