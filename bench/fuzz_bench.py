"""Fuzz benchmark: `oaskit fuzz` (its Python API) beside schemathesis' own `st run`.

`python -m bench.fuzz_bench [--quick] [--no-write] [--output PATH]` from the repository root.
It starts the reference service on 127.0.0.1 the way scripts/demo.sh does (a fresh SQLite file,
one key from `keys create`, `serve`, a rate limit far above what a fuzz run sends), bundles
spec/connectors/openapi.yaml into one JSON file (st's loader resolves a relative `$ref` inside
a referenced file against the root's folder, so it cannot read the multi-file spec itself) and
runs, in turn and `--repeats` times:

- `st run <bundled spec> --url <service>` from the venv, in a subprocess, with an NDJSON report;
- `oaskit.fuzz.run_fuzz` against the same URL;
- `oaskit.fuzz.run_fuzz` against the service app in process (its own fresh SQLite file).

All three use the same `--max-examples`, seed, phases (all), checks (all) and one worker. Two
figures per run, both taken from engine events, so process start-up and spec loading are left
out of both: cases per second (test cases sent / engine running time) and the time until every
operation had its first scenario with a case finished. Medians are written between the
`bench:fuzz` markers of BENCHMARKS.md; the rest of the file is left alone.

`--quick` runs once, with `--max-examples 5`, and leaves out the in-process run (ours only,
no peer: its row says it was skipped). A run that breaks is a row that says why, and the
runner exits 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from importlib import metadata
from pathlib import Path

from bench._results import Stopwatch, load_average, machine, say, write_section

__all__ = ["main"]


ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "connectors" / "openapi.yaml"
BENCHMARKS = ROOT / "BENCHMARKS.md"
START_MARKER = "<!-- bench:fuzz:start -->"
END_MARKER = "<!-- bench:fuzz:end -->"
# Far above what a fuzz run sends: the limiter counts but never answers 429.
RATE_LIMIT = "1000000000"
STARTUP_TIMEOUT_S = 60.0
SERVE = (sys.executable, "-m", "connectors_service", "serve")
UNIT_PHASES = frozenset({"examples", "coverage", "fuzzing"})
NAMES = {
    "st": "`st run`, over 127.0.0.1",
    "socket": "`oaskit fuzz`, over 127.0.0.1",
    "in_process": "`oaskit fuzz`, in process (ASGI)",
}
QUICK_SKIP = "skipped in quick mode (no peer to compare with); `make bench` measures it"


@dataclass(frozen=True)
class Sample:
    """One run's figures."""

    cases: int
    running_s: float
    cover_s: float
    failures: int

    @property
    def cases_per_s(self) -> float:
        """Test cases sent per second of engine time."""
        return self.cases / self.running_s if self.running_s else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and rewrite the fuzz section of BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run of each, fewer examples")
    parser.add_argument("--max-examples", type=int, help="default 10, or 5 with --quick")
    parser.add_argument("--repeats", type=int, help="default 3, or 1 with --quick")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md")
    parser.add_argument("--output", type=Path, default=BENCHMARKS, help="the results file")
    args = parser.parse_args(argv)
    stopwatch = Stopwatch("bench.fuzz_bench" + (" --quick" if args.quick else ""))
    max_examples = args.max_examples or (5 if args.quick else 10)
    repeats = args.repeats or (1 if args.quick else 3)
    load = load_average()

    samples: dict[str, list[Sample]] = {name: [] for name in NAMES}
    reasons: dict[str, str] = {"in_process": QUICK_SKIP} if args.quick else {}
    with tempfile.TemporaryDirectory(prefix="fuzz-bench-") as folder:
        work = Path(folder)
        spec_json = work / "openapi.json"
        spec_json.write_text(json.dumps(_bundle(SPEC)), encoding="utf-8")
        with _service(work / "served") as (url, key):
            app, app_key = _in_process_app(work / "in-process")
            for run in range(1, repeats + 1):
                # Alternated, so that all three see the same machine state and database growth.
                for name, measure in (
                    ("st", partial(_run_st, spec_json, url=url, key=key, work=work, n=run)),
                    ("socket", partial(_run_ours, url=url, key=key)),
                    ("in_process", partial(_run_ours, app=app, key=app_key)),
                ):
                    if name in reasons:
                        continue  # skipped, or broke in an earlier round
                    try:
                        sample = measure(max_examples=max_examples, seed=args.seed)
                    except Exception as error:  # a broken run is a row that says why
                        reasons[name] = f"failed: {type(error).__name__}: {error}"[:300]
                        say(f"run {run}/{repeats} {name}: {reasons[name]}")
                        continue
                    samples[name].append(sample)
                    say(
                        f"run {run}/{repeats} {name}: {sample.cases} cases in"
                        f" {sample.running_s:.2f} s = {sample.cases_per_s:.1f}/s; all operations"
                        f" covered after {sample.cover_s:.2f} s; {sample.failures} failures"
                    )
    section = _section(
        samples,
        reasons,
        max_examples=max_examples,
        repeats=repeats,
        seed=args.seed,
        quick=args.quick,
        load=load,
    )
    print(section)
    if not args.no_write:
        write_section(args.output, section, start_marker=START_MARKER, end_marker=END_MARKER)
        say(f"wrote the fuzz section of {args.output}")
    stopwatch.report()
    broken = any(not reason.startswith("skipped") for reason in reasons.values())
    return 1 if broken else 0


