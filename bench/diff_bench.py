"""`oaskit diff` between two releases of GitHub's REST spec: time, stages and what it finds.

`python -m bench.diff_bench [--repeats N] [--output FILE] [--no-write]` from the repository
root (`make bench` runs it). Inputs (bench/_inputs.py,
fetched once from npm at pinned versions): `api.github.com.json` of `@octokit/openapi` 22.0.0
(base) and 23.0.2 (head), about 13 MB of JSON each.

Printed, best of `--repeats` (3) each:
- the command, `oaskit diff BASE HEAD --format json` as its own process (start-up included);
- its stages in one process: bundle both sides (`bundle_spec`, the cyclic collector paused as
  the command pauses it), compare (`oaskit.diff._compare.compare`), locate and format (every
  change placed on both sides with its snippet, then rendered as text);
- the changes by level and by family, and the command's exit code;
- the peer in the same run: Atlassian's `openapi-diff` (npm, pinned below; oasdiff, the anchor
  for what to check, is a Go binary no registry reachable here ships), on the same two files,
  once, with Node's default heap and a time budget: its time, or how it failed.
The figures go to the `diff` section of BENCHMARKS.md (`--no-write`: printed only).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench._inputs import GITHUB, NPM_ENV, Spec, describe, fetch, locked, npm
from bench._results import load_average, machine, write_section

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
OASKIT = ROOT / ".venv" / "bin" / "oaskit"
BENCHMARKS = ROOT / "BENCHMARKS.md"
START_MARKER = "<!-- bench:diff:start -->"
END_MARKER = "<!-- bench:diff:end -->"
PEER = "openapi-diff"
PEER_VERSION = "0.24.1"
PEER_HOME = ROOT / ".cache" / "bench-peers" / "openapi-diff"
PEER_TIMEOUT_S = 600.0
BASE = Spec(
    "GitHub 22.0.0",
    GITHUB.package,
    "22.0.0",
    GITHUB.member,
    GITHUB.origin,
)
HEAD = GITHUB
T = TypeVar("T")


def _best(repeats: int, work: Callable[[], T]) -> tuple[float, T]:
    """The fastest of `repeats` runs of `work`, and the last run's result."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def _command(base: Path, head: Path) -> tuple[int, dict[str, object]]:
    done = subprocess.run(
        [str(OASKIT), "diff", str(base), str(head), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"oaskit diff failed ({done.returncode}): {done.stderr.strip()}")
    return done.returncode, json.loads(done.stdout)


def _peer(base: Path, head: Path) -> tuple[float, str]:
    """Run the pinned openapi-diff on the pair once: seconds, and its outcome in a few words."""
    executable = npm()
    if executable is None:
        return 0.0, "not run: npm not found"
    PEER_HOME.mkdir(parents=True, exist_ok=True)
    binary = PEER_HOME / "node_modules" / ".bin" / "openapi-diff"
    with locked(PEER_HOME / ".lock"):
        if not binary.exists():
            installed = subprocess.run(
                [executable, "install", "--no-save", "--silent", f"{PEER}@{PEER_VERSION}"],
                cwd=PEER_HOME,
                capture_output=True,
                text=True,
                env=NPM_ENV,
                check=False,
                timeout=PEER_TIMEOUT_S,
            )
            if installed.returncode != 0:
                return 0.0, f"not run: npm install failed ({installed.stderr.strip()[:120]})"
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [str(binary), str(base), str(head)],
            capture_output=True,
            text=True,
            check=False,
            timeout=PEER_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return PEER_TIMEOUT_S, f"stopped after the {PEER_TIMEOUT_S:.0f} s budget"
    seconds = time.perf_counter() - start
    if "heap out of memory" in done.stderr:
        return seconds, "crashed: JavaScript heap out of memory (Node's default heap)"
    if done.returncode not in (0, 1):
        return seconds, f"failed with exit {done.returncode}: {done.stderr.strip()[:120]}"
    return seconds, f"exit {done.returncode}"


def main(argv: list[str] | None = None) -> int:
    """Fetch the inputs, time the command and its stages and the peer, write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", type=Path, default=BENCHMARKS)
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    args = parser.parse_args(argv)

    from oaskit._collector import collector_paused
    from oaskit.diff import Change, Locator, Opened, Report, render
    from oaskit.diff._compare import compare
    from oaskit.spec import Bundle, bundle_spec

    found = fetch([BASE, HEAD])
    missing = {spec.pin: path for spec, path in found.items() if isinstance(path, str)}
    if missing:
        print(f"inputs unavailable: {missing}", file=sys.stderr)
        return 1
    base, head = Path(found[BASE]), Path(found[HEAD])
    lines = [
        START_MARKER,
        "## Diff",
        "",
        "`python -m bench.diff_bench` (in `make bench`): `oaskit diff` between two published",
        "releases of GitHub's REST spec, beside the peer in the same run.",
        "",
        f"- base: {describe(BASE, base)}",
        f"- head: {describe(HEAD, head)}",
        f"- {machine(load=load_average())}",
        "",
    ]

    command_s, (code, document) = _best(args.repeats, lambda: _command(base, head))

    def bundled() -> tuple[Bundle, Bundle]:
        with collector_paused():
            return bundle_spec(base), bundle_spec(head)

    bundle_s, (old, new) = _best(args.repeats, bundled)

    def compared() -> list[Change]:
        with collector_paused():
            return list(compare(old, new))

    compare_s, changes = _best(args.repeats, compared)

    def formatted() -> str:
        before = Locator(Opened.file(base, root=ROOT), old)
        after = Locator(Opened.file(head, root=ROOT), new)
        report = Report(changes=[before.locate(c, after) for c in changes])
        report.changes.sort(key=lambda each: each.sort_key())
        return render(report, format="text")

    # Each run reads both files again for the snippets, as one command does.
    locate_s, text = _best(args.repeats, formatted)

    peer_s, outcome = _peer(base, head)

    summary = document["summary"]
    assert isinstance(summary, dict)
    families = summary["families"]
    levels = summary["levels"]
    assert isinstance(families, dict)
    assert isinstance(levels, dict)
    finished = outcome.startswith("exit")
    ratio = (
        f"{command_s / peer_s:.2f} of its time"
        if finished and peer_s
        else f"no ratio: {PEER} did not finish"
    )
    lines += [
        "| tool | seconds | outcome |",
        "| --- | --- | --- |",
        f"| `oaskit diff` (a process, best of {args.repeats}) | {command_s:.2f} | exit {code}:"
        f" {summary['changes']} changes; {ratio} |",
        f"| `{PEER}` {PEER_VERSION} (once) | {peer_s:.2f} | {outcome} |",
        "",
        f"oaskit's stages in one process: bundle both sides {bundle_s:.2f} s, compare"
        f" {compare_s:.2f} s, locate and format {locate_s:.2f} s"
        f" ({len(text.splitlines())} lines of text).",
        "",
        "Changes by level: " + ", ".join(f"{k} {v}" for k, v in levels.items()) + ".",
        "",
        "| family | changes |",
        "| --- | --- |",
        *(f"| {family} | {count} |" for family, count in sorted(families.items())),
        END_MARKER,
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(args.output, section, start_marker=START_MARKER, end_marker=END_MARKER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
