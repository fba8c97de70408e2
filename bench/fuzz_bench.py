"""Fuzz benchmark: `oaskit fuzz` (its Python API) beside schemathesis' own `st run`.

`python -m bench.fuzz_bench [--quick]` from the repository root. It starts the reference service
on 127.0.0.1 the way scripts/demo.sh does (a fresh SQLite file, one key from `keys create`,
`serve`, a rate limit far above what a fuzz run sends), bundles spec/connectors/openapi.yaml into
one JSON file (st's loader resolves a relative `$ref` inside a referenced file against the root's
folder, so it cannot read the multi-file spec itself) and runs, in turn and `--repeats` times:

- `st run <bundled spec> --url <service>` from the venv, in a subprocess, with an NDJSON report;
- `oaskit.fuzz.run_fuzz` against the same URL;
- `oaskit.fuzz.run_fuzz` against the service app in process (its own fresh SQLite file).

All three use the same `--max-examples`, seed, phases (all), checks (all) and one worker. Two
figures per run, both taken from engine events, so process start-up and spec loading are left
out of both: cases per second (test cases sent / engine running time) and the time until every
operation had its first scenario with a case finished. Medians are written between the
`bench:fuzz` markers of BENCHMARKS.md; the rest of the file is left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

from bench._results import write_section

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
    args = parser.parse_args(argv)
    max_examples = args.max_examples or (5 if args.quick else 10)
    repeats = args.repeats or (1 if args.quick else 3)

    with tempfile.TemporaryDirectory(prefix="fuzz-bench-") as folder:
        work = Path(folder)
        spec_json = work / "openapi.json"
        spec_json.write_text(json.dumps(_bundle(SPEC)), encoding="utf-8")
        samples: dict[str, list[Sample]] = {"st": [], "socket": [], "in_process": []}
        with _service(work / "served") as (url, key):
            app, app_key = _in_process_app(work / "in-process")
            for run in range(1, repeats + 1):
                # Alternated, so that all three see the same machine state and database growth.
                for name, measure in (
                    ("st", partial(_run_st, spec_json, url=url, key=key, work=work, n=run)),
                    ("socket", partial(_run_ours, url=url, key=key)),
                    ("in_process", partial(_run_ours, app=app, key=app_key)),
                ):
                    sample = measure(max_examples=max_examples, seed=args.seed)
                    samples[name].append(sample)
                    print(
                        f"run {run}/{repeats} {name}: {sample.cases} cases in"
                        f" {sample.running_s:.2f} s = {sample.cases_per_s:.1f}/s; all operations"
                        f" covered after {sample.cover_s:.2f} s; {sample.failures} failures",
                        flush=True,
                    )
    section = _section(
        samples, max_examples=max_examples, repeats=repeats, seed=args.seed, quick=args.quick
    )
    print(section)
    if not args.no_write:
        _write_section(section)
    return 0


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
        raise SystemExit(f"st run failed ({finished.returncode}):\n{finished.stdout[-2000:]}")
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
        raise SystemExit(f"{path}: no EngineStarted/EngineFinished events")
    return Sample(
        cases=cases,
        running_s=finished - started,
        cover_s=max(covered.values(), default=float("nan")),
        failures=failures,
    )


def _section(
    samples: dict[str, list[Sample]], *, max_examples: int, repeats: int, seed: int, quick: bool
) -> str:
    names = {
        "st": "`st run`, over 127.0.0.1",
        "socket": "`oaskit fuzz`, over 127.0.0.1",
        "in_process": "`oaskit fuzz`, in process (ASGI)",
    }
    rows = ["| run | cases | cases/s | all operations covered after | failures |"]
    rows.append("| --- | ---: | ---: | ---: | ---: |")
    for key, label in names.items():
        runs = samples[key]
        rates = [sample.cases_per_s for sample in runs]
        rows.append(
            f"| {label} | {statistics.median(sample.cases for sample in runs):.0f}"
            f" | {statistics.median(rates):.1f} ({min(rates):.1f}-{max(rates):.1f})"
            f" | {statistics.median(sample.cover_s for sample in runs):.2f} s"
            f" | {statistics.median(sample.failures for sample in runs):.0f} |"
        )
    command = "python -m bench.fuzz_bench" + (" --quick" if quick else "")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    versions = {name: metadata.version(name) for name in ("schemathesis", "hypothesis", "fastapi")}
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    return "\n".join(
        [
            START_MARKER,
            "## Fuzz",
            "",
            f"Written by `{command}` on {when}; every figure comes from that run. The reference"
            " service (a fresh SQLite file, one uvicorn worker, rate limit out of reach) fuzzed"
            " with spec/connectors/openapi.yaml by `st run` and by `oaskit fuzz`'s Python API,"
            f" alternating, {repeats} run(s) each; medians, min-max of cases/s in brackets. Same"
            f" inputs for all: --max-examples {max_examples}, seed {seed}, every phase and check,"
            " one worker, no example database.",
            "",
            f"Machine: {machine}. Versions: "
            + ", ".join(f"{name} {value}" for name, value in versions.items())
            + ".",
            "",
            *rows,
            "",
            "Cases/s: test cases sent / engine running time (from the engine's own start and"
            " finish events; process start-up and spec loading excluded for both). Covered after:"
            " from the engine's start until every operation had its first scenario with a case"
            " finished. Failures: `st run` counts failed checks per case; oaskit counts distinct"
            " failures and accepts a documented 412/422 in `positive_data_acceptance` (README), so"
            " the two columns are not comparable. `st run` meets failures that oaskit's policy"
            " accepts, and hypothesis ends an operation's test at its first failure, so st sends"
            " far fewer cases: compare cases/s, not case counts. The served database keeps what"
            " earlier runs created, for all three alike.",
            END_MARKER,
        ]
    )


def _write_section(section: str) -> None:
    write_section(BENCHMARKS, section, start_marker=START_MARKER, end_marker=END_MARKER)


if __name__ == "__main__":
    sys.exit(main())