def _bundle(path: Path) -> object:
    from oaskit.spec import bundle_spec

    bundle = bundle_spec(path)
    if bundle.problems:
        raise SystemExit(f"cannot bundle {path}: {bundle.problems[0].message}")
    return bundle.data


def _env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CONNECTORS_RATE_LIMIT_PER_MINUTE": RATE_LIMIT,
        "CONNECTORS_SECRET_KEY_FILE": str(database.parent / "secret.key"),
    }


def _create_key(folder: Path) -> tuple[dict[str, str], str]:
    folder.mkdir(parents=True)
    env = _env(folder / "connectors.db")
    created = subprocess.run(
        [sys.executable, "-m", "connectors_service", "keys", "create", "--org", "bench"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    # The key is the last line `keys create` prints.
    return env, created.stdout.strip().splitlines()[-1]


@contextmanager
def _service(folder: Path) -> Iterator[tuple[str, str]]:
    env, key = _create_key(folder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (folder / "service.log").open("wb")
    server = subprocess.Popen(
        [*SERVE, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _listening(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the service did not start; see " + str(folder / "service.log"))
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", key
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _in_process_app(folder: Path) -> tuple[object, str]:
    from connectors_service.app import create_app
    from connectors_service.settings import Settings

    env, key = _create_key(folder)
    # The access log goes to a file, as the served copy's does (the service adds no handler of
    # its own when one is there), not to the terminal between the progress lines.
    handler = logging.FileHandler(folder / "service.log")
    handler.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger("connectors_service").addHandler(handler)
    settings = Settings(
        database_url=env["DATABASE_URL"],
        rate_limit_per_minute=int(RATE_LIMIT),
        secret_key_file=env["CONNECTORS_SECRET_KEY_FILE"],
    )
    return create_app(settings), key


def _run_ours(
    *, url: str | None = None, app: object | None = None, key: str, max_examples: int, seed: int
) -> Sample:
    from oaskit.fuzz import FuzzOptions, run_fuzz

    options = FuzzOptions(
        SPEC,
        base_url=url,
        headers={"Authorization": f"Bearer {key}"},
        max_examples=max_examples,
        seed=seed,
    )
    report = run_fuzz(options, app=app)
    covered = [operation.covered_after for operation in report.operations]
    return Sample(
        cases=report.cases,
        running_s=report.elapsed,
        cover_s=max((value for value in covered if value is not None), default=float("nan")),
        failures=len(report.failures),
    )


def _run_st(
    spec: Path, *, url: str, key: str, work: Path, n: int, max_examples: int, seed: int
) -> Sample:
    events_path = work / f"st-{n}.ndjson"
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        str(spec),
        "--url",
        url,
        "--header",
        f"Authorization: Bearer {key}",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--workers",
        "1",
        # As oaskit runs it: no example database, so the seed alone decides the cases.
        "--generation-database",
        "none",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(events_path),
    ]
    # Exit 1 means st found failures (see the failures column), not that the run broke.
    finished = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
    if finished.returncode not in (0, 1) or not events_path.exists():
        last = (finished.stderr.strip() or finished.stdout.strip()).splitlines()[-1:]
        raise RuntimeError(f"st run exit {finished.returncode}: {' '.join(last) or 'no output'}")
    return _read_st_events(events_path)


def _read_st_events(path: Path) -> Sample:
    started = finished = None
    cases = failures = 0
    covered: dict[str, float] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            (kind, event), *_ = json.loads(line).items()
            if kind == "EngineStarted":
                started = event["timestamp"]
            elif kind == "EngineFinished":
                finished = event["timestamp"]
            elif kind == "ScenarioFinished":
                recorder = event["recorder"]
                # A skipped scenario's recorder holds no cases at all.
                recorded = recorder.get("cases") or {}
                cases += len(recorded)
                failures += sum(
                    1
                    for checks in (recorder.get("checks") or {}).values()
                    for check in checks
                    if check.get("status") == "failure"
                )
                label = recorder.get("label")
                if event["phase"] in UNIT_PHASES and recorded and started is not None:
                    covered.setdefault(label, event["timestamp"] - started)
    if started is None or finished is None:
        raise RuntimeError(f"{path.name}: no EngineStarted/EngineFinished events")
    return Sample(
        cases=cases,
        running_s=finished - started,
        cover_s=max(covered.values(), default=float("nan")),
        failures=failures,
    )


def _section(
    samples: dict[str, list[Sample]],
    reasons: dict[str, str],
    *,
    max_examples: int,
    repeats: int,
    seed: int,
    quick: bool,
    load: str,
) -> str:
    rows = [
        "| run | cases | cases/s, median (min-max) | oaskit's speed-up (cases/s) | all operations"
        " covered after | failures | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    peer = samples["st"] if "st" not in reasons else []
    for key, label in NAMES.items():
        runs = samples[key] if key not in reasons else []
        if not runs:
            rows.append(f"| {label} | | | | | | {reasons.get(key, 'no run')} |")
            continue
        rates = [sample.cases_per_s for sample in runs]
        rate = statistics.median(rates)
        speed = ""
        if key != "st" and peer:
            speed = f"{rate / statistics.median(s.cases_per_s for s in peer):.2f}x"
        rows.append(
            f"| {label} | {statistics.median(sample.cases for sample in runs):.0f}"
            f" | {rate:.1f} ({min(rates):.1f}-{max(rates):.1f}) | {speed}"
            f" | {statistics.median(sample.cover_s for sample in runs):.2f} s"
            f" | {statistics.median(sample.failures for sample in runs):.0f} | ok |"
        )
    command = "python -m bench.fuzz_bench" + (" --quick" if quick else "")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    names = ("oaskit", "schemathesis", "hypothesis", "fastapi", "uvicorn")
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in names)
    return "\n".join(
        [
            START_MARKER,
            "## Fuzz",
            "",
            f"Written by `{command}` on {when}; every figure comes from that run. The reference"
            " service (a fresh SQLite file, one uvicorn worker, rate limit out of reach) fuzzed"
            " by `st run` (schemathesis' CLI, the peer) and by `oaskit fuzz`'s Python API,"
            f" alternating, {repeats} run(s) each; medians, min-max of cases/s in brackets. Same"
            f" inputs for all: --max-examples {max_examples}, seed {seed}, every phase and check,"
            " one worker, no example database.",
            "",
            machine(load=load),
            "",
            f"Versions: {versions} (`st` is this venv's schemathesis).",
            "",
            f"Input: {_describe_spec()}; `st run` reads it bundled into one JSON file, which"
            " oaskit's bundler writes (st's loader resolves a relative `$ref` inside a referenced"
            " file against the root's folder, so it cannot read the multi-file spec itself).",
            "",
            *rows,
            "",
            "Cases/s: test cases sent / engine running time (from the engine's own start and"
            " finish events; process start-up and spec loading excluded for both). Speed-up:"
            " oaskit's cases/s / `st run`'s. Covered after: from the engine's start until every"
            " operation had its first scenario with a case finished. Failures: `st run` counts"
            " failed checks per case; oaskit counts distinct failures and accepts a documented"
            " 412/422 in `positive_data_acceptance` (README), so the two columns are not"
            " comparable. `st run` meets failures that oaskit's policy accepts, and hypothesis"
            " ends an operation's test at its first failure, so st sends far fewer cases: compare"
            " cases/s, not case counts. The served database keeps what earlier runs created, for"
            " all three alike.",
            END_MARKER,
        ]
    )


def _describe_spec() -> str:
    bundled = _bundle(SPEC)
    paths = bundled.get("paths", {}) if isinstance(bundled, dict) else {}
    operations = sum(
        1
        for item in paths.values()
        if isinstance(item, dict)
        for method in item
        if method in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    )
    return (
        f"{SPEC.relative_to(ROOT)} (this project's hand-written multi-file spec, OpenAPI"
        f" {bundled.get('openapi', '?') if isinstance(bundled, dict) else '?'},"
        f" {operations} operations)"
    )


if __name__ == "__main__":
    sys.exit(main())
